//! Reads WARC archives (or any inputs) through [`Reader`] without storing
//! anything, and prints how many articles and errors were found, and how
//! fast: the reader's share of `parallax ingest`, for
//! `scripts/bench-warc.sh`.
//!
//! ```sh
//! cargo run --release -p parallax-ingest --example read_warc -- crawl.warc.gz
//! ```
//!
//! [`Reader`]: parallax_ingest::Reader

use parallax_ingest::{Input, ReadOptions, Reader};
use std::time::Instant;

fn main() {
    let inputs: Vec<Input> = std::env::args().skip(1).map(|a| Input::parse(&a)).collect();
    if inputs.is_empty() {
        eprintln!("usage: read_warc FILE.warc[.gz]...");
        std::process::exit(2);
    }
    let started = Instant::now();
    let mut reader = Reader::new(&inputs, ReadOptions::default());
    let (mut articles, mut errors, mut chars) = (0u64, 0u64, 0u64);
    for item in reader.by_ref() {
        match item {
            Ok(a) => {
                articles += 1;
                chars += a.text.len() as u64;
            }
            Err(_) => errors += 1,
        }
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{{\"articles\": {articles}, \"errors\": {errors}, \"skipped_records\": {}, \"text_bytes\": {chars}, \"seconds\": {secs:.2}, \"pages_per_second\": {:.1}}}",
        reader.skipped_records(),
        articles as f64 / secs
    );
}
