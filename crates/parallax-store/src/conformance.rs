//! The storage conformance suite: one set of tests, written once against
//! [`ArticleStore`], that every backend must pass (behind the cargo feature
//! `conformance`; test support, so it asserts and panics).
//!
//! Each check takes an empty store. [`conformance_tests!`](crate::conformance_tests)
//! turns them into `#[test]` functions for a backend:
//!
//! ```ignore
//! parallax_store::conformance_tests!(|| Some(Box::new(Store::in_memory().unwrap())));
//! ```
//!
//! The opener returns `None` when the backend is not available (the test
//! then passes after saying it was skipped).

use crate::{ArticleStore, NewArticle, StoryMerge, StoryRow};
use chrono::DateTime;
use parallax_core::{Article, ArticleId, StoryId, StorySummary, TitleSource};

/// An article with the given id, language and outlet.
pub fn article(id: &str, language: &str, outlet: &str) -> Article {
    Article {
        id: ArticleId(id.into()),
        external_id: Some(format!("ext-{id}")),
        url: Some(format!("https://example.invalid/{id}")),
        outlet: Some(outlet.into()),
        authors: vec!["A. Writer".into()],
        title: Some(format!("Title of {id}")),
        title_source: TitleSource::Given,
        standfirst: None,
        published: DateTime::parse_from_rfc3339("2024-03-01T10:00:00+02:00").ok(),
        language: Some(language.into()),
        text: format!("Body of {id}, with ünïcode ✓."),
        paragraphs: vec![],
        sentences: vec![],
        source: None,
        extra: Default::default(),
    }
}

/// A new article `id` in story `story` (index `index`).
pub fn new_article(id: &str, story: &str, index: usize) -> NewArticle {
    let article = article(id, "en", "Velmar Daily");
    NewArticle {
        doc: crate::encode_article(&article).expect("an article encodes"),
        article,
        story: StoryId(story.into()),
        story_index: index,
        terms: crate::encode_terms(&[("bridg".into(), 2.5), ("tarno".into(), 1.0 / 3.0)]),
        features: format!("l\tbridg\t1\nt\t{}\n", index),
        fingerprint: Some(u64::MAX - index as u64),
        minhash: "1 2 3".into(),
        duplicate_of: None,
    }
}

/// A story row `id` at `index` with `n` articles.
pub fn story_row(id: &str, index: usize, n: usize) -> StoryRow {
    StoryRow {
        summary: StorySummary {
            id: StoryId(id.into()),
            headline: format!("Headline of {id}"),
            articles: n,
            outlets: vec!["Tarno Herald".into(), "Velmar Daily".into()],
            first_seen: DateTime::parse_from_rfc3339("2024-03-01T10:00:00+02:00").ok(),
            last_seen: DateTime::parse_from_rfc3339("2024-03-02T11:30:00+00:00").ok(),
        },
        story_index: index,
        headline_provisional: false,
        independent: n,
        merged: None,
    }
}

fn ids(v: &[crate::StoredArticle]) -> Vec<String> {
    v.iter().map(|a| a.article.id.to_string()).collect()
}

/// Writing an article twice stores it once; the second write reports 0.
pub fn idempotent_rewrite(s: &mut dyn ArticleStore) {
    let n = s
        .write_batch(
            &[new_article("a1", "s1", 0), new_article("a2", "s1", 0)],
            &[story_row("s1", 0, 2)],
        )
        .unwrap();
    assert_eq!(n, 2);
    let again = s
        .write_batch(&[new_article("a1", "s1", 0)], &[story_row("s1", 0, 2)])
        .unwrap();
    assert_eq!(again, 0);
    // A repeat inside one batch is written once.
    let twice = s
        .write_batch(
            &[new_article("a3", "s1", 0), new_article("a3", "s1", 0)],
            &[story_row("s1", 0, 3)],
        )
        .unwrap();
    assert_eq!(twice, 1);
    assert_eq!(s.article_count().unwrap(), 3);
    assert_eq!(s.story_count().unwrap(), 1);
    assert!(s.contains(&ArticleId("a1".into())).unwrap());
    assert!(!s.contains(&ArticleId("zz".into())).unwrap());
}

/// A batch that fails part-way (two stories claim one index) writes
/// nothing, and the store goes on working.
pub fn failed_batch_writes_nothing(s: &mut dyn ArticleStore) {
    s.write_batch(&[new_article("a0", "s0", 0)], &[story_row("s0", 0, 1)])
        .unwrap();
    let bad = s.write_batch(
        &[new_article("a1", "s1", 1), new_article("a2", "s2", 1)],
        &[story_row("s1", 1, 1), story_row("s2", 1, 1)],
    );
    assert!(bad.is_err(), "a story index claimed twice must fail");
    assert_eq!(s.article_count().unwrap(), 1);
    assert_eq!(s.story_count().unwrap(), 1);
    assert!(!s.contains(&ArticleId("a1".into())).unwrap());
    let ok = s
        .write_batch(&[new_article("a1", "s1", 1)], &[story_row("s1", 1, 1)])
        .unwrap();
    assert_eq!(ok, 1);
}

/// Story rows come back as written, in index order, and are updated in
/// place.
pub fn story_rows_round_trip(s: &mut dyn ArticleStore) {
    let mut provisional = story_row("s1", 1, 1);
    provisional.headline_provisional = true;
    provisional.summary.first_seen = None;
    provisional.summary.last_seen = None;
    provisional.summary.outlets = vec![];
    s.write_batch(
        &[new_article("a0", "s0", 0), new_article("a1", "s1", 1)],
        &[story_row("s0", 0, 1), provisional.clone()],
    )
    .unwrap();
    let rows = s.story_rows().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].summary, story_row("s0", 0, 1).summary);
    assert_eq!(rows[1].summary, provisional.summary);
    assert!(rows[1].headline_provisional && !rows[0].headline_provisional);
    assert_eq!(rows[0].story_index, 0);
    assert_eq!(rows[1].story_index, 1);
    let mut grown = story_row("s0", 0, 2);
    grown.summary.headline = "A better headline".into();
    grown.independent = 1;
    s.write_batch(&[new_article("a2", "s0", 0)], &[grown.clone()])
        .unwrap();
    let rows = s.story_rows().unwrap();
    assert_eq!(rows[0].summary, grown.summary);
    assert_eq!(rows[0].independent, 1);
    assert_eq!(
        s.story(&StoryId("s0".into())).unwrap(),
        Some(grown.summary.clone())
    );
    assert_eq!(s.story(&StoryId("nope".into())).unwrap(), None);
}

/// Stories are listed most recently updated first (ties: the later story
/// first), and pages cut that order.
pub fn listing_order_and_paging(s: &mut dyn ArticleStore) {
    s.write_batch(
        &[new_article("a0", "s0", 0), new_article("a1", "s1", 1)],
        &[story_row("s0", 0, 1), story_row("s1", 1, 1)],
    )
    .unwrap();
    s.write_batch(&[new_article("a2", "s2", 2)], &[story_row("s2", 2, 1)])
        .unwrap();
    s.write_batch(&[new_article("a3", "s0", 0)], &[story_row("s0", 0, 2)])
        .unwrap();
    let order: Vec<String> = s
        .stories(0)
        .unwrap()
        .into_iter()
        .map(|x| x.id.to_string())
        .collect();
    assert_eq!(order, ["s0", "s2", "s1"]);
    let page: Vec<String> = s
        .stories_from(1, 1)
        .unwrap()
        .into_iter()
        .map(|x| x.id.to_string())
        .collect();
    assert_eq!(page, ["s2"]);
    assert_eq!(s.stories(2).unwrap().len(), 2);
    assert_eq!(s.stories_from(2, 0).unwrap().len(), 1);
    assert!(s.stories_from(5, 2).unwrap().is_empty());
}

/// Stories and articles are found by exact id, external id and prefix.
pub fn find_by_prefix(s: &mut dyn ArticleStore) {
    s.write_batch(
        &[
            new_article("abc1", "sab1", 0),
            new_article("abc2", "sab1", 0),
            new_article("xyz", "sxy", 1),
        ],
        &[story_row("sab1", 0, 2), story_row("sxy", 1, 1)],
    )
    .unwrap();
    let found = |p: &str| -> Vec<String> {
        s.find_stories(p)
            .unwrap()
            .into_iter()
            .map(|x| x.to_string())
            .collect()
    };
    assert_eq!(found("sa"), ["sab1"]);
    assert_eq!(found("s"), ["sab1", "sxy"]);
    assert!(found("q").is_empty());
    // A LIKE pattern character is not a wildcard.
    assert!(found("s%").is_empty());
    assert!(found("s_b").is_empty());
    assert_eq!(ids(&s.find_articles("abc").unwrap()), ["abc1", "abc2"]);
    assert_eq!(ids(&s.find_articles("abc2").unwrap()), ["abc2"]);
    assert_eq!(ids(&s.find_articles("ext-xyz").unwrap()), ["xyz"]);
    assert!(s.find_articles("nothing").unwrap().is_empty());
}

/// Replay rows come in arrival order with increasing sequences, carry
/// exactly what was written, and can start after a sequence.
pub fn replay_order(s: &mut dyn ArticleStore) {
    let mut copy = new_article("c", "s0", 0);
    copy.duplicate_of = Some((ArticleId("b".into()), 0.75));
    copy.fingerprint = None;
    s.write_batch(
        &[new_article("b", "s0", 0), new_article("a", "s1", 1)],
        &[story_row("s0", 0, 1), story_row("s1", 1, 1)],
    )
    .unwrap();
    s.write_batch(&[copy], &[story_row("s0", 0, 2)]).unwrap();
    let mut rows = Vec::new();
    s.for_each_replay_after(0, &mut |r| rows.push(r)).unwrap();
    let order: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(order, ["b", "a", "c"]);
    assert!(rows.windows(2).all(|w| w[0].seq < w[1].seq));
    let b = &rows[0];
    assert_eq!(
        b.terms,
        crate::decode_terms(&new_article("b", "s0", 0).terms)
    );
    assert_eq!(b.features, new_article("b", "s0", 0).features);
    assert_eq!(b.fingerprint, Some(u64::MAX));
    assert_eq!(b.minhash, "1 2 3");
    assert_eq!(b.title.as_deref(), Some("Title of b"));
    assert!(!b.is_copy);
    assert_eq!(rows[1].story_index, 1);
    assert!(rows[2].is_copy);
    assert_eq!(rows[2].fingerprint, None);
    let mut after = Vec::new();
    s.for_each_replay_after(rows[0].seq, &mut |r| after.push(r.id.to_string()))
        .unwrap();
    assert_eq!(after, ["a", "c"]);
    let assignments: Vec<(String, String)> = s
        .assignments()
        .unwrap()
        .into_iter()
        .map(|(a, st)| (a.to_string(), st.to_string()))
        .collect();
    assert_eq!(
        assignments,
        [
            ("b".to_string(), "s0".to_string()),
            ("a".into(), "s1".into()),
            ("c".into(), "s0".into())
        ]
    );
}

/// Counts, languages and the stories of a language.
pub fn counts_and_languages(s: &mut dyn ArticleStore) {
    assert_eq!(s.article_count().unwrap(), 0);
    assert_eq!(s.story_count().unwrap(), 0);
    assert!(s.languages().unwrap().is_empty());
    let mut fr = new_article("f", "s1", 1);
    fr.article.language = Some("fr".into());
    fr.doc = crate::encode_article(&fr.article).unwrap();
    let mut none = new_article("n", "s1", 1);
    none.article.language = None;
    none.doc = crate::encode_article(&none.article).unwrap();
    s.write_batch(
        &[new_article("e", "s0", 0), fr, none],
        &[story_row("s0", 0, 1), story_row("s1", 1, 2)],
    )
    .unwrap();
    assert_eq!(s.article_count().unwrap(), 3);
    assert_eq!(s.story_count().unwrap(), 2);
    assert_eq!(s.languages().unwrap(), ["en", "fr"]);
    let fr_stories = s.stories_in_language("fr").unwrap();
    assert_eq!(fr_stories.len(), 1);
    assert!(fr_stories.contains("s1"));
    assert!(s.stories_in_language("de").unwrap().is_empty());
}

/// Articles stream in arrival order (with skip and early stop), a story's
/// articles come in arrival order, and stored articles are read back
/// whole.
pub fn articles_in_order(s: &mut dyn ArticleStore) {
    let mut copy = new_article("z", "s0", 0);
    copy.duplicate_of = Some((ArticleId("m".into()), 0.5));
    s.write_batch(
        &[
            new_article("m", "s0", 0),
            new_article("k", "s1", 1),
            copy.clone(),
        ],
        &[story_row("s0", 0, 2), story_row("s1", 1, 1)],
    )
    .unwrap();
    let mut all = Vec::new();
    s.for_each_article_from(0, &mut |a| {
        all.push(a);
        true
    })
    .unwrap();
    assert_eq!(ids(&all), ["m", "k", "z"]);
    assert!(all.windows(2).all(|w| w[0].seq < w[1].seq));
    assert_eq!(all[0].article, new_article("m", "s0", 0).article);
    assert_eq!(all[2].duplicate_of, copy.duplicate_of);
    assert_eq!(all[1].story, StoryId("s1".into()));
    let mut skipped = Vec::new();
    s.for_each_article_from(1, &mut |a| {
        skipped.push(a);
        false
    })
    .unwrap();
    assert_eq!(ids(&skipped), ["k"]);
    let members = s.story_articles(&StoryId("s0".into())).unwrap();
    assert_eq!(ids(&members), ["m", "z"]);
    assert!(s
        .story_articles(&StoryId("none".into()))
        .unwrap()
        .is_empty());
}

/// The integrity check passes on a sound store, and the schema is
/// migrated.
pub fn integrity_check(s: &mut dyn ArticleStore) {
    assert!(s.schema_version().unwrap() > 0);
    s.write_batch(&[new_article("a", "s", 0)], &[story_row("s", 0, 1)])
        .unwrap();
    assert_eq!(s.integrity_check().unwrap(), Ok(()));
}

/// A newer version of a stored article replaces its text, title and
/// metadata, in place: same arrival place, story and replay data. Writing
/// the same version again, or a version of an article not stored, changes
/// nothing.
pub fn updated_version_replaces_in_place(s: &mut dyn ArticleStore) {
    assert_eq!(s.stored_version(&ArticleId("a".into())).unwrap(), None);
    s.write_batch(
        &[new_article("a", "s0", 0), new_article("b", "s0", 0)],
        &[story_row("s0", 0, 2)],
    )
    .unwrap();
    let first = article("a", "en", "Velmar Daily");
    let stored = s.stored_version(&first.id).unwrap().expect("stored");
    assert_eq!(stored.key, first.version_key());
    assert_eq!(stored.title.as_deref(), Some("Title of a"));
    assert_eq!(stored.story_index, 0);
    let mut newer = first.clone();
    newer.title = Some("Title of a, updated".into());
    newer.text = "Body of a, with a correction.".into();
    let update = crate::ArticleUpdate {
        doc: crate::encode_article(&newer).unwrap(),
        article: newer.clone(),
    };
    let mut ghost = article("z", "en", "Velmar Daily");
    ghost.text = "Never stored.".into();
    let ghost = crate::ArticleUpdate {
        doc: crate::encode_article(&ghost).unwrap(),
        article: ghost,
    };
    let written = s
        .write(&[], &[update.clone(), ghost], &[story_row("s0", 0, 2)])
        .unwrap();
    assert_eq!(written, 0);
    assert_eq!(s.article_count().unwrap(), 2);
    let now = s.stored_version(&newer.id).unwrap().expect("stored");
    assert_eq!(now.key, newer.version_key());
    assert_eq!(now.title.as_deref(), Some("Title of a, updated"));
    let articles = s.story_articles(&StoryId("s0".into())).unwrap();
    assert_eq!(ids(&articles), ["a", "b"]);
    assert_eq!(articles[0].article.text, "Body of a, with a correction.");
    assert_eq!((articles[0].revisions, articles[1].revisions), (2, 1));
    // The replay data is the first version's.
    let mut rows = Vec::new();
    s.for_each_replay_after(0, &mut |r| rows.push(r)).unwrap();
    assert_eq!(rows[0].id.as_str(), "a");
    assert_eq!(rows[0].features, new_article("a", "s0", 0).features);
    s.write(&[], &[update], &[]).unwrap();
    assert_eq!(s.stored_version(&newer.id).unwrap(), Some(now));
}

/// A story merged into another stays as a redirect row: its articles move
/// to the other story, it leaves the listing and the count, its id
/// redirects (through later merges too), and replay gets the merge back.
pub fn merged_story_redirects(s: &mut dyn ArticleStore) {
    s.write_batch(
        &[new_article("a0", "s0", 0), new_article("a1", "s1", 1)],
        &[story_row("s0", 0, 1), story_row("s1", 1, 1)],
    )
    .unwrap();
    let merged = |id: &str, index: usize, into: &str, into_index: usize, at: &str| StoryRow {
        merged: Some(StoryMerge {
            into: StoryId(into.into()),
            into_index,
            at: ArticleId(at.into()),
        }),
        ..story_row(id, index, 0)
    };
    // a2 bridges s0 and s1: s1 goes into s0, in the batch that adds a2
    // (with a3, written to s1 earlier in the same batch).
    s.write_batch(
        &[new_article("a3", "s1", 1), new_article("a2", "s0", 0)],
        &[story_row("s0", 0, 4), merged("s1", 1, "s0", 0, "a2")],
    )
    .unwrap();
    assert_eq!(s.story_count().unwrap(), 1);
    let listed: Vec<String> = s.stories(0).unwrap().into_iter().map(|x| x.id.0).collect();
    assert_eq!(listed, vec!["s0"]);
    assert!(s.story(&StoryId("s1".into())).unwrap().is_none());
    assert_eq!(
        s.story_redirect(&StoryId("s1".into())).unwrap(),
        Some(StoryId("s0".into()))
    );
    assert_eq!(s.story_redirect(&StoryId("s0".into())).unwrap(), None);
    assert_eq!(s.story_redirect(&StoryId("zz".into())).unwrap(), None);
    let members: Vec<String> = s
        .story_articles(&StoryId("s0".into()))
        .unwrap()
        .into_iter()
        .map(|a| a.article.id.0)
        .collect();
    assert_eq!(members, vec!["a0", "a1", "a3", "a2"]);
    assert!(s.story_articles(&StoryId("s1".into())).unwrap().is_empty());
    // The replay keeps each article's index at its arrival, and the rows
    // say where the merge happened.
    let mut indices = Vec::new();
    s.for_each_replay_after(0, &mut |r| indices.push((r.id.0, r.story_index)))
        .unwrap();
    assert_eq!(
        indices,
        vec![
            ("a0".into(), 0),
            ("a1".into(), 1),
            ("a3".into(), 1),
            ("a2".into(), 0)
        ]
    );
    let rows = s.story_rows().unwrap();
    assert_eq!(rows.len(), 2, "a redirect keeps its row and index");
    assert_eq!(rows[0].merged, None);
    assert_eq!(
        rows[1].merged,
        Some(StoryMerge {
            into: StoryId("s0".into()),
            into_index: 0,
            at: ArticleId("a2".into()),
        })
    );
    // A later merge of s0 into s2 is followed from s1 too.
    s.write_batch(
        &[new_article("b0", "s2", 2), new_article("b1", "s2", 2)],
        &[story_row("s2", 2, 1), merged("s0", 0, "s2", 2, "b1")],
    )
    .unwrap();
    assert_eq!(
        s.story_redirect(&StoryId("s1".into())).unwrap(),
        Some(StoryId("s2".into()))
    );
    assert_eq!(s.story_articles(&StoryId("s2".into())).unwrap().len(), 6);
    assert_eq!(s.story_count().unwrap(), 1);
    // Prefix lookups still find the redirect's id.
    assert!(s
        .find_stories("s1")
        .unwrap()
        .contains(&StoryId("s1".into())));
}

/// Turns every check of the suite into a `#[test]` for a backend. The
/// argument is an expression of type
/// `fn() -> Option<Box<dyn ArticleStore>>` that opens a fresh, empty store
/// (`None`: the backend is not available, and the test says it is
/// skipped).
#[macro_export]
macro_rules! conformance_tests {
    ($open:expr) => {
        $crate::conformance_tests!(@each $open;
            idempotent_rewrite, failed_batch_writes_nothing, story_rows_round_trip,
            listing_order_and_paging, find_by_prefix, replay_order,
            counts_and_languages, articles_in_order, integrity_check,
            updated_version_replaces_in_place, merged_story_redirects);
    };
    (@each $open:expr; $($check:ident),*) => {
        $(
            #[test]
            fn $check() {
                let open: fn() -> Option<Box<dyn $crate::ArticleStore>> = $open;
                match open() {
                    Some(mut store) => $crate::conformance::$check(store.as_mut()),
                    None => eprintln!("{}: skipped (backend not available)", stringify!($check)),
                }
            }
        )*
    };
}
