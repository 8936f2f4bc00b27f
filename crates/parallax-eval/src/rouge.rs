//! ROUGE-1, ROUGE-2 and ROUGE-L, an exact port of the Python package
//! `rouge-score` as called with
//! `RougeScorer(['rouge1', 'rouge2', 'rougeL'], use_stemmer=True)`.
//!
//! Tokens: the text is lower-cased (Unicode-aware, like Python's
//! `str.lower`), every run of characters other than `a-z0-9` is a
//! separator, and tokens longer than three characters are stemmed with
//! NLTK's Porter stemmer ([`crate::porter`]).
//!
//! ROUGE-N counts n-grams with multiplicity: the overlap is the sum over
//! n-grams of the smaller of the two counts, precision is the overlap over
//! the number of n-grams of the prediction and recall the overlap over
//! those of the target (each denominator at least 1). ROUGE-L uses the
//! longest common subsequence of the two whole token sequences (not split
//! into sentences; that would be `rougeLsum`). F1 is `2PR / (P + R)`, or 0
//! when both are 0. The arithmetic is done in the same order as Python's,
//! so the results agree to the last bit.

use crate::porter::stem;
use rustc_hash::FxHashMap;
use serde::Serialize;
use std::hash::Hash;

/// Precision, recall and F1 of one ROUGE variant.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct Scores {
    /// Overlap over the size of the prediction.
    pub precision: f64,
    /// Overlap over the size of the target.
    pub recall: f64,
    /// Harmonic mean of precision and recall; 0 when both are 0.
    pub f1: f64,
}

impl Scores {
    /// From precision and recall, with F1 computed as `rouge_score.scoring.fmeasure`.
    fn new(precision: f64, recall: f64) -> Scores {
        let f1 = if precision + recall > 0.0 {
            2.0 * precision * recall / (precision + recall)
        } else {
            0.0
        };
        Scores {
            precision,
            recall,
            f1,
        }
    }
}

/// ROUGE-1, ROUGE-2 and ROUGE-L of a prediction against a target.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct Rouge {
    /// Unigram overlap (`rouge1`).
    pub r1: Scores,
    /// Bigram overlap (`rouge2`).
    pub r2: Scores,
    /// Longest common subsequence (`rougeL`).
    pub rl: Scores,
}

/// Splits `text` into tokens as `rouge_score.tokenize.tokenize` does with a
/// Porter stemmer: lower-cased, split on anything but `a-z0-9`, tokens of
/// more than three characters stemmed.
pub fn tokenize(text: &str) -> Vec<String> {
    let lower = text.to_lowercase();
    lower
        .split(|c: char| !is_token_char(c))
        .filter(|t| !t.is_empty())
        .map(|t| if t.len() > 3 { stem(t) } else { t.to_owned() })
        .filter(|t| !t.is_empty() && t.chars().all(is_token_char))
        .collect()
}

fn is_token_char(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit()
}

/// Scores `prediction` against `target` (the reference), both raw text.
pub fn score(target: &str, prediction: &str) -> Rouge {
    score_tokens(&tokenize(target), &tokenize(prediction))
}

/// Scores already tokenized text (from [`tokenize`]); useful when one text
/// is scored against many.
pub fn score_tokens(target: &[String], prediction: &[String]) -> Rouge {
    // Compare small integers rather than strings.
    let mut ids: FxHashMap<&str, u32> = FxHashMap::default();
    let target = intern(target, &mut ids);
    let prediction = intern(prediction, &mut ids);
    Rouge {
        r1: ngram_scores(&target, &prediction, 1),
        r2: ngram_scores(&target, &prediction, 2),
        rl: lcs_scores(&target, &prediction),
    }
}

/// Maps each token to a small integer, the same for equal tokens.
fn intern<'a>(tokens: &'a [String], ids: &mut FxHashMap<&'a str, u32>) -> Vec<u32> {
    tokens
        .iter()
        .map(|t| {
            let next = ids.len() as u32;
            *ids.entry(t.as_str()).or_insert(next)
        })
        .collect()
}

/// Counts of the n-grams of `tokens`.
fn ngram_counts<T: Hash + Eq>(tokens: &[T], n: usize) -> FxHashMap<&[T], usize> {
    let mut counts = FxHashMap::default();
    for gram in tokens.windows(n) {
        *counts.entry(gram).or_insert(0) += 1;
    }
    counts
}

/// `_score_ngrams` over the n-grams of the two sequences.
fn ngram_scores<T: Hash + Eq>(target: &[T], prediction: &[T], n: usize) -> Scores {
    let target_counts = ngram_counts(target, n);
    let prediction_counts = ngram_counts(prediction, n);
    let overlap: usize = target_counts
        .iter()
        .map(|(gram, &c)| c.min(prediction_counts.get(gram).copied().unwrap_or(0)))
        .sum();
    let target_total = (target.len() + 1).saturating_sub(n);
    let prediction_total = (prediction.len() + 1).saturating_sub(n);
    Scores::new(
        overlap as f64 / prediction_total.max(1) as f64,
        overlap as f64 / target_total.max(1) as f64,
    )
}

/// `_score_lcs`: all zero when either sequence is empty.
fn lcs_scores<T: Eq>(target: &[T], prediction: &[T]) -> Scores {
    if target.is_empty() || prediction.is_empty() {
        return Scores::default();
    }
    let lcs = lcs_len(target, prediction) as f64;
    Scores::new(lcs / prediction.len() as f64, lcs / target.len() as f64)
}

/// Length of the longest common subsequence, in one row of memory.
fn lcs_len<T: Eq>(a: &[T], b: &[T]) -> usize {
    let mut row = vec![0usize; b.len() + 1];
    for x in a {
        let mut diagonal = 0;
        for (j, y) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = if x == y {
                diagonal + 1
            } else {
                above.max(row[j])
            };
            diagonal = above;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `[precision, recall, f1]` of ROUGE-1, ROUGE-2 and ROUGE-L.
    fn triples(r: Rouge) -> [[f64; 3]; 3] {
        [r.r1, r.r2, r.rl].map(|s| [s.precision, s.recall, s.f1])
    }

    /// Expected values printed by `rouge_score` 0.1.2 (`repr` of each
    /// float), so the comparison is exact.
    #[test]
    fn matches_rouge_score() {
        let cases: &[(&str, &str, [[f64; 3]; 3])] = &[
            (
                "The quick brown fox jumps over the lazy dog",
                "The quick brown dog jumps on the log.",
                [
                    [0.75, 0.6666666666666666, 0.7058823529411765],
                    [0.2857142857142857, 0.25, 0.26666666666666666],
                    [0.625, 0.5555555555555556, 0.5882352941176471],
                ],
            ),
            (
                "Ministers agreed new rules on Tuesday after talks.",
                "New rules were agreed by ministers.",
                [
                    [0.6666666666666666, 0.5, 0.5714285714285715],
                    [0.2, 0.14285714285714285, 0.16666666666666666],
                    [0.3333333333333333, 0.25, 0.28571428571428575],
                ],
            ),
            (
                "the the the cat",
                "the cat the cat sat",
                [
                    [0.6, 0.75, 0.6666666666666665],
                    [0.25, 0.3333333333333333, 0.28571428571428575],
                    [0.6, 0.75, 0.6666666666666665],
                ],
            ),
            (
                "Senators are running",
                "senator runs",
                [
                    [1.0, 0.6666666666666666, 0.8],
                    [0.0, 0.0, 0.0],
                    [1.0, 0.6666666666666666, 0.8],
                ],
            ),
            (
                "İstanbul café, 2020-21",
                "istanbul cafe 2020 21",
                [
                    [0.5, 0.4, 0.4444444444444445],
                    [0.3333333333333333, 0.25, 0.28571428571428575],
                    [0.5, 0.4, 0.4444444444444445],
                ],
            ),
            ("", "something", [[0.0; 3]; 3]),
            (
                "word",
                "word",
                [[1.0, 1.0, 1.0], [0.0, 0.0, 0.0], [1.0, 1.0, 1.0]],
            ),
        ];
        for &(target, prediction, want) in cases {
            assert_eq!(
                triples(score(target, prediction)),
                want,
                "{target:?} / {prediction:?}"
            );
        }
    }

    #[test]
    fn tokenizes_like_rouge_score() {
        assert_eq!(tokenize("Senators are running"), ["senat", "are", "run"]);
        // 'İ' lower-cases to 'i' + a combining dot, which separates.
        assert_eq!(
            tokenize("İstanbul café, 2020-21"),
            ["i", "stanbul", "caf", "2020", "21"]
        );
        assert_eq!(
            tokenize("It's the U.S. economy—stupid!"),
            ["it", "s", "the", "u", "s", "economi", "stupid"]
        );
        assert!(tokenize(" -- ").is_empty());
    }

    #[test]
    fn score_tokens_agrees_with_score() {
        let (t, p) = ("A cat sat on the mat.", "The cat was sitting on a mat");
        assert_eq!(score_tokens(&tokenize(t), &tokenize(p)), score(t, p));
    }

    #[test]
    fn lcs_is_symmetric_and_bounded() {
        let a = [1, 2, 3, 4, 1, 2];
        let b = [2, 4, 1, 3, 2];
        assert_eq!(lcs_len(&a, &b), 4);
        assert_eq!(lcs_len(&b, &a), 4);
        assert_eq!(lcs_len::<u32>(&[], &[1]), 0);
    }
}
