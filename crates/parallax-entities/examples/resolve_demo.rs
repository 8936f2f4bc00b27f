//! Tags and resolves an invented two-article example (or the files given as
//! arguments, one article each) and prints the entities.
//!
//! ```text
//! cargo run --release -p parallax-entities --example resolve_demo [-- FILE...]
//! ```

use parallax_entities::{resolve, tokens, Recogniser};

const A: &str = "Ukrainian Foreign Minister Dmytro Kuleba said on Friday he would meet \
Russia's Sergey Lavrov in Antalya, Turkey. Kuleba told reporters the United Nations \
should send observers. The U.N. has not replied. Putin's spokesperson Dmitry Peskov said \
the Kremlin had no plans for a summit, according to The New York Times. The Times said \
Mr. Lavrov would arrive on Thursday.";
const B: &str = "Sergei Lavrov, Russia's foreign minister, met Kuleba in Antalya. \
Volodymyr Zelenskiy said Kyiv wanted a ceasefire. Moscow rejected the idea, Dmitri Peskov said.";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let texts: Vec<String> = if args.is_empty() {
        vec![A.to_string(), B.to_string()]
    } else {
        args.iter()
            .map(|p| std::fs::read_to_string(p).expect("read article"))
            .collect()
    };
    let m = Recogniser::builtin();
    let mut arts = Vec::new();
    for (i, t) in texts.iter().enumerate() {
        let ms = m.mentions(t, &tokens::tokenise(t));
        let r = resolve::resolve_article(t, &ms);
        println!("article {i}:");
        for e in &r.entities {
            println!(
                "  {:?} {:?} variants={:?} roles={:?} metonym_of={:?}",
                e.label, e.name, e.variants, e.roles, e.metonym_of
            );
        }
        arts.push(r);
    }
    let x = resolve::resolve_across(&arts);
    println!("across articles:");
    for (i, e) in x.entities.iter().enumerate() {
        println!(
            "  [{i}] {:?} {:?} key={:?} variants={:?} roles={:?} in {} article entities",
            e.label,
            e.name,
            e.key,
            e.variants,
            e.roles,
            e.members.len()
        );
    }
    for r in &x.relations {
        println!("  relation: [{}] {:?} {:?}", r.entity, r.kind, r.target);
    }
}
