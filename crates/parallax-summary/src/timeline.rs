//! The timeline of a story: dated developments, each with its sources.
//!
//! Two kinds of entries: *events*, facts whose statements name the day
//! they happened ("on Thursday", "yesterday": resolved against the
//! article's publication date by the comparison), and *reported* entries,
//! the facts first reported on each publication day (so a story followed
//! over days shows what was new each day). Entries are in date order.

use crate::Citation;
use parallax_compare::facts::{FactReport, FactRow};
use parallax_core::Article;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;

/// Reported facts kept per publication day.
pub const PER_DAY: usize = 3;
/// Entries kept in all.
pub const MAX_ENTRIES: usize = 24;

/// What a timeline entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    /// Something that happened on the day, as the articles date it.
    Event,
    /// A fact first reported on the day.
    Reported,
}

/// One dated development.
#[derive(Debug, Clone, Serialize)]
pub struct TimelineEntry {
    /// The day, `YYYY-MM-DD`.
    pub date: String,
    /// Event or first report.
    pub kind: EntryKind,
    /// The fact's wording.
    pub text: String,
    /// The fact.
    pub fact: String,
    /// Independent outlets reporting it.
    pub independent_sources: usize,
    /// The statements stating it.
    pub citations: Vec<Citation>,
}

fn citations(f: &FactRow) -> Vec<Citation> {
    f.statements
        .iter()
        .map(|s| Citation {
            n: s.article_index + 1,
            article: s.article.clone(),
            outlet: s.outlet.clone(),
            start: s.span.start,
            end: s.span.end,
            fact: Some(f.id.clone()),
        })
        .collect()
}

/// The timeline of a story.
pub fn timeline(articles: &[Article], report: &FactReport) -> Vec<TimelineEntry> {
    let day = |i: usize| {
        articles
            .get(i)
            .and_then(|a| a.published)
            .map(|t| t.date_naive().format("%Y-%m-%d").to_string())
    };
    let mut out: Vec<TimelineEntry> = Vec::new();
    let mut used: FxHashSet<(String, &str)> = FxHashSet::default();
    // Events: the day most of a fact's statements give it.
    for f in &report.facts {
        let mut days: FxHashMap<&str, usize> = FxHashMap::default();
        for s in &f.statements {
            let mut seen = FxHashSet::default();
            for d in s.dates.iter().filter_map(|d| d.date.as_deref()) {
                if seen.insert(d) {
                    *days.entry(d).or_default() += 1;
                }
            }
        }
        let Some((d, _)) = days
            .into_iter()
            .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(a.0)))
        else {
            continue;
        };
        used.insert((d.to_string(), f.id.as_str()));
        out.push(TimelineEntry {
            date: d.to_string(),
            kind: EntryKind::Event,
            text: f.text.clone(),
            fact: f.id.clone(),
            independent_sources: f.independent_sources,
            citations: citations(f),
        });
    }
    // First reports: per publication day, the best-backed new facts.
    let mut by_day: FxHashMap<String, Vec<&FactRow>> = FxHashMap::default();
    for f in &report.facts {
        if let Some(d) = f
            .statements
            .iter()
            .filter_map(|s| day(s.article_index))
            .min()
        {
            if !used.contains(&(d.clone(), f.id.as_str())) {
                by_day.entry(d).or_default().push(f);
            }
        }
    }
    for (d, mut facts) in by_day {
        // Facts arrive most widely reported first; keep that order.
        facts.truncate(PER_DAY);
        for f in facts {
            out.push(TimelineEntry {
                date: d.clone(),
                kind: EntryKind::Reported,
                text: f.text.clone(),
                fact: f.id.clone(),
                independent_sources: f.independent_sources,
                citations: citations(f),
            });
        }
    }
    out.sort_by(|a, b| {
        a.date
            .cmp(&b.date)
            .then(a.kind.cmp(&b.kind))
            .then(b.independent_sources.cmp(&a.independent_sources))
            .then(fact_number(&a.fact).cmp(&fact_number(&b.fact)))
    });
    out.truncate(MAX_ENTRIES);
    out
}

fn fact_number(id: &str) -> usize {
    id.trim_start_matches('f').parse().unwrap_or(usize::MAX)
}
