//! Coverage: which outlet reports which fact; per outlet, what it omits
//! that most others report, and what only it reports.

use crate::facts::FactRow;
use rustc_hash::FxHashSet;
use serde::Serialize;

/// One outlet's row of the outlet × fact matrix.
#[derive(Debug, Clone, Serialize)]
pub struct OutletCoverage {
    /// The outlet.
    pub outlet: String,
    /// The outlet it copies, when all its articles are copies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub copies: Option<String>,
    /// Facts it reports.
    pub reports: Vec<String>,
    /// Facts most other independent outlets report and it does not, most
    /// widely reported first.
    pub omits: Vec<String>,
    /// Facts no other independent outlet reports.
    pub only_here: Vec<String>,
}

/// The coverage of `facts`. `ids[i]` is article i's (id, outlet) and
/// `source[i]` its independent source (the outlet of the original it
/// copies, or its own).
pub fn coverage(
    facts: &[FactRow],
    ids: &[(String, String)],
    source: &[&str],
) -> Vec<OutletCoverage> {
    let mut outlets: Vec<&str> = ids.iter().map(|i| i.1.as_str()).collect();
    outlets.sort_unstable();
    outlets.dedup();
    let independent: FxHashSet<&str> = source.iter().copied().collect();
    let src_of = |outlet: &str| -> FxHashSet<&str> {
        ids.iter()
            .zip(source)
            .filter(|(i, _)| i.1 == outlet)
            .map(|(_, s)| *s)
            .collect()
    };
    // Independent sources of each fact.
    let fact_sources: Vec<FxHashSet<&str>> = facts
        .iter()
        .map(|f| {
            f.statements
                .iter()
                .filter_map(|s| ids.iter().position(|i| i.0 == s.article))
                .map(|a| source[a])
                .collect()
        })
        .collect();
    let mut out = Vec::new();
    for o in outlets {
        let mine = src_of(o);
        let copies = (!mine.contains(o))
            .then(|| mine.iter().next().map(|s| s.to_string()))
            .flatten();
        let others = independent.iter().filter(|s| !mine.contains(*s)).count();
        let need = others.div_ceil(2).max(1);
        let mut reports = Vec::new();
        let mut omits: Vec<(usize, usize)> = Vec::new();
        let mut only_here = Vec::new();
        for (k, f) in facts.iter().enumerate() {
            if f.outlets.iter().any(|x| x == o) {
                reports.push(f.id.clone());
                if fact_sources[k].iter().all(|s| mine.contains(s)) && independent.len() > 1 {
                    only_here.push(f.id.clone());
                }
            } else {
                let by_others = fact_sources[k]
                    .iter()
                    .filter(|s| !mine.contains(*s))
                    .count();
                if others > 0 && by_others >= need {
                    omits.push((by_others, k));
                }
            }
        }
        omits.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        out.push(OutletCoverage {
            outlet: o.to_string(),
            copies,
            reports,
            omits: omits
                .into_iter()
                .map(|(_, k)| facts[k].id.clone())
                .collect(),
            only_here,
        });
    }
    out
}
