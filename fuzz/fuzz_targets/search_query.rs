//! Fuzzes the search of the server (`SearchIndex::search`): the user's
//! query text goes through tantivy's query parser, with an outlet filter,
//! a date range and an entity, against a tiny index built once in a temporary
//! directory. A query that cannot be parsed must be an error, not a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use parallax_server::search::{parse_date, SearchIndex, SearchQuery, Sort};
use std::sync::OnceLock;

struct Fixture {
    index: SearchIndex,
    _dir: std::path::PathBuf,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("parallax-fuzz-search-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let index = SearchIndex::open(&dir).unwrap();
        let texts = [
            (
                "Bridge closed in Tarno",
                "The old bridge in Tarno was closed on Monday after engineers found cracks.",
                "Tarno Herald",
                "2026-03-10T08:00:00Z",
            ),
            (
                "Ferry runs again",
                "The ferry between Velmar and Oskel runs again from Monday, the operator said.",
                "Velmar Daily",
                "2026-03-11T09:30:00+01:00",
            ),
            (
                "Élection à Oskel",
                "Les électeurs d'Oskel ont voté dimanche. « C'est historique », a dit le maire.",
                "Oskel Post",
                "2025-12-31T23:59:59Z",
            ),
        ];
        let articles: Vec<parallax_core::Article> = texts
            .iter()
            .map(|(t, b, o, p)| {
                parallax_ingest::ArticleDraft {
                    text: b.to_string(),
                    title: Some(t.to_string()),
                    outlet: Some(o.to_string()),
                    published: chrono::DateTime::parse_from_rfc3339(p).ok(),
                    ..Default::default()
                }
                .build()
            })
            .collect();
        index.add(articles.iter().map(|a| (a, "story-1"))).unwrap();
        Fixture { index, _dir: dir }
    })
}

fuzz_target!(|data: &[u8]| {
    let f = fixture();
    let s = String::from_utf8_lossy(data);
    // Fields split on NUL: query, outlet, from, to, entity.
    let mut parts = s.split('\0');
    let q = parts.next().unwrap_or("").to_string();
    let outlet = parts.next().map(str::to_string);
    let from = parts.next().and_then(|d| parse_date(d, false));
    let to = parts.next().and_then(|d| parse_date(d, true));
    let entity = parts.next().map(str::to_string);
    let sort = if data.first().is_some_and(|b| b & 1 == 1) {
        Sort::Time
    } else {
        Sort::Relevance
    };
    let query = SearchQuery {
        q,
        outlet,
        from,
        to,
        sort,
        offset: data.len() % 5,
        limit: 10,
        entity,
        ..Default::default()
    };
    if let Ok(r) = f.index.search(&query) {
        for h in &r.hits {
            for &(a, b) in &h.highlights {
                assert!(a <= b && b <= h.snippet.len());
            }
        }
    }
});
