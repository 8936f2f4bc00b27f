//! The article-extraction benchmark's body metric, reproduced exactly.
//!
//! Text is lower-cased and split into `\w+` tokens (Unicode word
//! characters: alphanumerics, combining marks, connector punctuation such as
//! `_`); the tokens form 4-token shingles (a text shorter than 4 tokens forms
//! one shingle of all its tokens). As in the benchmark's `evaluate.py`,
//! shingles are compared as **multisets** (Python `Counter`): a shingle seen
//! twice in the gold and once in the prediction is one true positive and one
//! false negative. Per page, `tp`, `fp`, `fn` give precision and recall;
//! precision and recall are averaged over pages, and F1 is the harmonic mean
//! of the two averages.
//!
//! Empty cases follow the benchmark: when both texts have no token the page
//! scores precision 1 and recall 1; when only one is empty it scores 0 and 0.

use std::collections::HashMap;

/// Shingle size used by the benchmark.
pub const SHINGLE: usize = 4;

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || unicode_general_mark(c)
}

/// Combining marks count as word characters in Python's `\w`; this is a
/// cheap approximation covering the common combining blocks.
fn unicode_general_mark(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x0483..=0x0489 | 0x0591..=0x05BD | 0x0610..=0x061A | 0x064B..=0x065F | 0x0900..=0x0903 | 0x093A..=0x094F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

/// Lower-cased `\w+` tokens of a text.
pub fn tokens(text: &str) -> Vec<String> {
    let lower = text.to_lowercase();
    lower
        .split(|c: char| !is_word_char(c))
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The multiset of 4-token shingles of a text, as counts.
pub fn shingles(text: &str) -> HashMap<Vec<String>, u32> {
    let toks = tokens(text);
    let mut out = HashMap::new();
    if toks.is_empty() {
        return out;
    }
    if toks.len() < SHINGLE {
        out.insert(toks, 1);
        return out;
    }
    for w in toks.windows(SHINGLE) {
        *out.entry(w.to_vec()).or_insert(0) += 1;
    }
    out
}

/// Precision and recall of one page.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PageScore {
    /// Share of predicted shingles that are in the gold text.
    pub precision: f64,
    /// Share of gold shingles that were predicted.
    pub recall: f64,
}

/// Scores one page: `predicted` text against `gold` text.
pub fn score(predicted: &str, gold: &str) -> PageScore {
    let p = shingles(predicted);
    let g = shingles(gold);
    let (mut tp, mut fp, mut fn_) = (0u64, 0u64, 0u64);
    for (k, &pc) in &p {
        let gc = g.get(k).copied().unwrap_or(0);
        tp += u64::from(pc.min(gc));
        fp += u64::from(pc.saturating_sub(gc));
    }
    for (k, &gc) in &g {
        let pc = p.get(k).copied().unwrap_or(0);
        fn_ += u64::from(gc.saturating_sub(pc));
    }
    let (tp, fp, fn_) = (tp as f64, fp as f64, fn_ as f64);
    let precision = if fp == 0.0 && fn_ == 0.0 {
        1.0
    } else if tp == 0.0 && fp == 0.0 {
        0.0
    } else {
        tp / (tp + fp)
    };
    let recall = if fp == 0.0 && fn_ == 0.0 {
        1.0
    } else if tp == 0.0 && fn_ == 0.0 {
        0.0
    } else {
        tp / (tp + fn_)
    };
    PageScore { precision, recall }
}

/// Accumulates page scores into averaged precision, recall and F1.
#[derive(Debug, Clone, Default)]
pub struct Aggregate {
    sum_p: f64,
    sum_r: f64,
    n: usize,
}

impl Aggregate {
    /// An empty aggregate.
    pub fn new() -> Self {
        Self::default()
    }
    /// Adds one page.
    pub fn add(&mut self, s: PageScore) {
        self.sum_p += s.precision;
        self.sum_r += s.recall;
        self.n += 1;
    }
    /// Number of pages added.
    pub fn pages(&self) -> usize {
        self.n
    }
    /// Mean precision over pages (0 when empty).
    pub fn precision(&self) -> f64 {
        if self.n == 0 {
            0.0
        } else {
            self.sum_p / self.n as f64
        }
    }
    /// Mean recall over pages (0 when empty).
    pub fn recall(&self) -> f64 {
        if self.n == 0 {
            0.0
        } else {
            self.sum_r / self.n as f64
        }
    }
    /// F1 of the averaged precision and recall.
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_texts_score_one() {
        let s = score(
            "The quick brown fox jumps over",
            "the QUICK brown fox, jumps over!",
        );
        assert_eq!(
            s,
            PageScore {
                precision: 1.0,
                recall: 1.0
            }
        );
    }

    #[test]
    fn partial_overlap() {
        // gold: a b c d e -> {abcd, bcde}; pred: a b c d x -> {abcd, bcdx}
        let s = score("a b c d x", "a b c d e");
        assert_eq!(s.precision, 0.5);
        assert_eq!(s.recall, 0.5);
        let mut agg = Aggregate::new();
        agg.add(s);
        agg.add(score("", "a b c d"));
        assert!((agg.precision() - 0.25).abs() < 1e-9);
        assert!((agg.recall() - 0.25).abs() < 1e-9);
    }

    #[test]
    fn short_texts_form_one_shingle() {
        assert_eq!(shingles("Hello world").len(), 1);
    }

    #[test]
    fn shingles_are_multisets() {
        // gold repeats "a b c d" twice; prediction once.
        let s = score("a b c d", "a b c d a b c d");
        assert_eq!(s.precision, 1.0);
        assert!(s.recall < 0.5);
        assert_eq!(
            score("", ""),
            PageScore {
                precision: 1.0,
                recall: 1.0
            }
        );
    }
}
