//! Framing: the words each outlet uses for the same thing ("accident",
//! "disaster", "tragedy"; "protesters", "rioters"), the loaded words it
//! uses (a small hand-written lexicon, `framing.tsv`), and whose words it
//! quotes (share of quoted words by speaker).

use parallax_core::Article;
use parallax_text::tokens::{tokenize, TokenKind};
use rustc_hash::FxHashMap;
use serde::Serialize;

const LEXICON: &str = include_str!("framing.tsv");

/// The concepts and their terms, in file order.
fn lexicon() -> Vec<(&'static str, Vec<&'static str>)> {
    let mut out: Vec<(&str, Vec<&str>)> = Vec::new();
    for line in LEXICON.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((concept, term)) = line.split_once('\t') else {
            continue;
        };
        match out.iter_mut().find(|c| c.0 == concept) {
            Some(c) => c.1.push(term),
            None => out.push((concept, vec![term])),
        }
    }
    out
}

/// A term with the outlets using it.
#[derive(Debug, Clone, Serialize)]
pub struct TermUse {
    /// The term.
    pub term: String,
    /// Uses across the story.
    pub count: usize,
    /// Outlets using it.
    pub outlets: Vec<String>,
}

/// An outlet's words for a concept.
#[derive(Debug, Clone, Serialize)]
pub struct OutletTerms {
    /// The outlet.
    pub outlet: String,
    /// Its terms with counts, most used first.
    pub terms: Vec<(String, usize)>,
}

/// The words outlets use for one concept.
#[derive(Debug, Clone, Serialize)]
pub struct FramingRow {
    /// What is named ("the event", "the crowd", or "loaded" words).
    pub concept: String,
    /// Terms, most used first.
    pub terms: Vec<TermUse>,
    /// Per outlet.
    pub by_outlet: Vec<OutletTerms>,
}

/// One speaker's share of an outlet's quoted words.
#[derive(Debug, Clone, Serialize)]
pub struct SpeakerShare {
    /// The speaker.
    pub speaker: String,
    /// Quoted or reported words.
    pub words: usize,
    /// Share of the outlet's attributed words.
    pub share: f32,
}

/// Whose words an outlet gives room to.
#[derive(Debug, Clone, Serialize)]
pub struct QuoteShare {
    /// The outlet.
    pub outlet: String,
    /// All attributed words.
    pub words: usize,
    /// By speaker, largest share first.
    pub speakers: Vec<SpeakerShare>,
}

fn words_of(text: &str) -> Vec<String> {
    tokenize(text)
        .iter()
        .filter(|t| t.kind == TokenKind::Word)
        .map(|t| t.text(text).to_lowercase())
        .collect()
}

/// The framing rows of a story (`outlets[i]`: article i's outlet).
pub fn framing(articles: &[&Article], outlets: &[&str]) -> Vec<FramingRow> {
    let lex = lexicon();
    // (concept, term) → outlet → count
    let mut uses: FxHashMap<(&str, &str), FxHashMap<&str, usize>> = FxHashMap::default();
    for (a, &o) in articles.iter().zip(outlets) {
        let mut text = a.title.clone().unwrap_or_default();
        text.push_str(".\n");
        text.push_str(&a.body());
        let w = words_of(&text);
        for (concept, terms) in &lex {
            for term in terms {
                let t: Vec<&str> = term.split(' ').collect();
                let n = w
                    .windows(t.len())
                    .filter(|win| win.iter().zip(&t).all(|(a, b)| a == b))
                    .count();
                if n > 0 {
                    *uses
                        .entry((concept, term))
                        .or_default()
                        .entry(o)
                        .or_default() += n;
                }
            }
        }
    }
    let mut rows = Vec::new();
    for (concept, terms) in &lex {
        let mut tu: Vec<TermUse> = Vec::new();
        let mut by: FxHashMap<&str, Vec<(String, usize)>> = FxHashMap::default();
        for term in terms {
            if let Some(m) = uses.get(&(*concept, *term)) {
                let mut os: Vec<String> = m.keys().map(|s| s.to_string()).collect();
                os.sort();
                for (o, c) in m {
                    by.entry(o).or_default().push((term.to_string(), *c));
                }
                tu.push(TermUse {
                    term: term.to_string(),
                    count: m.values().sum(),
                    outlets: os,
                });
            }
        }
        let loaded = *concept == "loaded";
        // A framing difference needs two outlets naming the concept with
        // different sets of words (loaded words are shown whenever used).
        let sets: Vec<Vec<&str>> = {
            let mut s: Vec<Vec<&str>> = by
                .values()
                .map(|v| {
                    let mut t: Vec<&str> = v.iter().map(|x| x.0.as_str()).collect();
                    t.sort_unstable();
                    t
                })
                .collect();
            s.sort();
            s
        };
        let differs = sets.len() >= 2 && sets.windows(2).any(|w| w[0] != w[1]);
        if tu.is_empty() || (!loaded && !differs) {
            continue;
        }
        tu.sort_by(|a, b| b.count.cmp(&a.count).then(a.term.cmp(&b.term)));
        let mut by_outlet: Vec<OutletTerms> = by
            .into_iter()
            .map(|(o, mut t)| {
                t.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
                OutletTerms {
                    outlet: o.to_string(),
                    terms: t,
                }
            })
            .collect();
        by_outlet.sort_by(|a, b| a.outlet.cmp(&b.outlet));
        rows.push(FramingRow {
            concept: concept.to_string(),
            terms: tu,
            by_outlet,
        });
    }
    rows
}

/// Share of attributed words by speaker, per outlet.
pub fn quote_share(
    articles: &[&Article],
    said: &[&parallax_quotes::Analysis],
    outlets: &[&str],
    canonical: &dyn Fn(&str) -> Option<String>,
) -> Vec<QuoteShare> {
    let mut per: FxHashMap<&str, FxHashMap<String, usize>> = FxHashMap::default();
    for ((a, s), &o) in articles.iter().zip(said).zip(outlets) {
        let entry = per.entry(o).or_default();
        for att in &s.attributions {
            let speaker = match &att.speaker {
                parallax_quotes::Speaker::Anonymous { description } => {
                    format!("(anonymous) {description}")
                }
                sp => match sp.name() {
                    Some(n) => canonical(n).unwrap_or_else(|| n.to_string()),
                    None => "(unknown)".to_string(),
                },
            };
            let n: usize = att
                .content_parts
                .iter()
                .map(|p| a.slice(*p).split_whitespace().count())
                .sum();
            *entry.entry(speaker).or_default() += n;
        }
    }
    let mut out: Vec<QuoteShare> = per
        .into_iter()
        .map(|(o, m)| {
            let total: usize = m.values().sum();
            let mut speakers: Vec<SpeakerShare> = m
                .into_iter()
                .map(|(speaker, words)| SpeakerShare {
                    speaker,
                    words,
                    share: ((words as f32 / total.max(1) as f32) * 1000.0).round() / 1000.0,
                })
                .collect();
            speakers.sort_by(|a, b| b.words.cmp(&a.words).then(a.speaker.cmp(&b.speaker)));
            QuoteShare {
                outlet: o.to_string(),
                words: total,
                speakers,
            }
        })
        .collect();
    out.sort_by(|a, b| a.outlet.cmp(&b.outlet));
    out
}
