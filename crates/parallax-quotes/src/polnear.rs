//! PolNeAR support: parse brat `.ann` attribution files, write predictions
//! in the same layout, and score predictions against gold.
//!
//! brat offsets are CHARACTER offsets (Unicode scalar values) into the text
//! file; everything here converts them to and from byte [`Span`]s.
//! Pure functions over strings: the caller reads and writes files.

use crate::Analysis;
use parallax_core::Span;
use parallax_text::tokenize;
use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;
use thiserror::Error;

/// A malformed `.ann` file.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum PolnearError {
    /// A line that cannot be read.
    #[error("line {line}: {reason}")]
    Malformed {
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        reason: String,
    },
    /// A character offset beyond the end of the text.
    #[error("line {line}: offset {offset} beyond the text ({len} characters)")]
    Offset {
        /// 1-based line number.
        line: usize,
        /// The offending character offset.
        offset: usize,
        /// The text's length in characters.
        len: usize,
    },
}

/// One attribution's role spans; each role is a list of fragments (byte
/// spans; several when the span is discontinuous), `None` when absent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Annotated {
    /// The source ("Tester").
    pub source: Option<Vec<Span>>,
    /// The cue ("said").
    pub cue: Option<Vec<Span>>,
    /// The content.
    pub content: Option<Vec<Span>>,
}

/// Byte offset of every character offset of `text` (one more entry than
/// characters, for the end).
pub fn char_to_byte(text: &str) -> Vec<usize> {
    let mut v: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
    v.push(text.len());
    v
}

/// Parses a brat `.ann` string of PolNeAR attributions against its text.
/// Each `E` line (`Attribution` or `Attribution-no-source`) gives one
/// [`Annotated`]; `Content2` parts join the content. Lines that are
/// neither `T` nor `E` (notes, continuation lines of multi-line span
/// texts) are skipped.
pub fn parse_ann(ann: &str, text: &str) -> Result<Vec<Annotated>, PolnearError> {
    let map = char_to_byte(text);
    let nchars = map.len() - 1;
    let mut spans: HashMap<&str, Vec<Span>> = HashMap::new();
    let mut out = Vec::new();
    let mut events = Vec::new();
    for (ln, line) in ann.lines().enumerate() {
        let line_no = ln + 1;
        let mut cols = line.split('\t');
        let id = cols.next().unwrap_or("");
        if id.starts_with('T') && id[1..].chars().all(|c| c.is_ascii_digit()) && id.len() > 1 {
            let mid = cols.next().ok_or_else(|| PolnearError::Malformed {
                line: line_no,
                reason: "T line without type and offsets".into(),
            })?;
            let (_, offs) = mid.split_once(' ').ok_or_else(|| PolnearError::Malformed {
                line: line_no,
                reason: "T line without offsets".into(),
            })?;
            let mut frags = Vec::new();
            for f in offs.split(';') {
                let mut it = f.split_whitespace().map(str::parse::<usize>);
                match (it.next(), it.next()) {
                    (Some(Ok(s)), Some(Ok(e))) => {
                        for o in [s, e] {
                            if o > nchars {
                                return Err(PolnearError::Offset {
                                    line: line_no,
                                    offset: o,
                                    len: nchars,
                                });
                            }
                        }
                        frags.push(Span::new(map[s], map[e]));
                    }
                    _ => {
                        return Err(PolnearError::Malformed {
                            line: line_no,
                            reason: format!("bad offsets {f:?}"),
                        })
                    }
                }
            }
            spans.insert(id, frags);
        } else if id.starts_with('E') && id.len() > 1 {
            events.push((line_no, cols.next().unwrap_or("")));
        }
    }
    for (line_no, args) in events {
        let mut a = Annotated::default();
        let mut is_attr = false;
        for arg in args.split_whitespace() {
            let (role, id) = arg.split_once(':').ok_or_else(|| PolnearError::Malformed {
                line: line_no,
                reason: format!("bad argument {arg:?}"),
            })?;
            let Some(frags) = spans.get(id) else {
                return Err(PolnearError::Malformed {
                    line: line_no,
                    reason: format!("unknown annotation {id}"),
                });
            };
            let slot = match role {
                "Attribution" | "Attribution-no-source" => {
                    is_attr = true;
                    continue;
                }
                "Source" => &mut a.source,
                "Cue" => &mut a.cue,
                r if r.starts_with("Content") => &mut a.content,
                _ => continue,
            };
            let v = slot.get_or_insert_with(Vec::new);
            v.extend(frags.iter().copied());
            v.sort();
        }
        if is_attr {
            out.push(a);
        }
    }
    Ok(out)
}

/// The predictions of an [`Analysis`] as role spans.
pub fn from_analysis(analysis: &Analysis) -> Vec<Annotated> {
    analysis
        .attributions
        .iter()
        .map(|a| Annotated {
            source: a.source.map(|s| vec![s]),
            cue: a.cue.map(|s| vec![s]),
            content: Some(a.content_parts.clone()),
        })
        .collect()
}

/// Writes an [`Analysis`] as brat `.ann` text in PolNeAR's layout: a `T`
/// line for each Source, Cue and Content (character offsets, `;` between
/// fragments), an `Attribution` (or `Attribution-no-source`) trigger on
/// the cue (or content), and an `E` line linking them.
pub fn write_ann(text: &str, analysis: &Analysis) -> String {
    let map = char_to_byte(text);
    let to_char = |b: usize| map.partition_point(|&x| x < b);
    let mut out = String::new();
    let mut t = 0usize;
    let mut e = 0usize;
    let mut emit = |out: &mut String, label: &str, frags: &[Span]| -> usize {
        t += 1;
        let offs: Vec<String> = frags
            .iter()
            .map(|f| format!("{} {}", to_char(f.start), to_char(f.end)))
            .collect();
        let txt: Vec<&str> = frags.iter().map(|f| &text[f.range()]).collect();
        let txt = txt.join(" ").replace(['\n', '\r', '\t'], " ");
        let _ = writeln!(out, "T{t}\t{label} {}\t{txt}", offs.join(";"));
        t
    };
    for a in &analysis.attributions {
        let src = a.source.map(|s| emit(&mut out, "Source", &[s]));
        let cue = a.cue.map(|s| emit(&mut out, "Cue", &[s]));
        let con = emit(&mut out, "Content", &a.content_parts);
        let label = if src.is_some() {
            "Attribution"
        } else {
            "Attribution-no-source"
        };
        let trig_span = a.cue.unwrap_or(a.content_parts[0]);
        let trig = emit(&mut out, label, &[trig_span]);
        e += 1;
        let mut line = format!("E{e}\t{label}:T{trig} Content:T{con}");
        if let Some(c) = cue {
            let _ = write!(line, " Cue:T{c}");
        }
        if let Some(s) = src {
            let _ = write!(line, " Source:T{s}");
        }
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// Precision, recall and F1.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Prf {
    /// Precision.
    pub precision: f64,
    /// Recall.
    pub recall: f64,
    /// Harmonic mean of precision and recall.
    pub f1: f64,
}

impl Prf {
    /// From summed precision credit over `np` predictions and recall
    /// credit over `ng` gold items.
    pub fn from_credit(p_credit: f64, np: usize, r_credit: f64, ng: usize) -> Self {
        let precision = if np == 0 { 0.0 } else { p_credit / np as f64 };
        let recall = if ng == 0 { 0.0 } else { r_credit / ng as f64 };
        let f1 = if precision + recall == 0.0 {
            0.0
        } else {
            2.0 * precision * recall / (precision + recall)
        };
        Prf {
            precision,
            recall,
            f1,
        }
    }
}

/// Scores for the three roles.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct RoleScores {
    /// Source spans.
    pub source: Prf,
    /// Cue spans.
    pub cue: Prf,
    /// Content spans.
    pub content: Prf,
}

/// All figures of an evaluation.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Scores {
    /// Exact span match (same fragments) per role.
    pub exact: RoleScores,
    /// Token overlap per role (Citron-style partial credit).
    pub overlap: RoleScores,
    /// Attribution level: content overlapping a gold content, and source
    /// and cue overlapping that gold attribution's (or both absent).
    pub attribution: Prf,
    /// Gold attributions seen.
    pub gold: usize,
    /// Predicted attributions seen.
    pub predicted: usize,
}

#[derive(Debug, Clone, Copy, Default)]
struct Acc {
    exact_tp: usize,
    np: usize,
    ng: usize,
    p_credit: f64,
    r_credit: f64,
}

/// Accumulates scores over documents.
#[derive(Debug, Clone, Default)]
pub struct Evaluator {
    roles: [Acc; 3],
    attr_tp_p: usize,
    attr_tp_g: usize,
    np: usize,
    ng: usize,
}

type TokSet = BTreeSet<usize>;

fn token_set(tokens: &[Span], frags: &[Span]) -> TokSet {
    let mut s = TokSet::new();
    for f in frags {
        let a = tokens.partition_point(|t| t.end <= f.start);
        for (i, t) in tokens.iter().enumerate().skip(a) {
            if t.start >= f.end {
                break;
            }
            s.insert(i);
        }
    }
    s
}

fn overlap_share(a: &TokSet, others: &[TokSet]) -> f64 {
    if a.is_empty() {
        return 0.0;
    }
    others
        .iter()
        .map(|o| a.intersection(o).count())
        .max()
        .unwrap_or(0) as f64
        / a.len() as f64
}

fn role(a: &Annotated, r: usize) -> Option<&Vec<Span>> {
    match r {
        0 => a.source.as_ref(),
        1 => a.cue.as_ref(),
        _ => a.content.as_ref(),
    }
}

impl Evaluator {
    /// A new, empty evaluator.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one document: its text, gold and predicted attributions.
    pub fn add(&mut self, text: &str, gold: &[Annotated], pred: &[Annotated]) {
        let tokens: Vec<Span> = tokenize(text).iter().map(|t| t.span).collect();
        for r in 0..3 {
            let g: BTreeSet<&Vec<Span>> = gold.iter().filter_map(|a| role(a, r)).collect();
            let p: BTreeSet<&Vec<Span>> = pred.iter().filter_map(|a| role(a, r)).collect();
            let acc = &mut self.roles[r];
            acc.exact_tp += p.intersection(&g).count();
            acc.np += p.len();
            acc.ng += g.len();
            let gs: Vec<TokSet> = g.iter().map(|f| token_set(&tokens, f)).collect();
            let ps: Vec<TokSet> = p.iter().map(|f| token_set(&tokens, f)).collect();
            acc.p_credit += ps.iter().map(|s| overlap_share(s, &gs)).sum::<f64>();
            acc.r_credit += gs.iter().map(|s| overlap_share(s, &ps)).sum::<f64>();
        }
        // Attribution level.
        let sets = |a: &Annotated| -> [Option<TokSet>; 3] {
            [0, 1, 2].map(|r| role(a, r).map(|f| token_set(&tokens, f)))
        };
        let gsets: Vec<_> = gold.iter().map(sets).collect();
        let psets: Vec<_> = pred.iter().map(sets).collect();
        let meets = |p: &[Option<TokSet>; 3], g: &[Option<TokSet>; 3]| -> bool {
            let content = match (&p[2], &g[2]) {
                (Some(a), Some(b)) => a.intersection(b).next().is_some(),
                _ => false,
            };
            content
                && (0..2).all(|r| match (&p[r], &g[r]) {
                    (None, None) => true,
                    (Some(a), Some(b)) => a.intersection(b).next().is_some(),
                    _ => false,
                })
        };
        let mut g_used = vec![false; gold.len()];
        for p in &psets {
            if let Some(j) = (0..gold.len()).find(|&j| !g_used[j] && meets(p, &gsets[j])) {
                g_used[j] = true;
                self.attr_tp_p += 1;
            }
        }
        self.attr_tp_g = self.attr_tp_p;
        self.np += pred.len();
        self.ng += gold.len();
    }

    /// The scores so far.
    pub fn scores(&self) -> Scores {
        let exact = |r: usize| {
            let a = &self.roles[r];
            Prf::from_credit(a.exact_tp as f64, a.np, a.exact_tp as f64, a.ng)
        };
        let over = |r: usize| {
            let a = &self.roles[r];
            Prf::from_credit(a.p_credit, a.np, a.r_credit, a.ng)
        };
        Scores {
            exact: RoleScores {
                source: exact(0),
                cue: exact(1),
                content: exact(2),
            },
            overlap: RoleScores {
                source: over(0),
                cue: over(1),
                content: over(2),
            },
            attribution: Prf::from_credit(
                self.attr_tp_p as f64,
                self.np,
                self.attr_tp_g as f64,
                self.ng,
            ),
            gold: self.ng,
            predicted: self.np,
        }
    }
}
