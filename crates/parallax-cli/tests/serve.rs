//! `parallax search`, `parallax serve` and `parallax demo --no-serve` on the
//! fictional demo corpus.

use assert_cmd::Command;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../demo/corpus.jsonl")
}

fn parallax(data: &Path) -> Command {
    let mut c = Command::cargo_bin("parallax").unwrap();
    c.arg("--data-dir").arg(data);
    c
}

fn ingest_demo(data: &Path) {
    parallax(data)
        .args(["ingest", "-q"])
        .arg(corpus())
        .assert()
        .success();
}

#[test]
fn search_finds_phrases_and_reindexes() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    // `ingest` indexes what it stored.
    let out = parallax(&data)
        .args(["ingest", "--json"])
        .arg(corpus())
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["indexed"], 12, "{v}");
    for stage in ["read", "analyse", "cluster", "store", "index"] {
        assert!(v["stages"][stage].as_f64().unwrap() >= 0.0, "{stage}: {v}");
    }
    assert!(data.join("search").is_dir());
    // An index that lacks the store's tail (a run with --no-index, or an
    // interrupted one) catches up on use, with only the tail.
    let extra = dir.path().join("extra.jsonl");
    std::fs::write(&extra, "{\"id\": \"x1\", \"title\": \"Zorvath lighthouse keeper retires\", \"text\": \"The keeper of the Zorvath lighthouse retired on Friday after forty years.\"}\n").unwrap();
    let out = parallax(&data)
        .args(["ingest", "--json", "--no-index"])
        .arg(&extra)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (v["added"].as_u64(), v["indexed"].as_u64()),
        (Some(1), Some(0)),
        "{v}"
    );
    let out = parallax(&data)
        .args(["search", "zorvath", "--json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["total"], 1, "{v}");
    let out = parallax(&data)
        .args(["search", "\"death toll\"", "--json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["total"].as_u64().unwrap() >= 1, "{v}");
    assert!(data.join("search").is_dir());
    parallax(&data)
        .args(["search", "--reindex"])
        .assert()
        .success()
        .stderr(predicates::str::contains("indexed 13 articles"));
    let out = parallax(&data)
        .args([
            "search",
            "velna",
            "--outlet",
            "Meridian Press Agency",
            "--sort",
            "time",
            "--json",
        ])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .all(|h| h["outlet"] == "Meridian Press Agency"));
    // No match: exit 1, like a missing story.
    parallax(&data).args(["search", "zyzzyva"]).assert().code(1);
}

/// Kills the child when dropped, so a failed assertion leaves no server.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn http_get(addr: &str, path: &str) -> String {
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out
}

#[test]
fn serve_answers_on_loopback_quickly() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    ingest_demo(&data);
    let bin = assert_cmd::cargo::cargo_bin("parallax");
    let started = Instant::now();
    let mut child = Child(
        std::process::Command::new(bin)
            .arg("--data-dir")
            .arg(&data)
            .args(["serve", "--addr", "127.0.0.1:0"])
            .env_remove("PARALLAX_WRITE_TOKEN")
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let mut line = String::new();
    BufReader::new(child.0.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let ready = started.elapsed();
    assert!(line.contains("writes off"), "{line}");
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|s| s.split('/').next())
        .expect("the address")
        .to_string();
    assert!(addr.starts_with("127.0.0.1:"), "{addr}");
    // Generous bound for a loaded debug build; the server itself reports
    // tens of milliseconds.
    assert!(ready < Duration::from_secs(10), "ready after {ready:?}");
    let health = http_get(&addr, "/healthz");
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    let stories = http_get(&addr, "/api/v1/stories");
    assert!(stories.contains("\"stories\""), "{stories}");
    assert!(stories.to_lowercase().contains("x-frame-options: deny"));
    let front = http_get(&addr, "/");
    assert!(front.contains("Port Velna"), "{front}");
}

#[test]
fn demo_without_serving_exits() {
    Command::cargo_bin("parallax")
        .unwrap()
        .args(["demo", "--no-serve"])
        .timeout(Duration::from_secs(120))
        .assert()
        .success()
        .stdout(predicates::str::contains("The largest story"));
}
