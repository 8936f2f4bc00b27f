//! Fuzzes the feed glue of live ingestion: `parallax_fetch::feed` (RSS,
//! Atom, JSON Feed through feed-rs, feed discovery in HTML), the OPML and
//! URL-list readers of `parallax_fetch::lists`, and for each entry the
//! ingest side: `parallax_ingest::feed::item_draft` (the article from the
//! feed's own text) and `merge_item` (feed metadata over a page's draft).
#![no_main]

use libfuzzer_sys::fuzz_target;
use parallax_ingest::feed::{item_draft, merge_item, ItemMeta};

fuzz_target!(|data: &[u8]| {
    let _ = parallax_fetch::lists::parse_list(data);
    let _ = parallax_fetch::lists::parse_opml(data);
    let _ = parallax_fetch::feed::discover_feeds(data, "https://feeds.example/");
    let Ok(feed) = parallax_fetch::feed::parse_feed(data, "https://feeds.example/rss") else {
        return;
    };
    for e in feed.entries.iter().take(32) {
        let item = ItemMeta {
            feed: Some("https://feeds.example/rss".into()),
            key: Some(e.key.clone()),
            link: e.link.clone(),
            feed_title: feed.title.clone(),
            title: e.title.clone(),
            authors: e.authors.clone(),
            published: e.published.map(|t| t.fixed_offset()),
            categories: e.categories.clone(),
            summary: e.summary.clone(),
            content: e.content.clone(),
            language: e.language.clone(),
        };
        if let Ok(mut d) = item_draft(&item) {
            merge_item(&mut d, &item);
            let _ = d.build();
        }
        let mut page = parallax_ingest::ArticleDraft {
            text: "A page body. It has two sentences.".into(),
            ..Default::default()
        };
        merge_item(&mut page, &item);
        let _ = page.build();
    }
});
