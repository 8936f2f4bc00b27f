//! Facts across the outlets of a story: statements aligned into facts,
//! copies detected (4-word shingle Jaccard), independent outlets counted,
//! each fact's status (corroborated, single source, conflicting, contested),
//! the conflicts (outlets disagreeing on a number, kept apart from parties
//! disputing each other's claims) and the numbers table.

use crate::align::{self, Vocab};
use crate::claims::ClaimTerms;
use crate::coverage::{coverage, OutletCoverage};
use crate::framing::{framing, quote_share, FramingRow, QuoteShare};
use crate::numbers::QuantityKind;
use crate::statements::{statements, Statement, Voice};
use parallax_core::{Article, FactStatus, Span};
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;

/// Shingle Jaccard above which an article is a copy of an earlier one.
pub const COPY_JACCARD: f64 = 0.5;

/// Probability above which two statements are one fact. Stricter than the
/// pair model's ECB+ threshold: a fact should be one claim, not one event.
pub const FACT_THRESHOLD: f32 = 0.6;

/// A statement as shown in a fact.
#[derive(Debug, Clone, Serialize)]
pub struct StatementRef {
    /// The article (its external id when it has one).
    pub article: String,
    /// The article's index in the story.
    #[serde(skip)]
    pub article_index: usize,
    /// The clause's byte span in the article text.
    pub span: Span,
    /// Its outlet.
    pub outlet: String,
    /// The clause as written.
    pub sentence: String,
    /// Whose words (`None`: the outlet's own assertion).
    pub attributed_to: Option<String>,
    /// The outer source nested words came through ("He said that …,
    /// Reuters noted": Reuters, with `attributed_to` the "he").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
    /// How it is attributed.
    pub voice: Voice,
    /// Negated.
    pub negated: bool,
    /// Hedge or modality.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub modality: Option<String>,
    /// Numbers.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub numbers: Vec<crate::numbers::Quantity>,
    /// Dates.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub dates: Vec<crate::statements::DateRef>,
    /// Entities.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub entities: Vec<String>,
}

/// One fact of a story.
#[derive(Debug, Clone, Serialize)]
pub struct FactRow {
    /// `f1`, `f2`, ... in order of first appearance.
    pub id: String,
    /// A representative wording.
    pub text: String,
    /// How it stands across outlets.
    pub status: FactStatus,
    /// Outlets reporting it.
    pub outlets: Vec<String>,
    /// Independent outlets reporting it (copies count once).
    pub independent_sources: usize,
    /// The statements stating it.
    pub statements: Vec<StatementRef>,
    /// For a contested fact: the facts disputing it or disputed by it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub disputed_by: Vec<String>,
}

/// An article that copies an earlier one.
#[derive(Debug, Clone, Serialize)]
pub struct CopyRow {
    /// The copy.
    pub article: String,
    /// Its outlet.
    pub outlet: String,
    /// The original.
    pub copy_of: String,
    /// The original's outlet.
    pub original_outlet: String,
    /// Shingle Jaccard.
    pub similarity: f64,
}

/// One value of a quantity as an outlet reports it.
#[derive(Debug, Clone, Serialize)]
pub struct NumberValue {
    /// The value.
    pub value: f64,
    /// As written ("at least 11").
    pub text: String,
    /// The outlet.
    pub outlet: String,
    /// The article.
    pub article: String,
    /// Who the figure is attributed to (`None`: the outlet).
    pub source: Option<String>,
    /// The sentence.
    pub sentence: String,
}

/// A quantity with its values across outlets.
#[derive(Debug, Clone, Serialize)]
pub struct NumberRow {
    /// What it counts ("deaths", "money").
    pub quantity: String,
    /// Unit or counted noun, when not a tally.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// Distinct values.
    pub distinct: usize,
    /// The values, by outlet.
    pub values: Vec<NumberValue>,
}

/// A side of a conflict.
#[derive(Debug, Clone, Serialize)]
pub struct Side {
    /// The value (numbers) or the party (claims).
    pub label: String,
    /// Outlets carrying it.
    pub outlets: Vec<String>,
    /// Facts involved.
    pub facts: Vec<String>,
    /// Example wording.
    pub example: String,
}

/// What a conflict is between.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ConflictKind {
    /// Outlets report different values for the same quantity.
    Outlets,
    /// A party's claim is disputed by another party (both may be reported
    /// by the same outlets).
    Parties,
}

/// A disagreement.
#[derive(Debug, Clone, Serialize)]
pub struct Conflict {
    /// Between outlets or between parties.
    pub kind: ConflictKind,
    /// What about ("deaths", or the disputed claim).
    pub subject: String,
    /// The sides.
    pub sides: Vec<Side>,
}

/// The fact-level comparison of a story.
#[derive(Debug, Clone, Serialize, Default)]
pub struct FactReport {
    /// Facts, most widely reported first.
    pub facts: Vec<FactRow>,
    /// Independent outlets in the story (copies count once).
    pub independent_sources: usize,
    /// Articles that copy another.
    pub copies: Vec<CopyRow>,
    /// Conflicts between outlets and disputes between parties.
    pub conflicts: Vec<Conflict>,
    /// Per outlet: facts reported, omitted, and only here.
    pub coverage: Vec<OutletCoverage>,
    /// Words each outlet uses for the same thing, and loaded words.
    pub framing: Vec<FramingRow>,
    /// Whose words each outlet quotes.
    pub quote_share: Vec<QuoteShare>,
    /// Quantities with their values per outlet.
    pub numbers: Vec<NumberRow>,
}

/// An article's display id and outlet name (the id when no outlet is known).
pub fn names(a: &Article) -> (String, String) {
    let id = a.external_id.clone().unwrap_or_else(|| a.id.0.clone());
    let outlet = a
        .outlet
        .clone()
        .or_else(|| {
            a.source.as_ref().map(|s| {
                std::path::Path::new(s)
                    .file_stem()
                    .map_or(s.clone(), |f| f.to_string_lossy().into_owned())
            })
        })
        .unwrap_or_else(|| id.clone());
    (id, outlet)
}

/// Inputs of [`report`] for one article.
pub struct ArticleInput<'a> {
    /// The article.
    pub article: &'a Article,
    /// Its quotes and citations.
    pub said: &'a parallax_quotes::Analysis,
    /// Entity mentions with canonical names.
    pub mentions: Vec<(Span, String)>,
    /// 4-word shingles.
    pub shingles: &'a [u64],
}

/// Builds the fact report of a story.
pub fn report(inputs: &[ArticleInput], canonical: &dyn Fn(&str) -> Option<String>) -> FactReport {
    let n = inputs.len();
    let ids: Vec<(String, String)> = inputs.iter().map(|i| names(i.article)).collect();
    // Copies: an article whose shingles overlap an earlier one's.
    let mut original: Vec<usize> = (0..n).collect();
    let mut copies = Vec::new();
    for j in 0..n {
        let mut best = (0.0, j);
        for i in 0..j {
            let s = parallax_text::shingles::jaccard(inputs[i].shingles, inputs[j].shingles);
            if s > best.0 {
                best = (s, i);
            }
        }
        if best.0 > COPY_JACCARD {
            original[j] = original[best.1];
            copies.push(CopyRow {
                article: ids[j].0.clone(),
                outlet: ids[j].1.clone(),
                copy_of: ids[best.1].0.clone(),
                original_outlet: ids[best.1].1.clone(),
                similarity: (best.0 * 1000.0).round() / 1000.0,
            });
        }
    }
    // The independent source of each article: its original's outlet.
    let source: Vec<&str> = (0..n).map(|i| ids[original[i]].1.as_str()).collect();
    let independent_sources = source.iter().collect::<FxHashSet<_>>().len();

    let mut vocab = Vocab::new();
    let mut all: Vec<Statement> = Vec::new();
    for (k, inp) in inputs.iter().enumerate() {
        all.extend(statements(
            k,
            inp.article,
            inp.said,
            &inp.mentions,
            canonical,
            &mut vocab,
        ));
    }
    let mut docs: Vec<FxHashSet<u32>> = vec![FxHashSet::default(); n];
    for s in &all {
        docs[s.article].extend(s.sig.terms.iter().map(|t| t.0));
    }
    let idf = vocab.idf(&docs);
    let sigs: Vec<_> = all.iter().map(|s| &s.sig).collect();
    let art: Vec<usize> = all.iter().map(|s| s.article).collect();
    let claim_terms = ClaimTerms::new(&all, &vocab);
    let groups = align::group_by(&sigs, &art, FACT_THRESHOLD, &|i, j| {
        claim_terms.score(&all[i], &all[j], align::probability(sigs[i], sigs[j], &idf))
    });

    let sref = |s: &Statement| StatementRef {
        article: ids[s.article].0.clone(),
        article_index: s.article,
        span: s.span,
        outlet: ids[s.article].1.clone(),
        sentence: s.text.clone(),
        attributed_to: s.attributed_to.clone(),
        via: s.via.clone(),
        voice: s.voice,
        negated: s.negated,
        modality: s.modality.clone(),
        numbers: s.numbers.clone(),
        dates: s.dates.clone(),
        entities: s.entities.clone(),
    };
    // Facts ordered by independent outlets, then first appearance.
    let mut order: Vec<(usize, &Vec<usize>)> = groups
        .iter()
        .map(|g| {
            let srcs: FxHashSet<&str> = g.iter().map(|&i| source[all[i].article]).collect();
            (srcs.len(), g)
        })
        .collect();
    order.sort_by(|a, b| b.0.cmp(&a.0).then(a.1[0].cmp(&b.1[0])));
    let mut fact_of = vec![0usize; all.len()];
    let mut facts: Vec<FactRow> = Vec::new();
    for (k, (indep, g)) in order.iter().enumerate() {
        for &i in g.iter() {
            fact_of[i] = k;
        }
        let mut outlets: Vec<String> = g.iter().map(|&i| ids[all[i].article].1.clone()).collect();
        outlets.sort();
        outlets.dedup();
        // The outlet's own wording first, the shortest of those.
        let rep = g
            .iter()
            .min_by_key(|&&i| (all[i].voice != Voice::Outlet, all[i].text.len()))
            .map_or(String::new(), |&i| all[i].text.clone());
        let conflicting = {
            let mut vals: FxHashMap<QuantityKind, FxHashSet<u64>> = FxHashMap::default();
            for &i in g.iter() {
                for q in &all[i].numbers {
                    if q.kind.is_tally() {
                        vals.entry(q.kind).or_default().insert(q.value.to_bits());
                    }
                }
            }
            vals.values().any(|v| v.len() > 1)
        };
        facts.push(FactRow {
            id: format!("f{}", k + 1),
            text: rep,
            status: if conflicting && *indep > 1 {
                FactStatus::Conflicting
            } else if *indep > 1 {
                FactStatus::Corroborated
            } else {
                FactStatus::SingleSource
            },
            outlets,
            independent_sources: *indep,
            statements: g.iter().map(|&i| sref(&all[i])).collect(),
            disputed_by: Vec::new(),
        });
    }

    let mut conflicts = number_conflicts(&all, &ids, &source, &fact_of, &facts);
    conflicts.extend(contests(&all, &idf, &claim_terms, &fact_of, &mut facts));
    let numbers = numbers_table(&all, &ids);
    let coverage = coverage(&facts, &ids, &source);
    let articles: Vec<&Article> = inputs.iter().map(|i| i.article).collect();
    let outlets: Vec<&str> = ids.iter().map(|i| i.1.as_str()).collect();
    let framing = framing(&articles, &outlets);
    let saids: Vec<&parallax_quotes::Analysis> = inputs.iter().map(|i| i.said).collect();
    let quote_share = quote_share(&articles, &saids, &outlets, canonical);
    FactReport {
        facts,
        independent_sources,
        copies,
        conflicts,
        coverage,
        framing,
        quote_share,
        numbers,
    }
}

/// A value with its independent sources, outlets, facts and an example.
type ValueSide<'a> = (u64, FxHashSet<&'a str>, Vec<String>, Vec<String>, String);

/// Claim facts, counter facts, claiming party, disputing party.
type Dispute = (FxHashSet<usize>, FxHashSet<usize>, String, String);

/// Tallies on which independent outlets give different values.
fn number_conflicts(
    all: &[Statement],
    ids: &[(String, String)],
    source: &[&str],
    fact_of: &[usize],
    facts: &[FactRow],
) -> Vec<Conflict> {
    let mut by_kind: FxHashMap<QuantityKind, Vec<(usize, usize)>> = FxHashMap::default();
    for (si, s) in all.iter().enumerate() {
        for (qi, q) in s.numbers.iter().enumerate() {
            if q.kind.is_tally() {
                by_kind.entry(q.kind).or_default().push((si, qi));
            }
        }
    }
    let mut kinds: Vec<_> = by_kind.into_iter().collect();
    kinds.sort_by_key(|k| k.0);
    let mut out = Vec::new();
    for (kind, items) in kinds {
        // value → (independent sources, outlets, facts, example)
        let mut sides: Vec<ValueSide> = Vec::new();
        for (si, qi) in items {
            let s = &all[si];
            let q = &s.numbers[qi];
            let bits = q.value.to_bits();
            let pos = match sides.iter().position(|x| x.0 == bits) {
                Some(p) => p,
                None => {
                    sides.push((bits, FxHashSet::default(), vec![], vec![], s.text.clone()));
                    sides.len() - 1
                }
            };
            let side = &mut sides[pos];
            side.1.insert(source[s.article]);
            side.2.push(ids[s.article].1.clone());
            side.3.push(facts[fact_of[si]].id.clone());
        }
        let all_sources: FxHashSet<&str> = sides.iter().flat_map(|s| s.1.iter().copied()).collect();
        if sides.len() < 2 || all_sources.len() < 2 {
            continue;
        }
        sides.sort_by(|a, b| f64::from_bits(a.0).total_cmp(&f64::from_bits(b.0)));
        out.push(Conflict {
            kind: ConflictKind::Outlets,
            subject: kind.label().to_string(),
            sides: sides
                .into_iter()
                .map(|(v, _, mut o, mut f, ex)| {
                    o.sort();
                    o.dedup();
                    f.sort();
                    f.dedup();
                    Side {
                        label: format!("{}", f64::from_bits(v)),
                        outlets: o,
                        facts: f,
                        example: ex,
                    }
                })
                .collect(),
        });
    }
    out
}

/// Claims by one party disputed by another: attributed statements of
/// different speakers on the same subject with opposite polarity.
fn contests(
    all: &[Statement],
    idf: &align::Idf,
    claim_terms: &ClaimTerms,
    fact_of: &[usize],
    facts: &mut [FactRow],
) -> Vec<Conflict> {
    let attributed: Vec<usize> = (0..all.len())
        .filter(|&i| {
            matches!(all[i].voice, Voice::Quoted | Voice::Reported)
                && all[i].attributed_to.is_some()
        })
        .collect();
    let max_idf = idf.max();
    let rare_in_statements = (all.len() as u32 / 10).max(3);
    // (claim fact, counter fact) → (claim party, counter party)
    let mut pairs: Vec<(usize, usize, String, String, f32)> = Vec::new();
    for (k, &i) in attributed.iter().enumerate() {
        for &j in &attributed[k + 1..] {
            let (a, b) = (&all[i], &all[j]);
            if a.negated == b.negated || fact_of[i] == fact_of[j] {
                continue;
            }
            let (pa, pb) = (
                a.attributed_to.as_deref().unwrap_or(""),
                b.attributed_to.as_deref().unwrap_or(""),
            );
            if pa.eq_ignore_ascii_case(pb) {
                continue;
            }
            // The subject: shared content words, at least one of them rare
            // in the story's articles and its statements, and neither a
            // reporting verb nor a party's name (two parties' sentences
            // that both "insisted" or both name Lavrov share no subject).
            let f = align::features(&a.sig, &b.sig, idf);
            let shared_rare = a.sig.terms.iter().any(|&(t, _)| {
                idf[t as usize] >= 0.6 * max_idf
                    && claim_terms.statements_with(t) <= rare_in_statements
                    && !claim_terms.is_reporting(t)
                    && b.sig.terms.iter().any(|&(u, _)| u == t)
            });
            if f[2] < 0.25 || !shared_rare {
                continue;
            }
            let (claim, counter) = if a.negated { (j, i) } else { (i, j) };
            pairs.push((
                fact_of[claim],
                fact_of[counter],
                all[claim].attributed_to.clone().unwrap_or_default(),
                all[counter].attributed_to.clone().unwrap_or_default(),
                f[2],
            ));
        }
    }
    // Disputes between the same two parties' facts form one conflict.
    pairs.sort_by(|a, b| b.4.total_cmp(&a.4));
    let mut out: Vec<Conflict> = Vec::new();
    let mut groups: Vec<Dispute> = Vec::new();
    for (cf, kf, cp, kp, _) in pairs {
        match groups.iter_mut().find(|g| g.1.contains(&kf)) {
            Some(g) => {
                g.0.insert(cf);
                g.1.insert(kf);
            }
            None => {
                if groups.len() >= 10 {
                    continue;
                }
                groups.push((
                    [cf].into_iter().collect(),
                    [kf].into_iter().collect(),
                    cp,
                    kp,
                ))
            }
        }
    }
    for (claims, counters, cp, kp) in groups {
        let side = |set: &FxHashSet<usize>, party: &str, facts: &[FactRow]| {
            let mut fs: Vec<usize> = set.iter().copied().collect();
            fs.sort_unstable();
            let mut outlets: Vec<String> = fs
                .iter()
                .flat_map(|&f| facts[f].outlets.iter().cloned())
                .collect();
            outlets.sort();
            outlets.dedup();
            Side {
                label: party.to_string(),
                outlets,
                facts: fs.iter().map(|&f| facts[f].id.clone()).collect(),
                example: facts[fs[0]].text.clone(),
            }
        };
        let a = side(&claims, &cp, facts);
        let b = side(&counters, &kp, facts);
        for &c in &claims {
            if facts[c].status != FactStatus::Conflicting {
                facts[c].status = FactStatus::Contested;
            }
            facts[c].disputed_by.extend(b.facts.iter().cloned());
        }
        for &c in &counters {
            if facts[c].status != FactStatus::Conflicting {
                facts[c].status = FactStatus::Contested;
            }
            facts[c].disputed_by.extend(a.facts.iter().cloned());
        }
        out.push(Conflict {
            kind: ConflictKind::Parties,
            subject: a.example.clone(),
            sides: vec![a, b],
        });
    }
    for f in facts.iter_mut() {
        f.disputed_by.sort();
        f.disputed_by.dedup();
    }
    out
}

/// Every quantity with its values by outlet: tallies by what they count,
/// other numbers by kind and unit.
fn numbers_table(all: &[Statement], ids: &[(String, String)]) -> Vec<NumberRow> {
    let mut rows: Vec<NumberRow> = Vec::new();
    for s in all {
        for q in &s.numbers {
            if q.kind == QuantityKind::Count && q.unit.is_none() {
                continue;
            }
            let unit = if q.kind.is_tally() {
                None
            } else {
                q.unit.clone()
            };
            let label = q.kind.label().to_string();
            let pos = match rows
                .iter()
                .position(|r| r.quantity == label && r.unit == unit)
            {
                Some(p) => p,
                None => {
                    rows.push(NumberRow {
                        quantity: label,
                        unit,
                        distinct: 0,
                        values: vec![],
                    });
                    rows.len() - 1
                }
            };
            rows[pos].values.push(NumberValue {
                value: q.value,
                text: q.text.clone(),
                outlet: ids[s.article].1.clone(),
                article: ids[s.article].0.clone(),
                source: s.attributed_to.clone(),
                sentence: s.text.clone(),
            });
        }
    }
    for r in &mut rows {
        let d: FxHashSet<u64> = r.values.iter().map(|v| v.value.to_bits()).collect();
        r.distinct = d.len();
    }
    // Tallies first, then by how many outlets report them.
    rows.sort_by_key(|r| {
        let outlets: FxHashSet<&str> = r.values.iter().map(|v| v.outlet.as_str()).collect();
        (
            !matches!(
                r.quantity.as_str(),
                "deaths" | "injured" | "evacuated or displaced" | "arrested" | "missing"
            ),
            std::cmp::Reverse(outlets.len()),
        )
    });
    rows
}
