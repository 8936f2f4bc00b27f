//! `parallax-eval attribution` on a PolNeAR-layout split written here (one
//! fictional article, two annotators): the scores against the first
//! annotator, the predictions written as brat files, the annotators'
//! agreement, and a split without gold (speed only).

use assert_cmd::Command;
use serde_json::Value;
use std::path::Path;

const TEXT: &str =
    "Mayor Olga Brandt said the bridge would reopen in May. “We are ready,” she told reporters.\n";

/// Annotator `a` marks both attributions; annotator `b` only the first.
const ANN_A: &str = "T1\tSource 0 17\tMayor Olga Brandt
T2\tCue 18 22\tsaid
T3\tContent 23 53\tthe bridge would reopen in May
T4\tAttribution 18 22\tsaid
E1\tAttribution:T4 Source:T1 Cue:T2 Content:T3
T5\tSource 71 74\tshe
T6\tCue 75 79\ttold
T7\tContent 56 68\tWe are ready
T8\tAttribution 75 79\ttold
E2\tAttribution:T8 Source:T5 Cue:T6 Content:T7
";
const ANN_B: &str = "T1\tSource 0 17\tMayor Olga Brandt
T2\tCue 18 22\tsaid
T3\tContent 23 53\tthe bridge would reopen in May
T4\tAttribution 18 22\tsaid
E1\tAttribution:T4 Source:T1 Cue:T2 Content:T3
";

fn split(dir: &Path, with_gold: bool) {
    std::fs::create_dir_all(dir.join("text")).unwrap();
    std::fs::write(dir.join("text/bridge.txt"), TEXT).unwrap();
    if with_gold {
        std::fs::create_dir_all(dir.join("attributions")).unwrap();
        std::fs::write(dir.join("attributions/bridge_a.ann"), ANN_A).unwrap();
        std::fs::write(dir.join("attributions/bridge_b.ann"), ANN_B).unwrap();
    }
}

fn run(args: &[&str], dir: &Path) -> Value {
    let out = Command::cargo_bin("parallax-eval")
        .unwrap()
        .arg("attribution")
        .args(args)
        .arg(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn scores_against_the_first_annotator_and_writes_brat_files() {
    let dir = tempfile::tempdir().unwrap();
    split(dir.path(), true);
    let out = dir.path().join("pred");
    let r = run(&["--json", "--out", out.to_str().unwrap()], dir.path());
    assert_eq!(r["scored_articles"], 1);
    // The first annotator in file-name order is the gold: two attributions.
    assert_eq!(r["gold_attributions"], 2, "{r}");
    assert!(r["overlap"]["source"]["f1"].as_f64().unwrap() > 0.9, "{r}");
    // The extractor's second content keeps the quotation's comma, which
    // the annotator left out: a token of four outside the gold span.
    assert!(r["overlap"]["content"]["f1"].as_f64().unwrap() > 0.8, "{r}");
    let ann = std::fs::read_to_string(out.join("bridge.ann")).unwrap();
    assert!(ann.contains("Source 0 17\tMayor Olga Brandt"), "{ann}");
    assert!(ann.contains("We are ready"), "{ann}");
}

#[test]
fn agreement_scores_each_annotator_against_the_other() {
    let dir = tempfile::tempdir().unwrap();
    split(dir.path(), true);
    let r = run(&["--agreement", "--json"], dir.path());
    assert_eq!(r["articles"], 1);
    assert_eq!(r["annotations"], 2);
    // b against a finds one of a's two spans per role, a against b both of
    // b's one and one span more: 2 credits over 3 spans either way.
    let humans = &r["annotators_against_each_other"];
    for role in ["source", "cue", "content"] {
        let p = &humans["overlap"][role];
        assert!(
            (p["precision"].as_f64().unwrap() - 2.0 / 3.0).abs() < 1e-9,
            "{r}"
        );
        assert!(
            (p["recall"].as_f64().unwrap() - 2.0 / 3.0).abs() < 1e-9,
            "{r}"
        );
    }
    assert!((humans["attribution"]["f1"].as_f64().unwrap() - 2.0 / 3.0).abs() < 1e-9);
    // The extractor finds both attributions: all of a, and more than b.
    let system = &r["extractor_against_each_annotator"];
    assert!(
        system["overlap"]["source"]["recall"].as_f64().unwrap() > 0.99,
        "{r}"
    );
    assert!(
        system["overlap"]["source"]["precision"].as_f64().unwrap() < 0.8,
        "{r}"
    );
}

#[test]
fn runs_without_gold_and_reports_speed_only() {
    let dir = tempfile::tempdir().unwrap();
    split(dir.path(), false);
    let r = run(&["--json"], dir.path());
    assert_eq!(r["scored_articles"], 0);
    assert!(r.get("overlap").is_none(), "{r}");
    assert!(r["sentences_per_second"].as_f64().unwrap() > 0.0);
    let a = run(&["--agreement", "--json"], dir.path());
    assert_eq!(a["articles"], 0);
    assert!(a["annotators_against_each_other"].is_null());
}
