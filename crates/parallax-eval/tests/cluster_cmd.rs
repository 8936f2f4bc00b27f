//! `parallax-eval cluster` on the demo corpus with gold labels written here,
//! and with the labels blanked (speed only).

use assert_cmd::Command;
use serde_json::Value;
use std::path::Path;

fn labelled_corpus(dir: &Path, with_gold: bool) -> std::path::PathBuf {
    let src = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../demo/corpus.jsonl"),
    )
    .unwrap();
    let mut out = String::new();
    for line in src.lines().filter(|l| !l.trim().is_empty()) {
        let mut v: Value = serde_json::from_str(line).unwrap();
        let id = v["id"].as_str().unwrap().to_string();
        let event = match id.as_str() {
            "demo-001" | "demo-002" => "cup",
            "demo-010" | "demo-012" => "rates",
            _ => "blast",
        };
        if with_gold {
            v["event"] = event.into();
        }
        out.push_str(&v.to_string());
        out.push('\n');
    }
    let p = dir.join(if with_gold {
        "gold.jsonl"
    } else {
        "blank.jsonl"
    });
    std::fs::write(&p, out).unwrap();
    p
}

#[test]
fn scores_and_writes_predictions() {
    let dir = tempfile::tempdir().unwrap();
    let file = labelled_corpus(dir.path(), true);
    let pred = dir.path().join("pred.jsonl");
    let out = Command::cargo_bin("parallax-eval")
        .unwrap()
        .args(["cluster", "--json", "--out"])
        .arg(&pred)
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["articles"], 12);
    assert_eq!(r["gold_stories"], 3);
    assert!(r["bcubed"]["f1"].as_f64().unwrap() > 0.8, "{r}");
    let lines: Vec<Value> = std::fs::read_to_string(&pred)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 12);
    assert_eq!(lines[0]["id"], "demo-001");
    assert!(lines[0]["story"].as_str().unwrap().starts_with('s'));

    // The gate fails the run when the figure is below the threshold.
    Command::cargo_bin("parallax-eval")
        .unwrap()
        .args(["cluster", "--min-bcubed-f1", "1.01"])
        .arg(&file)
        .assert()
        .code(1);
}

#[test]
fn runs_without_gold_labels() {
    let dir = tempfile::tempdir().unwrap();
    let file = labelled_corpus(dir.path(), false);
    let pred = dir.path().join("pred.jsonl");
    let out = Command::cargo_bin("parallax-eval")
        .unwrap()
        .args(["cluster", "--json", "--out"])
        .arg(&pred)
        .arg(&file)
        .output()
        .unwrap();
    assert!(out.status.success());
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(r["bcubed"].is_null());
    assert!(r["articles_per_second"].as_f64().unwrap() > 0.0);
    assert_eq!(std::fs::read_to_string(&pred).unwrap().lines().count(), 12);
}

#[test]
fn cluster_bench_loads_open_stories_and_times_the_rest() {
    let out = Command::cargo_bin("parallax-eval")
        .unwrap()
        .args([
            "cluster-bench",
            "--open-stories",
            "400",
            "--articles",
            "150",
            "--json",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["open_stories"], 400);
    assert_eq!(r["articles"], 150);
    assert!(r["articles_per_second"].as_f64().unwrap() > 0.0);
    // The timed stream is another seed's events: most of it founds stories
    // of its own rather than joining the loaded ones.
    let founded = r["new_stories"].as_u64().unwrap();
    assert!(founded > 5 && founded < 150, "{r}");
    // An impossible floor fails the run.
    Command::cargo_bin("parallax-eval")
        .unwrap()
        .args(["cluster-bench", "--open-stories", "50", "--articles", "20"])
        .args(["--min-speed", "1e12"])
        .assert()
        .code(1);
}
