//! Entity-level precision, recall and F1 exactly as `conlleval` computes
//! them: a predicted chunk counts only when it has the same start, end and
//! type as a gold chunk; chunk boundaries follow conlleval's rules, so IOB1,
//! IOB2 and IOBES inputs are all scored the way conlleval scores them.

use std::collections::BTreeMap;

/// Counts for one entity type (or all types together).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Counts {
    /// Gold chunks.
    pub gold: usize,
    /// Predicted chunks.
    pub predicted: usize,
    /// Predicted chunks that match a gold chunk exactly.
    pub correct: usize,
}

impl Counts {
    /// Precision in 0..=1 (0 when nothing was predicted).
    pub fn precision(&self) -> f64 {
        if self.predicted == 0 {
            0.0
        } else {
            self.correct as f64 / self.predicted as f64
        }
    }
    /// Recall in 0..=1 (0 when there is no gold chunk).
    pub fn recall(&self) -> f64 {
        if self.gold == 0 {
            0.0
        } else {
            self.correct as f64 / self.gold as f64
        }
    }
    /// F1 (harmonic mean of precision and recall; 0 when both are 0).
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

/// The result of [`score`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    /// All types together.
    pub overall: Counts,
    /// Per entity type (`"PER"`, `"ORG"`, ...), sorted by type.
    pub per_type: BTreeMap<String, Counts>,
    /// Tokens scored.
    pub tokens: usize,
    /// Tokens whose predicted tag equals the gold tag.
    pub correct_tags: usize,
}

impl Report {
    /// Token accuracy in 0..=1.
    pub fn accuracy(&self) -> f64 {
        if self.tokens == 0 {
            0.0
        } else {
            self.correct_tags as f64 / self.tokens as f64
        }
    }

    /// A conlleval-like text summary (percentages).
    pub fn to_text(&self) -> String {
        let o = &self.overall;
        let mut s = format!(
            "processed {} tokens with {} phrases; found: {} phrases; correct: {}.\n\
             accuracy: {:6.2}%; precision: {:6.2}%; recall: {:6.2}%; FB1: {:6.2}\n",
            self.tokens,
            o.gold,
            o.predicted,
            o.correct,
            100.0 * self.accuracy(),
            100.0 * o.precision(),
            100.0 * o.recall(),
            100.0 * o.f1()
        );
        for (t, c) in &self.per_type {
            s.push_str(&format!(
                "{:>17}: precision: {:6.2}%; recall: {:6.2}%; FB1: {:6.2}  {}\n",
                t,
                100.0 * c.precision(),
                100.0 * c.recall(),
                100.0 * c.f1(),
                c.predicted
            ));
        }
        s
    }
}

/// conlleval's `endOfChunk`: does a chunk end between the previous tag and
/// this one?
pub fn end_of_chunk(prev_tag: &str, tag: &str, prev_type: &str, ty: &str) -> bool {
    matches!(
        (prev_tag, tag),
        ("B", "B") | ("B", "O") | ("I", "B") | ("I", "O") | ("E", "E") | ("E", "I") | ("E", "O")
    ) || (prev_tag != "O" && prev_tag != "." && prev_type != ty)
        || prev_tag == "]"
        || prev_tag == "["
}

/// conlleval's `startOfChunk`: does a chunk start at this tag?
pub fn start_of_chunk(prev_tag: &str, tag: &str, prev_type: &str, ty: &str) -> bool {
    matches!(
        (prev_tag, tag),
        ("B", "B") | ("I", "B") | ("O", "B") | ("O", "I") | ("E", "E") | ("E", "I") | ("O", "E")
    ) || (tag != "O" && tag != "." && prev_type != ty)
        || tag == "["
        || tag == "]"
}

/// Scores predicted against gold tag sequences (one inner vector per
/// sentence; a sentence boundary closes every open chunk, as a blank line
/// does for conlleval). A missing predicted tag counts as `O`.
pub fn score(gold: &[Vec<String>], pred: &[Vec<String>]) -> Report {
    let mut rep = Report::default();
    let mut per: BTreeMap<String, Counts> = BTreeMap::new();
    let mut in_correct = false;
    let (mut lc_tag, mut lc_type) = (String::from("O"), String::new());
    let (mut lg_tag, mut lg_type) = (String::from("O"), String::new());
    let boundary = ["O".to_string()];
    let empty: Vec<String> = Vec::new();
    for (si, g) in gold.iter().enumerate() {
        let p = pred.get(si).unwrap_or(&empty);
        let items = (0..g.len())
            .map(|i| (&g[i], p.get(i).unwrap_or(&boundary[0]), true))
            .chain(std::iter::once((&boundary[0], &boundary[0], false)));
        for (gt, pt, real) in items {
            let (c_tag, c_type) = crate::conll::split_tag(gt);
            let (g_tag, g_type) = crate::conll::split_tag(pt);
            if in_correct {
                let ce = end_of_chunk(&lc_tag, c_tag, &lc_type, c_type);
                let ge = end_of_chunk(&lg_tag, g_tag, &lg_type, g_type);
                if ce && ge && lg_type == lc_type {
                    in_correct = false;
                    rep.overall.correct += 1;
                    per.entry(lc_type.clone()).or_default().correct += 1;
                } else if ce != ge || g_type != c_type {
                    in_correct = false;
                }
            }
            let cs = start_of_chunk(&lc_tag, c_tag, &lc_type, c_type);
            let gs = start_of_chunk(&lg_tag, g_tag, &lg_type, g_type);
            if cs && gs && g_type == c_type {
                in_correct = true;
            }
            if cs {
                rep.overall.gold += 1;
                per.entry(c_type.to_string()).or_default().gold += 1;
            }
            if gs {
                rep.overall.predicted += 1;
                per.entry(g_type.to_string()).or_default().predicted += 1;
            }
            if real {
                rep.tokens += 1;
                if gt == pt {
                    rep.correct_tags += 1;
                }
            }
            lc_tag = c_tag.to_string();
            lc_type = c_type.to_string();
            lg_tag = g_tag.to_string();
            lg_type = g_type.to_string();
        }
    }
    if in_correct {
        rep.overall.correct += 1;
        per.entry(lc_type).or_default().correct += 1;
    }
    rep.per_type = per;
    rep
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(t: &str) -> Vec<String> {
        t.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn perfect_iob2() {
        let g = vec![s("B-PER I-PER O B-LOC")];
        let r = score(&g, &g);
        assert_eq!(r.overall.gold, 2);
        assert_eq!(r.overall.correct, 2);
        assert!((r.overall.f1() - 1.0).abs() < 1e-12);
    }

    #[test]
    fn hand_computed_mixed() {
        // gold: [PER 0-2] [LOC 3] [ORG 5-7]
        // pred: [PER 0-1] [LOC 3] [ORG 5-7] [MISC 7]
        let g = vec![s("B-PER I-PER O B-LOC O B-ORG I-ORG O")];
        let p = vec![s("B-PER O O B-LOC O B-ORG I-ORG B-MISC")];
        let r = score(&g, &p);
        assert_eq!(r.overall.gold, 3);
        assert_eq!(r.overall.predicted, 4);
        assert_eq!(r.overall.correct, 2);
        assert!((r.overall.precision() - 0.5).abs() < 1e-12);
        assert!((r.overall.recall() - 2.0 / 3.0).abs() < 1e-12);
        assert!((r.overall.f1() - 4.0 / 7.0).abs() < 1e-12);
        assert_eq!(r.per_type["PER"].correct, 0);
        assert_eq!(r.per_type["MISC"].predicted, 1);
        assert_eq!(r.per_type["ORG"].correct, 1);
        assert_eq!(r.tokens, 8);
        assert_eq!(r.correct_tags, 6);
    }

    #[test]
    fn iob1_equals_iob2() {
        // IOB1: I- starts a chunk after O or after another type; B- only
        // between two adjacent chunks of the same type.
        let iob1 = vec![s("I-PER I-PER B-PER O I-LOC I-ORG")];
        let iob2 = vec![s("B-PER I-PER B-PER O B-LOC B-ORG")];
        let r = score(&iob1, &iob2);
        assert_eq!(r.overall.gold, 4);
        assert_eq!(r.overall.correct, 4);
        // Token accuracy sees the different strings, chunks do not.
        assert_eq!(r.correct_tags, 3);
    }

    #[test]
    fn stray_i_after_other_type_starts_chunk() {
        // conlleval quirk: "B-PER I-LOC" is two chunks, PER and LOC.
        let g = vec![s("B-PER B-LOC")];
        let p = vec![s("B-PER I-LOC")];
        let r = score(&g, &p);
        assert_eq!(r.overall.predicted, 2);
        assert_eq!(r.overall.correct, 2);
    }

    #[test]
    fn sentence_boundary_closes_chunks() {
        let g = vec![s("O B-PER"), s("I-PER O")];
        let r = score(&g, &g);
        // The I-PER after the boundary starts a new chunk.
        assert_eq!(r.overall.gold, 2);
        assert_eq!(r.overall.correct, 2);
    }

    #[test]
    fn wrong_end_not_counted() {
        let g = vec![s("B-ORG I-ORG I-ORG")];
        let p = vec![s("B-ORG I-ORG O")];
        let r = score(&g, &p);
        assert_eq!(r.overall.correct, 0);
        let p2 = vec![s("B-ORG I-ORG B-ORG")];
        assert_eq!(score(&g, &p2).overall.correct, 0);
    }
}
