//! Crash safety: `parallax ingest` killed with SIGKILL at random points of
//! a batch, many times, then re-run, ends with the same store as an
//! uninterrupted run: no article lost, none duplicated, the same stories, a
//! sound database after every kill.

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

/// A small seeded generator (xorshift), so a failing run can be replayed
/// with `PARALLAX_KILL_SEED`.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A uniform draw in `lo..hi` (milliseconds).
    fn between(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo).max(1)
    }
}

fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.parse().ok())
}

fn ingest(data: &Path, file: &Path) -> Command {
    let mut c = parallax(data);
    c.args(["ingest", "-q", "--batch-size", "40"]).arg(file);
    c
}

/// Kills `parallax ingest` with SIGKILL at random moments, many times
/// (`PARALLAX_KILLS`, 24 by default), each followed by an integrity check
/// of the store. A round goes on killing and resuming the same data dir
/// until an ingest runs to its end; then its store must equal the
/// uninterrupted run's (same articles, none twice, the same stories), and a
/// fresh round starts, until the number of kills is reached.
#[test]
fn killed_ingests_lose_nothing_and_end_like_an_uninterrupted_run() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("stream.jsonl");
    std::fs::write(&file, corpus(1200)).unwrap();

    let whole = dir.path().join("whole");
    let started = std::time::Instant::now();
    assert!(ingest(&whole, &file).status().unwrap().success());
    // The span in which kills land: about the length of a whole run, so
    // some land in start-up (opening the store, replaying the clusterer),
    // most in the middle of batches, some in the final commit.
    let span = (started.elapsed().as_millis() as u64).max(200);
    let expected = export(&whole);
    assert_eq!(expected.len(), 1200);

    let target = env_u64("PARALLAX_KILLS").unwrap_or(24);
    let seed = env_u64("PARALLAX_KILL_SEED").unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos() as u64
            | 1
    });
    let mut rng = Rng(seed);
    let (mut kills, mut rounds, mut runs) = (0u64, 0u64, 0u64);
    while kills < target {
        rounds += 1;
        let killed = dir.path().join(format!("killed-{rounds}"));
        // Articles committed so far in this round: a kill never takes any
        // back.
        let mut committed = 0u64;
        // Kills in a row in this round: on a loaded machine a resumed run
        // can take longer than the span measured on the whole run, so the
        // long delays grow with the streak and the round always ends.
        let mut streak = 0u64;
        loop {
            runs += 1;
            let mut child = ingest(&killed, &file)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap();
            // Short delays as often as long ones: a resumed run spends its
            // first part reopening the store.
            let delay = if rng.next().is_multiple_of(2) {
                rng.between(5, span / 3)
            } else {
                rng.between(span / 3, span + span / 4 * (1 + streak / 4))
            };
            std::thread::sleep(Duration::from_millis(delay));
            let finished = match child.try_wait().unwrap() {
                Some(status) => {
                    assert!(status.success(), "ingest failed: {status}");
                    true
                }
                None => {
                    child.kill().unwrap(); // SIGKILL
                    kills += 1;
                    streak += 1;
                    let status = child.wait().unwrap();
                    // It may have ended between try_wait and kill.
                    status.success()
                }
            };
            if killed.join("parallax.db").exists() {
                let check = parallax(&killed)
                    .args(["check", "--json"])
                    .output()
                    .unwrap();
                let v: Value = serde_json::from_slice(&check.stdout).unwrap_or_else(|e| {
                    panic!(
                        "check after kill {kills} printed no JSON ({e}; seed {seed}): {}",
                        String::from_utf8_lossy(&check.stderr)
                    )
                });
                assert_eq!(
                    v["ok"], true,
                    "store damaged after kill {kills} (seed {seed}): {v}"
                );
                let now = v["articles"].as_u64().unwrap_or(0);
                assert!(
                    now >= committed,
                    "kill {kills} took back committed articles: {committed} -> {now} (seed {seed})"
                );
                committed = now;
            }
            if finished {
                break;
            }
            assert!(
                runs < target * 20,
                "no run finished (seed {seed}): the ingest never gets ahead of the kills"
            );
        }
        let got = export(&killed);
        assert_eq!(
            got.len(),
            expected.len(),
            "articles lost or duplicated in round {rounds} (seed {seed})"
        );
        assert_eq!(
            got, expected,
            "stories differ from the uninterrupted run in round {rounds} (seed {seed})"
        );
        parallax(&killed).args(["check"]).assert_success();
    }
    println!(
        "crash: {kills} SIGKILLs at random points (seed {seed}, span {span} ms) in {runs} runs over {rounds} rounds; every round ended with the uninterrupted run's {} articles and stories, and every check passed",
        expected.len()
    );
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
