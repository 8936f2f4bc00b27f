//! Fuzzes the JSONL reader: each line of the input goes through
//! `parallax_ingest::jsonl::parse_line` (JSON, field mapping, dates, an
//! `html` field through the extractor) and the draft is built into an
//! article. Also the publication-time parser alone.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    for line in s.lines().take(64) {
        let _ = parallax_ingest::jsonl::parse_time(line);
        if let Ok(draft) = parallax_ingest::jsonl::parse_line(line) {
            let _ = draft.build();
        }
    }
});
