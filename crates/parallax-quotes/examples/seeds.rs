//! Prints what the extractor finds in text files (e.g. the seed articles):
//! `cargo run -p parallax-quotes --example seeds -- FILE...`

use parallax_quotes::{extract, graph::article_sources, Options};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    for path in std::env::args().skip(1) {
        let text = std::fs::read_to_string(&path)?;
        let a = extract(&text, &Options::default());
        println!("== {path}");
        for at in &a.attributions {
            let s = |sp: Option<parallax_core::Span>| sp.map(|x| &text[x.range()]).unwrap_or("-");
            let content: String = text[at.content.range()].chars().take(70).collect();
            println!(
                "{:?} | src {:?} | cue {:?} | {:?} | {}",
                at.kind,
                s(at.source),
                s(at.cue),
                at.speaker,
                content
            );
        }
        for q in &a.scare_quotes {
            println!("scare quote: {}", &text[q.range()]);
        }
        for c in &a.citations {
            println!("citation: {} ({:?}, {:?})", c.name, c.kind, c.via);
        }
        for s in article_sources(&a) {
            println!(
                "source: {} {:?} claims {} citations {}",
                s.name, s.kind, s.claims, s.citations
            );
        }
    }
    Ok(())
}
