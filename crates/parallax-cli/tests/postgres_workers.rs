//! Several workers on one PostgreSQL database: two `parallax ingest`
//! processes given the same generated stream at once must store the
//! stories one process stores. Skipped (with a message) when
//! `PARALLAX_PG_URL` is not set (`scripts/postgres.sh` prints it); fails
//! when it is set and the server cannot be reached.
//!
//! The stream has 2,000 articles by default; `PARALLAX_PG_WORKER_ARTICLES=10000`
//! runs the size the scale issue names (best with `--release`).

use assert_cmd::Command;
use parallax_eval::synth::{generate, SynthConfig};
use parallax_store::ArticleStore;
use parallax_store_pg::PgStore;
use std::process::Stdio;

/// The URL of a schema of its own on the test database (created here).
fn schema_url(base: &str, schema: &str) -> String {
    PgStore::connect_in_schema(base, schema)
        .unwrap_or_else(|e| panic!("PARALLAX_PG_URL is set but the store cannot be opened: {e}"));
    let sep = if base.contains('?') { '&' } else { '?' };
    format!("{base}{sep}options=-c%20search_path%3D{schema}")
}

fn assignments(base: &str, schema: &str) -> Vec<(String, String)> {
    PgStore::connect_in_schema(base, schema)
        .unwrap()
        .assignments()
        .unwrap()
        .into_iter()
        .map(|(a, s)| (a.to_string(), s.to_string()))
        .collect()
}

fn ingest(url: &str, file: &std::path::Path) -> std::process::Command {
    let mut c = std::process::Command::new(assert_cmd::cargo::cargo_bin("parallax"));
    c.args([
        "--store",
        url,
        "ingest",
        "--quiet",
        "--json",
        "--batch-size",
        "100",
    ])
    .arg(file)
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    c
}

fn added(out: &std::process::Output) -> usize {
    assert!(
        out.status.success(),
        "worker failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v["added"].as_u64().unwrap() as usize
}

#[test]
fn two_workers_store_the_stories_of_one() {
    let Ok(base) = std::env::var("PARALLAX_PG_URL") else {
        eprintln!("two_workers_store_the_stories_of_one: skipped: PARALLAX_PG_URL is not set");
        return;
    };
    let n: usize = std::env::var("PARALLAX_PG_WORKER_ARTICLES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("stream.jsonl");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&file).unwrap());
    generate(
        SynthConfig {
            articles: n,
            seed: 7,
        },
        &mut out,
    )
    .unwrap();
    drop(out);
    let tag = format!("{}_{}", std::process::id(), n);

    let one = format!("workers_one_{tag}");
    let url_one = schema_url(&base, &one);
    let clock = std::time::Instant::now();
    let single = ingest(&url_one, &file).output().unwrap();
    let single_added = added(&single);
    let single_seconds = clock.elapsed().as_secs_f64();
    let expected = assignments(&base, &one);
    assert_eq!(single_added, expected.len());
    assert!(expected.len() > n / 2, "{} of {n} stored", expected.len());

    let two = format!("workers_two_{tag}");
    let url_two = schema_url(&base, &two);
    let clock = std::time::Instant::now();
    let a = ingest(&url_two, &file).spawn().unwrap();
    let b = ingest(&url_two, &file).spawn().unwrap();
    let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    let (added_a, added_b) = (added(&a), added(&b));
    let two_seconds = clock.elapsed().as_secs_f64();
    eprintln!(
        "{n} articles: one worker {single_seconds:.1} s; two workers {two_seconds:.1} s, storing {added_a} and {added_b}"
    );
    let got = assignments(&base, &two);
    assert_eq!(added_a + added_b, got.len());
    assert_eq!(got.len(), expected.len());
    assert!(
        got == expected,
        "two workers grouped the stream differently from one"
    );

    // A third run of the same stream changes nothing.
    let again = Command::cargo_bin("parallax")
        .unwrap()
        .args(["--store", &url_two, "ingest", "--quiet", "--json"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(added(&again), 0);
    let check = Command::cargo_bin("parallax")
        .unwrap()
        .args(["--store", &url_two, "check"])
        .output()
        .unwrap();
    assert!(check.status.success(), "{check:?}");
}

/// `parallax search` on a PostgreSQL store answers from PostgreSQL's own
/// full-text index, with the outlet, entity and date filters.
#[test]
fn search_uses_the_database_index() {
    let Ok(base) = std::env::var("PARALLAX_PG_URL") else {
        eprintln!("search_uses_the_database_index: skipped: PARALLAX_PG_URL is not set");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("articles.jsonl");
    std::fs::write(
        &file,
        concat!(
            r#"{"id":"b1","title":"Tarno bridge collapses","text":"The old bridge in Tarno collapsed into the Vell river on Monday. Divers searched the river for two missing drivers.","outlet":"Velmar Daily","published":"2026-03-02T09:00:00Z"}"#,
            "\n",
            r#"{"id":"b2","title":"Divers search the Vell river","text":"Divers searched the Vell river after the Tarno bridge collapsed. Two drivers are still missing, police said.","outlet":"Tarno Herald","published":"2026-03-03T09:00:00Z"}"#,
            "\n",
            r#"{"id":"c1","title":"Mariners win the cup","text":"Port Velna Mariners beat Dravnik Union in the cup final on Sunday.","outlet":"Sport Post","published":"2026-03-01T18:00:00Z"}"#,
            "\n"
        ),
    )
    .unwrap();
    let url = schema_url(&base, &format!("search_cli_{}", std::process::id()));
    let out = ingest(&url, &file).output().unwrap();
    assert_eq!(added(&out), 3);
    let search = |args: &[&str]| -> serde_json::Value {
        let out = Command::cargo_bin("parallax")
            .unwrap()
            .args(["--store", &url, "search", "--json"])
            .args(args)
            .output()
            .unwrap();
        serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|_| panic!("search {args:?}: {}", String::from_utf8_lossy(&out.stderr)))
    };
    let ids = |v: &serde_json::Value| -> Vec<String> {
        v["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| match h["title"].as_str().unwrap() {
                "Tarno bridge collapses" => "b1".to_string(),
                "Divers search the Vell river" => "b2".to_string(),
                other => other.to_string(),
            })
            .collect()
    };
    let r = search(&["divers"]);
    assert_eq!(r["total"], 2);
    let mut found = ids(&r);
    found.sort();
    assert_eq!(found, ["b1", "b2"]);
    let snippet = r["hits"][0]["snippet"].as_str().unwrap();
    let (s, e) = (
        r["hits"][0]["highlights"][0][0].as_u64().unwrap() as usize,
        r["hits"][0]["highlights"][0][1].as_u64().unwrap() as usize,
    );
    assert_eq!(snippet[s..e].to_lowercase(), "divers");
    assert_eq!(
        ids(&search(&["divers", "--outlet", "Tarno Herald"])),
        ["b2"]
    );
    assert_eq!(ids(&search(&["river", "--to", "2026-03-02"])), ["b1"]);
    assert_eq!(ids(&search(&["river", "--sort", "time"])), ["b2", "b1"]);
    let mut both = ids(&search(&["drivers", "--entity", "Vell river"]));
    both.sort();
    assert_eq!(both, ["b1", "b2"]);
    assert!(ids(&search(&["cup", "--entity", "Vell river"])).is_empty());
    // Nothing matches: exit code 1.
    Command::cargo_bin("parallax")
        .unwrap()
        .args(["--store", &url, "search", "nothing-here"])
        .assert()
        .code(1);
}

#[test]
fn workers_replace_an_updated_version() {
    let Ok(base) = std::env::var("PARALLAX_PG_URL") else {
        eprintln!("workers_replace_an_updated_version: skipped: PARALLAX_PG_URL is not set");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let line = |url: &str, title: &str, text: &str| {
        serde_json::json!({"url": url, "title": title, "text": text, "outlet": "Velmar Daily"})
            .to_string()
            + "\n"
    };
    let first = dir.path().join("first.jsonl");
    std::fs::write(
        &first,
        line(
            "https://velmar.example/bridge",
            "Tarno bridge collapses",
            "The old bridge in Tarno collapsed into the Vell river on Monday.",
        ) + &line(
            "https://velmar.example/cup",
            "Mariners win the cup",
            "Port Velna Mariners beat Dravnik Union in the cup final on Sunday.",
        ),
    )
    .unwrap();
    // Two newer versions of the bridge story in one file, and a new story.
    let second = dir.path().join("second.jsonl");
    std::fs::write(
        &second,
        line("https://velmar.example/bridge", "Tarno bridge collapses", "The old bridge in Tarno collapsed into the Vell river on Monday. Two drivers are missing.")
            + &line("https://velmar.example/bridge?utm_source=feed", "Tarno bridge collapse: two drivers missing", "The old bridge in Tarno collapsed into the Vell river on Monday. Two drivers are missing, police said.")
            + &line("https://velmar.example/ferry", "Ferry strike in Dravnik", "Sailors halted the Dravnik ferry on Tuesday."),
    )
    .unwrap();
    let url = schema_url(&base, &format!("updates_cli_{}", std::process::id()));
    let json = |out: std::process::Output| -> serde_json::Value {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let r = json(ingest(&url, &first).output().unwrap());
    assert_eq!(
        (r["added"].as_u64(), r["updated"].as_u64()),
        (Some(2), Some(0))
    );
    let r = json(ingest(&url, &second).output().unwrap());
    assert_eq!(
        (r["added"].as_u64(), r["updated"].as_u64()),
        (Some(1), Some(2)),
        "{r}"
    );
    assert_eq!(r["articles_total"].as_u64(), Some(3));
    // The same file again changes nothing.
    let r = json(ingest(&url, &second).output().unwrap());
    assert_eq!(
        (r["added"].as_u64(), r["updated"].as_u64()),
        (Some(0), Some(0)),
        "{r}"
    );
    let bridge = assignments(&base, &format!("updates_cli_{}", std::process::id()));
    assert_eq!(bridge.len(), 3);
    let store =
        PgStore::connect_in_schema(&base, &format!("updates_cli_{}", std::process::id())).unwrap();
    let stored = store.find_articles("").unwrap();
    let latest = stored
        .iter()
        .find(|a| a.article.text.ends_with("police said."))
        .expect("the latest version is stored");
    assert_eq!(latest.revisions, 3);
    assert_eq!(
        latest.article.title.as_deref(),
        Some("Tarno bridge collapse: two drivers missing")
    );
}
