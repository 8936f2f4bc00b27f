//! The citation graph: who an article cites, how many claims rest on each
//! source, and, across articles, which sources each outlet relies on.

use crate::{Analysis, SourceKind};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One source of one article and the claims resting on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceCount {
    /// The source's resolved name.
    pub name: String,
    /// What kind of source it is.
    pub kind: SourceKind,
    /// Attributions (claims) whose speaker is this source.
    pub claims: usize,
    /// Of those, citations of a body, outlet or document
    /// ([`crate::CitationEdge`]s, "told X" included).
    pub citations: usize,
}

/// The sources of one article, most-relied-on first. Every attribution
/// with a named or resolved speaker counts one claim for it; citation
/// edges count as citations (and as claims when no attribution names the
/// same source for the same content).
pub fn article_sources(analysis: &Analysis) -> Vec<SourceCount> {
    let mut map: BTreeMap<String, SourceCount> = BTreeMap::new();
    for a in &analysis.attributions {
        if let Some(n) = a.speaker.name() {
            let e = map.entry(n.to_string()).or_insert_with(|| SourceCount {
                name: n.to_string(),
                kind: a.source_kind,
                claims: 0,
                citations: 0,
            });
            e.claims += 1;
        }
    }
    for c in &analysis.citations {
        let e = map.entry(c.name.clone()).or_insert_with(|| SourceCount {
            name: c.name.clone(),
            kind: c.kind,
            claims: 0,
            citations: 0,
        });
        e.citations += 1;
        e.kind = c.kind;
        if e.claims < e.citations {
            e.claims = e.citations;
        }
    }
    let mut v: Vec<SourceCount> = map.into_values().collect();
    v.sort_by(|a, b| b.claims.cmp(&a.claims).then_with(|| a.name.cmp(&b.name)));
    v
}

/// Which sources one outlet relies on, summed over its articles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutletReliance {
    /// The outlet (publisher) name as given by the caller.
    pub outlet: String,
    /// Number of articles of the outlet.
    pub articles: usize,
    /// Sources with claims and citations summed over the outlet's
    /// articles, most-relied-on first.
    pub sources: Vec<SourceCount>,
}

/// Aggregates per-article source counts by outlet. Input: `(outlet,
/// sources of one article)` pairs, e.g. from [`article_sources`]. Output is
/// sorted by outlet name.
pub fn aggregate<'a, I>(articles: I) -> Vec<OutletReliance>
where
    I: IntoIterator<Item = (&'a str, &'a [SourceCount])>,
{
    let mut by: BTreeMap<&str, (usize, BTreeMap<String, SourceCount>)> = BTreeMap::new();
    for (outlet, sources) in articles {
        let e = by.entry(outlet).or_default();
        e.0 += 1;
        for s in sources {
            let t = e.1.entry(s.name.clone()).or_insert_with(|| SourceCount {
                name: s.name.clone(),
                kind: s.kind,
                claims: 0,
                citations: 0,
            });
            t.claims += s.claims;
            t.citations += s.citations;
        }
    }
    by.into_iter()
        .map(|(outlet, (n, m))| {
            let mut sources: Vec<SourceCount> = m.into_values().collect();
            sources.sort_by(|a, b| b.claims.cmp(&a.claims).then_with(|| a.name.cmp(&b.name)));
            OutletReliance {
                outlet: outlet.to_string(),
                articles: n,
                sources,
            }
        })
        .collect()
}
