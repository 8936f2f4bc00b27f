//! `parallax-eval align` on sentence pairs written here (fictional
//! articles in the ECB+ layout), with the story facts (`--facts`), and with
//! the labels blanked (speed only).

use assert_cmd::Command;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

const A_TITLE: &str = "A fire destroyed two warehouses on the Tarno quay on Monday.";
const A_TEXT: &str = "Harbour master Ilona Dragić said that the depot was being used by a smuggling ring.\nThe port authority said there will be an investigation into the fire.\nThe ferry to Dravnik ran on time in the afternoon.";
const B_TITLE: &str = "Two warehouses burned down on the Tarno quay on Monday.";
const B_TEXT: &str = "Ilona Dragić said that the warehouse was no longer in use and was held by dockers.\nThe ministry claimed that the blaze is still being investigated.\nSchools in the harbour district will reopen in May.";

/// The articles and the pairs; with `gold`, each pair has `same`.
fn files(dir: &Path, gold: bool) -> (PathBuf, PathBuf) {
    let arts = dir.join("articles.jsonl");
    let lines = [
        json!({"id": "t-1_1ecb", "event": "1ecb", "topic": 1, "title": A_TITLE, "text": A_TEXT}),
        json!({"id": "t-1_2ecb", "event": "1ecb", "topic": 1, "title": B_TITLE, "text": B_TEXT}),
    ];
    std::fs::write(
        &arts,
        lines.iter().map(|l| format!("{l}\n")).collect::<String>(),
    )
    .unwrap();
    let sents = |title: &str, text: &str| -> Vec<String> {
        std::iter::once(title.to_string())
            .chain(text.lines().map(str::to_string))
            .collect()
    };
    let (a, b) = (sents(A_TITLE, A_TEXT), sents(B_TITLE, B_TEXT));
    let mut pairs = String::new();
    for (i, sa) in a.iter().enumerate() {
        for (j, sb) in b.iter().enumerate() {
            let mut p = json!({
                "event": "1ecb", "a": "t-1_1ecb", "a_sentence": i, "a_text": sa,
                "b": "t-1_2ecb", "b_sentence": j, "b_text": sb,
            });
            if gold {
                // The fire, the depot's use and the investigation are the
                // same in both; the ferry and the schools are not.
                p["same"] = (i == j && i < 3).into();
            }
            pairs.push_str(&format!("{p}\n"));
        }
    }
    let pf = dir.join(if gold { "pairs.jsonl" } else { "blank.jsonl" });
    std::fs::write(&pf, pairs).unwrap();
    (arts, pf)
}

fn run(args: &[&str], files: &[&Path]) -> Value {
    let mut c = Command::cargo_bin("parallax-eval").unwrap();
    c.arg("align").args(args);
    for f in files {
        c.arg(f);
    }
    let out = c.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn scores_pairs_and_story_facts_and_writes_predictions() {
    let dir = tempfile::tempdir().unwrap();
    let (arts, pairs) = files(dir.path(), true);
    let pred = dir.path().join("pred.jsonl");
    let r = run(
        &[
            "--json",
            "--out",
            pred.to_str().unwrap(),
            "--facts",
            arts.to_str().unwrap(),
        ],
        &[pairs.as_path()],
    );
    assert_eq!(r["pairs"], 16);
    assert_eq!(r["scored"], 16);
    assert!(r["model"]["macro_f1"].as_f64().unwrap() > 0.0, "{r}");
    // Every sentence is a statement of its story; the facts join the
    // depot's use (one party, one rare word) and the investigation (one
    // rare event word), and leave the ferry and the schools apart.
    let facts = &r["facts"];
    assert_eq!(facts["located"], 16, "{r}");
    assert!(facts["predicted_same"].as_u64().unwrap() >= 2, "{r}");
    assert!(
        facts["scores"]["precision"].as_f64().unwrap() >= 0.99,
        "{r}"
    );
    let lines: Vec<Value> = std::fs::read_to_string(&pred)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 16);
    assert!(lines.iter().all(|l| l["same"].is_boolean()));
    // A precision gate above what was reached fails the run.
    let out = Command::cargo_bin("parallax-eval")
        .unwrap()
        .arg("align")
        .arg(&pairs)
        .arg("--facts")
        .arg(&arts)
        .args(["--min-fact-precision", "1.01"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn blank_labels_report_speed_only() {
    let dir = tempfile::tempdir().unwrap();
    let (arts, pairs) = files(dir.path(), false);
    let r = run(
        &["--json", "--facts", arts.to_str().unwrap()],
        &[pairs.as_path()],
    );
    assert_eq!(r["pairs"], 16);
    assert_eq!(r["scored"], 0);
    assert!(r["model"].is_null(), "{r}");
    assert!(r["facts"]["scores"].is_null(), "{r}");
    assert_eq!(r["facts"]["located"], 16, "{r}");
}
