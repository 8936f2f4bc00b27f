//! Fuzzes what `POST /api/v1/articles` does with its body before the
//! engine sees it (`ingest` in `parallax-server/src/api.rs`, which is not
//! public, mirrored here step by step): a JSON body is an object or an
//! array of objects, each re-serialised and read by
//! `parallax_ingest::jsonl::parse_line`, then built into an `Article`; an
//! HTML body goes through `parallax_ingest::html::page_draft`. The first
//! byte picks the content type.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::Value;

const MAX_BODY: usize = parallax_server::MAX_BODY;

fuzz_target!(|data: &[u8]| {
    let Some((&kind, body)) = data.split_first() else {
        return;
    };
    if kind & 1 == 0 {
        let Ok(v) = serde_json::from_slice::<Value>(body) else {
            return;
        };
        let items = match v {
            Value::Array(items) => items,
            Value::Object(_) => vec![v],
            _ => return,
        };
        for (i, item) in items.iter().enumerate().take(64) {
            if !item.is_object() {
                continue;
            }
            if let Ok(mut d) = parallax_ingest::jsonl::parse_line(&item.to_string()) {
                d.source = Some(format!("api:{i}"));
                let a = d.build();
                let _ = serde_json::to_string(&a);
            }
        }
    } else if let Ok(mut d) =
        parallax_ingest::html::page_draft(body, Some("https://news.example/a/1"), MAX_BODY)
    {
        d.source = Some("api:html".into());
        let _ = d.build();
    }
});
