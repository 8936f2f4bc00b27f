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

/// Runs `parallax-eval cluster --json ARGS`, checks that it succeeds, and
/// returns its report and its standard error.
fn cluster_json<const N: usize>(args: [&std::ffi::OsStr; N]) -> (Value, String) {
    let out = Command::cargo_bin("parallax-eval")
        .unwrap()
        .args(["cluster", "--json"])
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{stderr}");
    (serde_json::from_slice(&out.stdout).unwrap(), stderr)
}

#[test]
fn scores_and_writes_predictions() {
    let dir = tempfile::tempdir().unwrap();
    let file = labelled_corpus(dir.path(), true);
    let pred = dir.path().join("pred.jsonl");
    let (r, _) = cluster_json(["--out".as_ref(), pred.as_os_str(), file.as_os_str()]);
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
    let (r, _) = cluster_json(["--out".as_ref(), pred.as_os_str(), file.as_os_str()]);
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

/// Three fictional roundups in the NeuS layout, three outlets each; with
/// `blank`, their ids (the gold stories) are empty.
fn roundups(dir: &Path, blank: bool) -> std::path::PathBuf {
    let stories = [
        (
            "r-ferry",
            [
                ("Ferry capsizes on Lake Orvand, 14 rescued", "The passenger ferry Maren capsized on Lake Orvand on Sunday evening. Coastguard crews rescued 14 people from the water near Kessby pier, and two passengers are still missing."),
                ("Two missing after Orvand ferry accident", "Rescuers searched Lake Orvand through the night for two passengers missing after the ferry Maren overturned near Kessby. Fourteen people were pulled from the water."),
                ("Kessby ferry disaster: operator faces questions", "The operator of the ferry Maren, which capsized near Kessby on Lake Orvand, faced questions over overloading. The coastguard said 14 people were rescued and two are missing."),
            ],
        ),
        (
            "r-scooters",
            [
                ("Velmar council bans rental scooters", "Velmar city council voted 31 to 12 on Tuesday to ban rental electric scooters from the old town, citing accidents and blocked pavements."),
                ("Scooter ban passes in Velmar", "Rental e-scooters will disappear from Velmar's old town after the council approved a ban by 31 votes to 12. Operators said they would appeal."),
                ("Velmar scooter operators vow to fight council ban", "Two scooter operators said they would challenge the Velmar council's ban on rental e-scooters in the old town, passed by 31 votes to 12."),
            ],
        ),
        (
            "r-comet",
            [
                ("Tessaly Observatory spots new comet", "Astronomers at the Tessaly Observatory have discovered a comet that will pass closest to the Sun next spring, the observatory said on Friday."),
                ("New comet found from Tessaly", "A comet discovered at the Tessaly Observatory could be visible to the naked eye next spring, its astronomers said."),
                ("Comet Tessaly-3 may brighten next spring", "The comet found by Tessaly Observatory astronomers, named Tessaly-3, is expected to brighten as it nears the Sun next spring."),
            ],
        ),
    ];
    let mut out = String::new();
    for (id, articles) in stories {
        let articles: Vec<Value> = articles
            .iter()
            .map(|(t, x)| serde_json::json!({"title": t, "text": x}))
            .collect();
        let id = if blank { "" } else { id };
        let line = serde_json::json!({"id": id, "articles": articles, "summary": {"title": "", "text": ""}});
        out.push_str(&line.to_string());
        out.push('\n');
    }
    let p = dir.join(if blank {
        "blank-roundups.jsonl"
    } else {
        "roundups.jsonl"
    });
    std::fs::write(&p, out).unwrap();
    p
}

#[test]
fn reads_roundups_as_gold_stories() {
    let dir = tempfile::tempdir().unwrap();
    let pred = dir.path().join("pred.jsonl");
    let file = roundups(dir.path(), false);
    let (r, _) = cluster_json(["--out".as_ref(), pred.as_os_str(), file.as_os_str()]);
    assert_eq!(r["articles"], 9);
    assert_eq!(r["gold_stories"], 3);
    assert!(r["bcubed"]["f1"].as_f64().unwrap() > 0.8, "{r}");
    let ids: Vec<String> = std::fs::read_to_string(&pred)
        .unwrap()
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    // Blocks of roundups run at once: the first article of each, then the
    // second of each, and so on.
    assert_eq!(
        &ids[..4],
        ["r-ferry/0", "r-scooters/0", "r-comet/0", "r-ferry/1"]
    );

    // Roundups have no topics.
    Command::cargo_bin("parallax-eval")
        .unwrap()
        .args(["cluster", "--topics", "odd"])
        .arg(roundups(dir.path(), false))
        .assert()
        .failure();

    // Blanked ids: speed only.
    let (r, _) = cluster_json([roundups(dir.path(), true).as_os_str()]);
    assert_eq!(r["articles"], 9);
    assert!(r["bcubed"].is_null(), "{r}");
}

#[test]
fn fits_on_two_collections() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("model.rs");
    let out = Command::cargo_bin("parallax-eval")
        .unwrap()
        .args(["cluster", "--fit", "--fit-with"])
        .arg(roundups(dir.path(), false))
        .arg("--write-model")
        .arg(&model)
        .arg(labelled_corpus(dir.path(), true))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let log = String::from_utf8_lossy(&out.stdout);
    assert!(log.contains("gold.jsonl: "), "{log}");
    assert!(log.contains("roundups.jsonl: "), "{log}");
    assert!(log.contains("log_size weight"), "{log}");
    let source = std::fs::read_to_string(&model).unwrap();
    assert!(source.contains("--fit-with"), "{source}");
    assert!(source.contains("the collections weighing"), "{source}");
    assert!(source.contains("pub const WEIGHTS: [f32; crate::NF] = ["));

    // --fit-with without --fit is an error, not a silent no-op.
    Command::cargo_bin("parallax-eval")
        .unwrap()
        .args(["cluster", "--fit-with"])
        .arg(roundups(dir.path(), false))
        .arg(labelled_corpus(dir.path(), true))
        .assert()
        .failure();
}

#[test]
fn a_broken_roundup_line_is_skipped_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    let good = roundups(dir.path(), false);
    let mut text = std::fs::read_to_string(&good).unwrap();
    text.push_str("{\"id\": \"r-broken\", \"articles\": [\n");
    let file = dir.path().join("broken.jsonl");
    std::fs::write(&file, text).unwrap();
    let (r, stderr) = cluster_json([file.as_os_str()]);
    assert_eq!(r["articles"], 9);
    assert_eq!(r["read_errors"], 1);
    assert!(stderr.contains("broken.jsonl:4: skipped"), "{stderr}");
}
