//! Clustering metrics: B-cubed and pairwise precision, recall and F1.

use rustc_hash::FxHashMap;
use serde::Serialize;
use std::hash::Hash;

/// Precision, recall and F1.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Default)]
pub struct Prf {
    /// Precision.
    pub precision: f64,
    /// Recall.
    pub recall: f64,
    /// Harmonic mean of the two.
    pub f1: f64,
}

impl Prf {
    /// From precision and recall.
    pub fn new(precision: f64, recall: f64) -> Prf {
        let f1 = if precision + recall > 0.0 {
            2.0 * precision * recall / (precision + recall)
        } else {
            0.0
        };
        Prf {
            precision,
            recall,
            f1,
        }
    }
}

/// B-cubed precision/recall/F1 (Bagga & Baldwin 1998) of a predicted
/// clustering against gold labels: for each item, the share of its
/// predicted cluster that shares its gold label (precision) and the share of
/// its gold cluster that shares its predicted cluster (recall), averaged over
/// items.
pub fn bcubed<P: Hash + Eq, G: Hash + Eq>(pairs: &[(P, G)]) -> Prf {
    if pairs.is_empty() {
        return Prf::default();
    }
    let mut both: FxHashMap<(&P, &G), f64> = FxHashMap::default();
    let mut pred: FxHashMap<&P, f64> = FxHashMap::default();
    let mut gold: FxHashMap<&G, f64> = FxHashMap::default();
    for (p, g) in pairs {
        *both.entry((p, g)).or_default() += 1.0;
        *pred.entry(p).or_default() += 1.0;
        *gold.entry(g).or_default() += 1.0;
    }
    let (mut prec, mut rec) = (0.0, 0.0);
    for ((p, g), n) in &both {
        // Each of the n items in this cell has n correct companions.
        prec += n * n / pred[p];
        rec += n * n / gold[g];
    }
    let total = pairs.len() as f64;
    Prf::new(prec / total, rec / total)
}

/// Pairwise precision/recall/F1: over all pairs of items, pairs put together
/// by the prediction against pairs together in the gold labels.
pub fn pairwise<P: Hash + Eq, G: Hash + Eq>(pairs: &[(P, G)]) -> Prf {
    let c2 = |n: f64| n * (n - 1.0) / 2.0;
    let mut both: FxHashMap<(&P, &G), f64> = FxHashMap::default();
    let mut pred: FxHashMap<&P, f64> = FxHashMap::default();
    let mut gold: FxHashMap<&G, f64> = FxHashMap::default();
    for (p, g) in pairs {
        *both.entry((p, g)).or_default() += 1.0;
        *pred.entry(p).or_default() += 1.0;
        *gold.entry(g).or_default() += 1.0;
    }
    let tp: f64 = both.values().map(|&n| c2(n)).sum();
    let pp: f64 = pred.values().map(|&n| c2(n)).sum();
    let gp: f64 = gold.values().map(|&n| c2(n)).sum();
    Prf::new(
        if pp > 0.0 { tp / pp } else { 1.0 },
        if gp > 0.0 { tp / gp } else { 1.0 },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perfect_and_all_in_one() {
        let perfect = [(1, "a"), (1, "a"), (2, "b")];
        assert_eq!(bcubed(&perfect).f1, 1.0);
        assert_eq!(pairwise(&perfect).f1, 1.0);
        let lumped = [(1, "a"), (1, "a"), (1, "b"), (1, "b")];
        let b = bcubed(&lumped);
        assert!((b.precision - 0.5).abs() < 1e-9 && (b.recall - 1.0).abs() < 1e-9);
        let p = pairwise(&lumped);
        assert!((p.precision - 2.0 / 6.0).abs() < 1e-9);
    }

    #[test]
    fn singletons() {
        let split = [(1, "a"), (2, "a"), (3, "a"), (4, "b")];
        let b = bcubed(&split);
        assert!((b.precision - 1.0).abs() < 1e-9);
        // Recall: a-items 1/3 each, b-item 1.
        assert!((b.recall - (3.0 * (1.0 / 3.0) + 1.0) / 4.0).abs() < 1e-9);
    }
}
