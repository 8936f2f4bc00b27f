//! Fuzzes the streaming WARC reader over arbitrary bytes (plain, and through
//! gzip when the input starts with the gzip magic, as the `Reader` does),
//! then the HTTP response parser on every block, and the page extraction of
//! what it finds, with small limits so that the fuzzer explores the
//! over-limit paths too.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::io::{BufRead, BufReader, Cursor};

fuzz_target!(|data: &[u8]| {
    let stream: Box<dyn BufRead> = if data.starts_with(&[0x1f, 0x8b]) {
        Box::new(BufReader::new(flate2::bufread::MultiGzDecoder::new(
            Cursor::new(data),
        )))
    } else {
        Box::new(Cursor::new(data))
    };
    let reader = parallax_ingest::warc::WarcReader::new(stream, 4096);
    for rec in reader.take(256) {
        let Ok(rec) = rec else { continue };
        if let Some(block) = rec.block.as_deref() {
            if let Ok(resp) = parallax_ingest::warc::http_response(block, 4096) {
                let ctype = resp.header("content-type").map(str::to_string);
                if ctype
                    .as_deref()
                    .is_some_and(parallax_ingest::warc::is_html_type)
                {
                    if let Ok(d) = parallax_ingest::html::page_draft_http(
                        &resp.body,
                        rec.target_uri.as_deref(),
                        ctype.as_deref(),
                        4096,
                    ) {
                        let _ = d.build();
                    }
                }
            }
        }
    }
});
