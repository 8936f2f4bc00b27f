//! Integration tests of the `parallax` command: each command on the demo
//! corpus (fictional articles written for Parallax), bad input, and the
//! seeds when `../shared` is present.

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../demo/corpus.jsonl")
}

fn parallax(data: &Path) -> Command {
    let mut c = Command::cargo_bin("parallax").unwrap();
    c.arg("--data-dir")
        .arg(data)
        .env_remove("PARALLAX_DATA")
        .env_remove("PARALLAX_MODEL");
    c
}

fn json(out: &[u8]) -> Value {
    serde_json::from_slice(out)
        .unwrap_or_else(|e| panic!("bad JSON ({e}): {}", String::from_utf8_lossy(out)))
}

fn story_of(stories: &Value, data: &Path, external: &str) -> String {
    for s in stories.as_array().unwrap() {
        let id = s["id"].as_str().unwrap();
        let out = parallax(data)
            .args(["story", id, "--json"])
            .output()
            .unwrap();
        let v = json(&out.stdout);
        if v["articles"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["external_id"] == external)
        {
            return id.to_string();
        }
    }
    panic!("no story holds {external}");
}

#[test]
fn ingest_demo_corpus_and_read_the_stories() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let out = parallax(&data)
        .args(["ingest", "--json"])
        .arg(corpus())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary = json(&out.stdout);
    assert_eq!(summary["added"], 12);
    assert_eq!(summary["failed"], 0);

    let stories = json(
        &parallax(&data)
            .args(["stories", "--json"])
            .output()
            .unwrap()
            .stdout,
    );
    // The plant explosion: the wire story, its syndicated copy and the
    // follow-ups of other outlets are one story.
    let blast = story_of(&stories, &data, "demo-003");
    for other in [
        "demo-004", "demo-005", "demo-006", "demo-007", "demo-009", "demo-011",
    ] {
        assert_eq!(story_of(&stories, &data, other), blast, "{other}");
    }
    // The two unrelated stories are apart from it and from each other.
    let cup = story_of(&stories, &data, "demo-001");
    let bank = story_of(&stories, &data, "demo-010");
    assert_eq!(story_of(&stories, &data, "demo-002"), cup);
    assert_eq!(story_of(&stories, &data, "demo-012"), bank);
    assert!(cup != blast && bank != blast && cup != bank);

    // Text output of a story names its outlets and shared terms, and
    // shows the summary (with citations) and the timeline first.
    let text = parallax(&data).args(["story", &blast]).output().unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("Meridian Press Agency") && text.contains("Shared terms"),
        "{text}"
    );
    let summary_at = text.find("\nSummary\n").expect("a summary");
    assert!(summary_at < text.find("\nArticles\n").unwrap(), "{text}");
    assert!(
        text.contains("[1]") && text.contains("Sources: [1]"),
        "{text}"
    );
    assert!(text.contains("\nTimeline\n"), "{text}");
    let md = parallax(&data)
        .args(["story", &blast, "--markdown"])
        .output()
        .unwrap();
    let md = String::from_utf8_lossy(&md.stdout);
    assert!(
        md.contains("## Summary") && md.contains("## Timeline"),
        "{md}"
    );

    // Re-ingesting changes nothing.
    let again = json(
        &parallax(&data)
            .args(["ingest", "--json"])
            .arg(corpus())
            .output()
            .unwrap()
            .stdout,
    );
    assert_eq!(again["added"], 0);
    assert_eq!(again["unchanged"], 12);
    assert_eq!(again["stories_total"], summary["stories_total"]);
}

#[test]
fn article_export_and_compare() {
    // (quotes and entities of the demo are checked below, in `demo_story_shows_quotes_and_entities`)
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    parallax(&data)
        .args(["ingest", "-q"])
        .arg(corpus())
        .assert()
        .success();

    let a = json(
        &parallax(&data)
            .args(["article", "demo-004", "--json"])
            .output()
            .unwrap()
            .stdout,
    );
    assert_eq!(a["outlet"], "The Lakeshore Post");
    assert_eq!(a["external_id"], "demo-004");
    assert!(a["story"].as_str().unwrap().starts_with('s'));
    parallax(&data)
        .args(["article", "no-such-article"])
        .assert()
        .code(1);
    parallax(&data).args(["story", "sNOPE"]).assert().code(1);

    let out = parallax(&data)
        .args(["export", "--what", "articles", "--format", "jsonl"])
        .output()
        .unwrap();
    let lines: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| json(l.as_bytes()))
        .collect();
    assert_eq!(lines.len(), 12);
    assert!(lines
        .iter()
        .all(|l| l["story"].as_str().is_some() && l["external_id"].as_str().is_some()));

    let csv_path = dir.path().join("stories.csv");
    parallax(&data)
        .args(["export", "--what", "stories", "--format", "csv", "--out"])
        .arg(&csv_path)
        .assert()
        .success();
    let csv = std::fs::read_to_string(&csv_path).unwrap();
    assert!(csv.starts_with("id,headline,articles,outlets,first_seen,last_seen"));

    // compare: two files as one story, without the store.
    let one = dir.path().join("one.txt");
    let two = dir.path().join("two.txt");
    std::fs::write(&one, "Tarno bridge closes\n\nThe old bridge in Tarno closed on Monday after engineers found cracks.").unwrap();
    std::fs::write(
        &two,
        "Engineers found cracks in the Tarno bridge, which closed on Monday, the council said.",
    )
    .unwrap();
    let v = json(
        &Command::cargo_bin("parallax")
            .unwrap()
            .args(["compare", "--json"])
            .arg(&one)
            .arg(&two)
            .output()
            .unwrap()
            .stdout,
    );
    assert_eq!(v["articles"].as_array().unwrap().len(), 2);
    assert!(v["shared_terms"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["term"] == "bridge"));
}

#[test]
fn bad_inputs_are_named_and_the_rest_is_ingested() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("in");
    std::fs::create_dir(&inputs).unwrap();
    std::fs::write(inputs.join("empty.txt"), "").unwrap();
    std::fs::write(
        inputs.join("binary.txt"),
        b"\x7fELF\x02\x01\x01\x00\x00\x00garbage",
    )
    .unwrap();
    std::fs::write(
        inputs.join("legacy.txt"),
        b"Caf\xe9 owners protest in Tarno\n\nThe owners of the caf\xe9s on the main square said the new \x93terrace tax\x94 would ruin them.",
    )
    .unwrap();
    std::fs::write(
        inputs.join("lines.jsonl"),
        "{\"id\": \"ok-1\", \"title\": \"Ferry service resumes\", \"text\": \"The ferry to Isla Morna resumed on Friday.\"}\n{this is not json}\n{\"id\": \"ok-2\", \"title\": \"Storm closes airport\", \"text\": \"The airport in Velmar closed because of the storm.\"}\n",
    )
    .unwrap();
    let big = "The quick report repeats itself. ".repeat(50 * 1024 * 1024 / 33 + 1);
    std::fs::write(inputs.join("huge.txt"), big).unwrap();
    let data = dir.path().join("data");
    let out = parallax(&data)
        .args(["ingest", "--json"])
        .arg(&inputs)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "partial failure exit code");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let v = json(&out.stdout);
    assert_eq!(v["added"], 3, "{v}");
    assert_eq!(v["failed"], 4, "{v}");
    for (name, problem) in [
        ("empty.txt", "empty file"),
        ("binary.txt", "binary"),
        ("lines.jsonl:2", "invalid JSON"),
        ("huge.txt", "over the limit"),
    ] {
        assert!(
            stderr
                .lines()
                .any(|l| l.contains(name) && l.contains(problem)),
            "no message for {name}: {stderr}"
        );
    }
    let export = parallax(&data).args(["export"]).output().unwrap();
    let a = String::from_utf8_lossy(&export.stdout)
        .lines()
        .map(|l| json(l.as_bytes()))
        .find(|v| v["title"] == "Café owners protest in Tarno")
        .expect("the Windows-1252 file is decoded");
    assert!(a["text"].as_str().unwrap().contains("“terrace tax”"));
}

const PAGE: &str = r#"<!doctype html><html lang="en"><head>
<meta property="og:site_name" content="Tarno Herald">
<meta property="og:title" content="Tarno bridge closes after cracks found">
<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Tarno bridge closes after cracks found",
 "datePublished": "2026-03-02T09:00:00+01:00", "author": [{"@type": "Person", "name": "Ana Lis"}, {"@type": "Organization", "name": "AP"}]}</script>
</head><body><nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>
<article><h1>Tarno bridge closes after cracks found</h1>
<p>The old bridge in Tarno was closed on Monday after engineers found deep cracks in two of its piers, the city council said.</p>
<p>Traffic will be diverted through the northern ring road for at least three weeks while specialists examine the piers.</p>
<div class="share">Share on Facebook Share on X</div></article>
<aside class="related"><a href="/a">Ferry resumes</a> <a href="/b">Storm warning</a></aside></body></html>"#;

#[test]
fn html_pages_are_extracted_and_ingested() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("bridge.html");
    std::fs::write(&page, PAGE).unwrap();
    let out = Command::cargo_bin("parallax")
        .unwrap()
        .args(["extract", "--json"])
        .arg(&page)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = json(&out.stdout);
    assert_eq!(v["id"], "bridge");
    assert_eq!(v["title"], "Tarno bridge closes after cracks found");
    assert_eq!(v["authors"], serde_json::json!(["Ana Lis"]));
    assert_eq!(v["credit"], serde_json::json!(["AP"]));
    assert!(v["text"].as_str().unwrap().contains("deep cracks"));
    assert!(!v["text"].as_str().unwrap().contains("Share on"));
    assert!(v["published"].as_str().unwrap().starts_with("2026-03-02"));

    let data = dir.path().join("data");
    let s = json(
        &parallax(&data)
            .args(["ingest", "--json"])
            .arg(&page)
            .output()
            .unwrap()
            .stdout,
    );
    assert_eq!(s["added"], 1);
    let a = json(&parallax(&data).args(["export"]).output().unwrap().stdout);
    assert_eq!(a["outlet"], "Tarno Herald");
    assert_eq!(a["title"], "Tarno bridge closes after cracks found");
}

#[test]
fn stdin_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let out = parallax(&data)
        .args(["ingest", "--json", "-"])
        .write_stdin("Storm hits Velmar\n\nA storm hit the coast of Velmar on Sunday, cutting power to thousands.")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(json(&out.stdout)["added"], 1);
}

#[test]
fn an_updated_page_replaces_the_stored_version() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let first = dir.path().join("first.jsonl");
    let second = dir.path().join("second.jsonl");
    std::fs::write(&first, concat!(
        r#"{"url": "https://velmar.example/storm", "title": "Storm hits Velmar", "outlet": "Velmar Daily", "text": "A storm hit the coast of Velmar on Sunday, cutting power to thousands."}"#, "\n",
        r#"{"url": "https://tarno.example/storm", "title": "Velmar storm cuts power", "outlet": "Tarno Herald", "text": "Thousands lost power when a storm hit the Velmar coast on Sunday."}"#, "\n",
    )).unwrap();
    std::fs::write(&second, concat!(
        r#"{"url": "https://velmar.example/storm", "title": "Storm hits Velmar, two ferries stranded", "outlet": "Velmar Daily", "text": "A storm hit the coast of Velmar on Sunday, cutting power to thousands and stranding two ferries."}"#, "\n",
        r#"{"url": "https://tarno.example/storm", "title": "Velmar storm cuts power", "outlet": "Tarno Herald", "text": "Thousands lost power when a storm hit the Velmar coast on Sunday."}"#, "\n",
    )).unwrap();
    let out = parallax(&data)
        .args(["ingest", "--json"])
        .arg(&first)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(json(&out.stdout)["added"], 2);
    let out = parallax(&data)
        .args(["ingest"])
        .arg(&second)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let line = String::from_utf8_lossy(&out.stdout);
    assert!(
        line.contains("(1 unchanged, 1 updated, 0 failed)"),
        "{line}"
    );
    assert!(line.contains("2 articles"), "{line}");
    // Search finds the new words; the same input again changes nothing.
    let out = parallax(&data)
        .args(["search", "ferries", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        json(&out.stdout)["total"],
        1,
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let out = parallax(&data)
        .args(["article", "--json"])
        .arg(parallax_core::ArticleId::from_url("https://velmar.example/storm").as_str())
        .output()
        .unwrap();
    let page = json(&out.stdout);
    assert_eq!(page["revisions"], 2, "{page}");
    assert!(page["text"]
        .as_str()
        .unwrap()
        .contains("stranding two ferries"));
    let out = parallax(&data)
        .args(["ingest", "--json"])
        .arg(&second)
        .output()
        .unwrap();
    let again = json(&out.stdout);
    assert_eq!(
        (again["unchanged"].as_u64(), again["updated"].as_u64()),
        (Some(2), Some(0))
    );
}

#[test]
fn entities_index_merges_one_person_across_stories() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let input = dir.path().join("two.jsonl");
    std::fs::write(&input, concat!(
        r#"{"url": "https://velmar.example/port", "title": "Velmar port strike ends", "outlet": "Velmar Daily", "published": "2031-03-02T09:00:00Z", "text": "Dockworkers in the port of Velmar went back to work on Monday after a nine-day strike over night shifts. Transport Minister Oksana Hrytsenko said the agreement would hold. Hrytsenko thanked the union."}"#, "\n",
        r#"{"url": "https://tarno.example/budget", "title": "Tarno council passes budget", "outlet": "Tarno Herald", "published": "2031-05-20T09:00:00Z", "text": "The Tarno city council approved its budget for next year by eleven votes to four, with more money for schools and bus lines. Oksana Hritsenko, the transport minister, welcomed the new bus lines."}"#, "\n",
    )).unwrap();
    parallax(&data)
        .args(["ingest", "-q"])
        .arg(&input)
        .assert()
        .success();
    let stories = json(
        &parallax(&data)
            .args(["stories", "--json"])
            .output()
            .unwrap()
            .stdout,
    );
    assert_eq!(stories.as_array().unwrap().len(), 2, "{stories}");
    let out = parallax(&data)
        .args(["entities", "--index", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let index = json(&out.stdout);
    let minister: Vec<&Value> = index
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["name"].as_str().unwrap().contains("Hr"))
        .collect();
    assert_eq!(minister.len(), 1, "{index:#}");
    let m = minister[0];
    assert_eq!(m["kind"], "person");
    assert_eq!(m["stories"].as_array().unwrap().len(), 2, "{m}");
    let variants: Vec<&str> = m["variants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    for v in ["Oksana Hrytsenko", "Oksana Hritsenko"] {
        assert!(variants.contains(&v), "{v} missing: {variants:?}");
    }
    // The text listing shows the id.
    let id = m["id"].as_str().unwrap();
    let text = parallax(&data)
        .args(["entities", "--index"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&text.stdout).contains(id));
    // --index and --story do not go together.
    parallax(&data)
        .args(["entities", "--index", "--story", "x"])
        .assert()
        .failure();
}

/// `--model` says what it needs: a build with the dense feature, and a
/// model directory it can read.
#[test]
fn the_model_option_names_what_it_lacks() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-model");
    let out = parallax(dir.path())
        .arg("--model")
        .arg(&missing)
        .arg("stories")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    if cfg!(feature = "dense") {
        assert!(
            err.contains("no-model") && err.contains("config.json"),
            "{err}"
        );
    } else {
        assert!(err.contains("dense feature"), "{err}");
    }
}

#[test]
fn demo_runs_in_a_fresh_dir() {
    let dir = tempfile::tempdir().unwrap();
    let into = dir.path().join("demo");
    let out = Command::cargo_bin("parallax")
        .unwrap()
        .args(["demo", "--json", "--into"])
        .arg(&into)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = json(&out.stdout);
    assert!(v["largest_story"]["articles"].as_array().unwrap().len() >= 7);
    assert!(into.join("parallax.db").exists());
    // A second demo into the same dir is refused rather than mixed in.
    Command::cargo_bin("parallax")
        .unwrap()
        .args(["demo", "--into"])
        .arg(&into)
        .assert()
        .code(3);
}

#[test]
fn seeds_make_one_story() {
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/seeds");
    if !seeds.is_dir() {
        eprintln!("skipped: {} is absent", seeds.display());
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    parallax(&data)
        .args(["ingest", "-q"])
        .arg(&seeds)
        .assert()
        .success();
    let stories = json(
        &parallax(&data)
            .args(["stories", "--json"])
            .output()
            .unwrap()
            .stdout,
    );
    assert_eq!(stories.as_array().unwrap().len(), 1, "{stories}");
    let id = stories[0]["id"].as_str().unwrap();
    let story = json(
        &parallax(&data)
            .args(["story", id, "--json"])
            .output()
            .unwrap()
            .stdout,
    );
    let arts = story["articles"].as_array().unwrap();
    assert_eq!(arts.len(), 2);
    // The summary states the failed talks, the hospital strike and the
    // disputed account of it; every sentence cites its sources (both
    // outlets where both report it), with offsets into the article.
    let summary = story["summary"].as_array().unwrap();
    let text: String = summary
        .iter()
        .map(|s| s["text"].as_str().unwrap())
        .collect::<Vec<_>>()
        .join(" ");
    assert!(text.contains("failed to agree to a cease-fire"), "{text}");
    assert!(text.contains("hospital"), "{text}");
    assert!(
        text.contains("insisted") || text.contains("denied"),
        "{text}"
    );
    let words = text.split_whitespace().count();
    assert!((40..=110).contains(&words), "{words} words: {text}");
    for s in summary {
        let cites = s["citations"].as_array().unwrap();
        assert!(!cites.is_empty(), "{s}");
        for c in cites {
            assert!(c["start"].as_u64().unwrap() < c["end"].as_u64().unwrap());
        }
    }
    assert!(
        summary
            .iter()
            .any(|s| s["sources"].as_array().unwrap().len() == 2),
        "no sentence cites both outlets: {text}"
    );
    // The cited span of the sentence is the sentence, in the article.
    let c0 = &summary[0]["citations"][0];
    let art = arts[c0["n"].as_u64().unwrap() as usize - 1]["id"]
        .as_str()
        .unwrap();
    let a = json(
        &parallax(&data)
            .args(["article", art, "--json"])
            .output()
            .unwrap()
            .stdout,
    );
    let (s, e) = (
        c0["start"].as_u64().unwrap() as usize,
        c0["end"].as_u64().unwrap() as usize,
    );
    assert_eq!(
        a["text"].as_str().unwrap()[s..e].trim(),
        summary[0]["text"].as_str().unwrap()
    );
    assert!(story["timeline"].is_array());
    let first = arts
        .iter()
        .find(|a| a["source"].as_str().unwrap().contains("000_"))
        .unwrap();
    let second = arts
        .iter()
        .find(|a| a["source"].as_str().unwrap().contains("003_"))
        .unwrap();
    assert_eq!(
        first["title"],
        "Russia rejects discussing a ceasefire, as its troops intensify their attacks in Ukraine"
    );
    assert_eq!(first["title_source"], "first_line");
    assert_eq!(second["title_source"], "first_sentence");
    assert!(second["title"]
        .as_str()
        .unwrap()
        .starts_with("Top Ukrainian and Russian officials failed to agree"));
    let a = json(
        &parallax(&data)
            .args(["article", first["id"].as_str().unwrap(), "--json"])
            .output()
            .unwrap()
            .stdout,
    );
    let body: String = a["paragraphs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["kind"] == "body")
        .map(|p| {
            let (s, e) = (
                p["span"]["start"].as_u64().unwrap() as usize,
                p["span"]["end"].as_u64().unwrap() as usize,
            );
            a["text"].as_str().unwrap()[s..e].to_string()
        })
        .collect();
    assert!(!body.contains("Recomendaciones") && !body.contains("More information"));
    assert!(
        !body.contains("The devastation caused on Wednesday"),
        "caption kept out of the body"
    );

    // Entities: one Lavrov with both spellings; the names with their types.
    let ents = json(
        &parallax(&data)
            .args(["entities", "--json", "--story", id])
            .output()
            .unwrap()
            .stdout,
    );
    let ents = ents[0]["entities"].as_array().unwrap().clone();
    let find = |name: &str| {
        ents.iter()
            .find(|e| {
                e["variants"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|v| v.as_str().is_some_and(|v| v.contains(name)))
            })
            .cloned()
    };
    let lavrov = find("Sergey Lavrov").expect("Sergey Lavrov");
    assert!(
        lavrov["variants"]
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v == "Sergei Lavrov"),
        "{lavrov}"
    );
    for (name, kind) in [
        ("Dmytro Kuleba", "person"),
        ("Vladimir Putin", "person"),
        ("Volodymyr Zelenskiy", "person"),
        ("Dmitry Peskov", "person"),
        ("Mariupol", "location"),
        ("Antalya", "location"),
        ("Turkey", "location"),
        ("Reuters", "organisation"),
        ("The New York Times", "organisation"),
        ("Red Cross", "organisation"),
    ] {
        let e = find(name).unwrap_or_else(|| panic!("{name} not found"));
        assert_eq!(e["kind"], kind, "{name}: {e}");
    }

    // Quotes: Kuleba's three direct quotes, including the one after "he added".
    let story = json(
        &parallax(&data)
            .args(["story", id, "--json"])
            .output()
            .unwrap()
            .stdout,
    );
    let speakers = story["quotes"].as_array().unwrap();
    let kuleba = speakers
        .iter()
        .find(|s| s["speaker"] == "Dmytro Kuleba")
        .expect("Kuleba quoted");
    let direct: Vec<&str> = kuleba["quotes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|q| q["kind"] == "direct")
        .map(|q| q["text"].as_str().unwrap())
        .collect();
    assert!(
        direct.iter().any(|q| q.contains("Can you do the same?")),
        "{direct:?}"
    );
    assert!(direct.len() >= 3, "{direct:?}");
    let cited: Vec<&str> = story["citations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    for c in [
        "Reuters",
        "The New York Times",
        "Red Cross",
        "local authorities",
        "local council",
    ] {
        assert!(cited.contains(&c), "{c} not cited: {cited:?}");
    }
    // Lavrov's two quotes (one through "the Russian minister said"), the
    // Red Cross's one word, and no speaker for a scare-quoted label.
    let said_by = |name: &str| -> Vec<String> {
        speakers
            .iter()
            .filter(|s| s["speaker"].as_str().is_some_and(|n| n.contains(name)))
            .flat_map(|s| s["quotes"].as_array().unwrap().iter())
            .map(|q| q["text"].as_str().unwrap().to_string())
            .collect()
    };
    let lavrov = said_by("Lavrov");
    for q in [
        "We didn’t attack Ukraine, either",
        "I hope that this is necessary at some point",
    ] {
        assert!(lavrov.iter().any(|t| t.contains(q)), "{q}: {lavrov:?}");
    }
    let red_cross = said_by("Red Cross");
    assert!(
        red_cross.iter().any(|t| t.contains("apocalyptic")),
        "{red_cross:?}"
    );
    assert!(
        speakers
            .iter()
            .flat_map(|s| s["quotes"].as_array().unwrap().iter())
            .all(|q| q["text"]
                .as_str()
                .unwrap()
                .trim_matches(|c: char| !c.is_alphanumeric())
                != "special military operation"),
        "a scare-quoted label is not speech"
    );
}

#[test]
fn demo_story_shows_quotes_and_entities() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    parallax(&data)
        .args(["ingest", "-q"])
        .arg(corpus())
        .assert()
        .success();
    let stories = json(
        &parallax(&data)
            .args(["stories", "--json"])
            .output()
            .unwrap()
            .stdout,
    );
    let blast = story_of(&stories, &data, "demo-003");
    let v = json(
        &parallax(&data)
            .args(["story", &blast, "--json"])
            .output()
            .unwrap()
            .stdout,
    );
    // The minister's quote is carried word for word by the wire story, its
    // copy and the broadcaster: one quote, three outlets.
    let velkov = v["quotes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["speaker"].as_str().unwrap().contains("Velkov"))
        .expect("Velkov quoted");
    let q = velkov["quotes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["text"].as_str().unwrap().contains("cut corners"))
        .expect("the shared quote");
    assert!(q["outlets"].as_array().unwrap().len() >= 3, "{q}");
    // Spelling variants of the union leader resolve to one entity.
    let ents = v["entities"].as_array().unwrap();
    assert!(
        ents.iter().any(|e| {
            let vars = e["variants"].as_array().unwrap();
            vars.iter().any(|x| x == "Jolanta Szénási")
                && vars.iter().any(|x| x == "Jolanta Szenasi")
        }),
        "Szénási/Szenasi not merged"
    );
    let q = json(
        &parallax(&data)
            .args(["quotes", "--json", "--speaker", "velkov"])
            .output()
            .unwrap()
            .stdout,
    );
    assert!(!q.as_array().unwrap().is_empty());
}

#[test]
fn story_of_a_merged_id_shows_the_story_it_went_into() {
    use parallax_engine::parallax_cluster::{Model, NF};
    use parallax_engine::{ClusterConfig, Engine};
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    // A join model on the body cosine alone, merging readily: the third
    // article bridges the first two stories.
    let mut weights = [0.0; NF];
    weights[0] = -3.0;
    weights[1] = 10.0;
    let config = ClusterConfig {
        model: Model { weights },
        threshold: 0.5,
        merge_threshold: Some(0.5),
        ..Default::default()
    };
    let article = |title: &str, text: &str, outlet: &str| {
        parallax_ingest::ArticleDraft {
            title: Some(title.into()),
            text: text.into(),
            outlet: Some(outlet.into()),
            ..Default::default()
        }
        .build()
    };
    let report = Engine::open(&data, config)
        .unwrap()
        .ingest_batch(vec![
            article("Flood closes Pouwa Falls school", "Flood water closed the school in Pouwa Falls. Teachers moved pupils to the library.", "Velmar Daily"),
            article("Ferry strike halts Dravnik crossings", "A ferry strike halted crossings at Dravnik harbour. Sailors want higher pay.", "Tarno Herald"),
            article("Flood and ferry strike", "Flood water closed the school in Pouwa Falls and a ferry strike halted crossings at Dravnik harbour. Teachers moved pupils; sailors want higher pay.", "North Courier"),
        ])
        .unwrap();
    let (from, into) = report.merged[0].clone();
    let out = parallax(&data)
        .args(["story", from.as_str(), "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(json(&out.stdout)["id"], into.as_str());
    assert_eq!(json(&out.stdout)["articles"].as_array().unwrap().len(), 3);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("was merged into"), "{stderr}");
    let stories = json(
        &parallax(&data)
            .args(["stories", "--json"])
            .output()
            .unwrap()
            .stdout,
    );
    assert_eq!(stories.as_array().unwrap().len(), 1, "{stories}");
}
