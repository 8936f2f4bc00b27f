//! The storage conformance suite on PostgreSQL, each check in a schema of
//! its own. Skipped (with a message) when `PARALLAX_PG_URL` is not set;
//! fails when it is set and the server cannot be reached.
//! `scripts/postgres.sh` starts a server and prints the URL.

use parallax_store::ArticleStore;
use parallax_store_pg::PgStore;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A fresh store in a new schema, or `None` without `PARALLAX_PG_URL`.
fn open() -> Option<Box<dyn ArticleStore>> {
    static N: AtomicUsize = AtomicUsize::new(0);
    let url = std::env::var("PARALLAX_PG_URL").ok()?;
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let schema = format!(
        "conformance_{}_{}_{nanos}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    );
    match PgStore::connect_in_schema(&url, &schema) {
        Ok(s) => Some(Box::new(s)),
        Err(e) => panic!("PARALLAX_PG_URL is set but the store cannot be opened: {e}"),
    }
}

parallax_store::conformance_tests!(open);

#[test]
fn reopening_keeps_the_schema_version() {
    let Some(url) = std::env::var("PARALLAX_PG_URL").ok() else {
        eprintln!("skipped: PARALLAX_PG_URL is not set");
        return;
    };
    let schema = format!("reopen_{}", std::process::id());
    let a = PgStore::connect_in_schema(&url, &schema).unwrap();
    let v = a.schema_version().unwrap();
    assert!(v >= 1);
    drop(a);
    let b = PgStore::connect_in_schema(&url, &schema).unwrap();
    assert_eq!(b.schema_version().unwrap(), v);
    assert!(PgStore::connect_in_schema(&url, "bad; name").is_err());
}

#[test]
fn full_text_search_finds_title_and_text_words() {
    let Some(url) = std::env::var("PARALLAX_PG_URL").ok() else {
        eprintln!("skipped: PARALLAX_PG_URL is not set");
        return;
    };
    let schema = format!("search_{}", std::process::id());
    let mut s = PgStore::connect_in_schema(&url, &schema).unwrap();
    use parallax_store::conformance::{new_article, story_row};
    let mut bridge = new_article("b1", "s0", 0);
    bridge.article.title = Some("Tarno bridge collapses".into());
    bridge.article.text = "Divers searched the Vell river on Monday.".into();
    bridge.doc = parallax_store::encode_article(&bridge.article).unwrap();
    let mut cup = new_article("c1", "s1", 1);
    cup.article.title = Some("Mariners win the cup".into());
    cup.doc = parallax_store::encode_article(&cup.article).unwrap();
    s.write_batch(
        &[bridge, cup],
        &[story_row("s0", 0, 1), story_row("s1", 1, 1)],
    )
    .unwrap();
    let ids = |q: &str| -> Vec<String> {
        s.search(q, 10)
            .unwrap()
            .into_iter()
            .map(|(id, _)| id.to_string())
            .collect()
    };
    assert_eq!(ids("bridge"), ["b1"]);
    assert_eq!(ids("vell river"), ["b1"]);
    assert_eq!(ids("mariners"), ["c1"]);
    assert!(ids("bridge -divers").is_empty());
    assert!(ids("nothing here").is_empty());
    // Hostile syntax is a query, not an error.
    assert!(ids("\"unbalanced & | !( ").len() <= 2);
}
