//! Crash safety: `parallax ingest` killed with SIGKILL at several points of
//! a batch, then re-run, ends with the same store as an uninterrupted run:
//! no article lost, none duplicated, the same stories, a sound database.

#![cfg(unix)]

use assert_cmd::cargo::CommandCargoExt;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

/// A deterministic stream of fictional articles: 60 events, each reported
/// several times with varied wording, interleaved.
fn corpus(n: usize) -> String {
    const PLACES: &[&str] = &[
        "Tarno",
        "Velmar",
        "Port Velna",
        "Dravnik",
        "Ostral",
        "Isla Morna",
        "Kessel",
        "Brava",
        "Lunden",
        "Ardel",
    ];
    const KINDS: &[(&str, &str)] = &[
        ("flood", "river burst its banks and flooded the lower town"),
        (
            "strike",
            "dock workers walked out over pay and closed the port",
        ),
        ("fire", "a fire broke out in a warehouse near the station"),
        (
            "election",
            "voters chose a new mayor after a tight campaign",
        ),
        ("storm", "a storm cut power to thousands of homes overnight"),
        (
            "bridge",
            "engineers closed the old bridge after finding cracks",
        ),
    ];
    let mut seed: u64 = 0x9e3779b97f4a7c15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut out = String::new();
    for i in 0..n {
        let event = (next() % 60) as usize;
        let place = PLACES[event % PLACES.len()];
        let (kind, what) = KINDS[event / PLACES.len() % KINDS.len()];
        let n1 = 3 + event * 7 % 40;
        let outlet = format!("Outlet {}", next() % 9);
        let extra: Vec<&str> = (0..4)
            .map(|_| {
                [
                    "officials said",
                    "residents said",
                    "the council said",
                    "police said",
                    "witnesses said",
                ][(next() % 5) as usize]
            })
            .collect();
        let text = format!(
            "In {place}, {what}, {}. At least {n1} people were affected, {}.\n\nThe {kind} in {place} is the talk of the region, {}. Report number {i} adds that the {kind} response continues, {}.",
            extra[0], extra[1], extra[2], extra[3]
        );
        let line = serde_json::json!({
            "id": format!("c{i}"),
            "title": format!("{} {kind} in {place}: update {}", ["Major", "Latest", "New"][(next() % 3) as usize], i % 7),
            "outlet": outlet,
            "text": text,
        });
        out.push_str(&line.to_string());
        out.push('\n');
    }
    out
}

fn parallax(data: &Path) -> Command {
    let mut c = Command::cargo_bin("parallax").unwrap();
    c.arg("--data-dir").arg(data).env_remove("PARALLAX_DATA");
    c
}

fn export(data: &Path) -> BTreeMap<String, String> {
    let out = parallax(data)
        .args(["export", "--what", "articles"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let mut m = BTreeMap::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let v: Value = serde_json::from_str(line).unwrap();
        let id = v["external_id"].as_str().unwrap().to_string();
        assert!(
            m.insert(id.clone(), v["story"].as_str().unwrap().to_string())
                .is_none(),
            "duplicate {id}"
        );
    }
    m
}

#[test]
fn killed_ingests_lose_nothing_and_end_like_an_uninterrupted_run() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("stream.jsonl");
    std::fs::write(&file, corpus(1200)).unwrap();

    let whole = dir.path().join("whole");
    let st = parallax(&whole)
        .args(["ingest", "-q", "--batch-size", "40"])
        .arg(&file)
        .status()
        .unwrap();
    assert!(st.success());
    let expected = export(&whole);
    assert_eq!(expected.len(), 1200);

    let killed = dir.path().join("killed");
    let mut kills = 0;
    for delay_ms in [60u64, 150, 260, 380, 520, 700] {
        let mut child = parallax(&killed)
            .args(["ingest", "-q", "--batch-size", "40"])
            .arg(&file)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap(); // SIGKILL
            kills += 1;
        }
        child.wait().unwrap();
        let check = parallax(&killed)
            .args(["check", "--json"])
            .output()
            .unwrap();
        if killed.join("parallax.db").exists() {
            let v: Value = serde_json::from_slice(&check.stdout).unwrap();
            assert_eq!(v["ok"], true, "store damaged after a kill: {v}");
        }
    }
    assert!(
        kills > 0,
        "the ingest always finished before it could be killed"
    );
    let st = parallax(&killed)
        .args(["ingest", "-q", "--batch-size", "40"])
        .arg(&file)
        .status()
        .unwrap();
    assert!(st.success());
    let got = export(&killed);
    assert_eq!(got.len(), expected.len(), "articles lost or duplicated");
    assert_eq!(got, expected, "stories differ from the uninterrupted run");
    parallax(&killed).args(["check"]).assert_success();
}

trait AssertSuccess {
    fn assert_success(&mut self);
}

impl AssertSuccess for Command {
    fn assert_success(&mut self) {
        let out = self.output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
}
