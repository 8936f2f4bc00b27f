//! Fitting the join model: L2-regularised logistic regression by Newton's
//! method (iteratively reweighted least squares). Deterministic; small
//! (a few thousand pairs, [`crate::NF`] features).

use crate::{Features, GAP_FEATURE, NF};

/// Fits weights on labelled pair features. `l2` is the ridge penalty on
/// every weight but the bias. Features that never vary (the time gap on data
/// without times) keep weight 0.
pub fn fit(pairs: &[(Features, bool)], l2: f64) -> [f32; NF] {
    fit_weighted(pairs, &vec![1.0; pairs.len()], l2, &[])
}

/// [`fit`] with a weight per pair (`weights[i]` for `pairs[i]`), so that
/// collections of different sizes can count equally, and with some weights
/// `fixed` (feature index, weight): those are not fitted, and the others are
/// fitted around them.
#[allow(clippy::needless_range_loop)]
pub fn fit_weighted(
    pairs: &[(Features, bool)],
    weights: &[f64],
    l2: f64,
    fixed: &[(usize, f32)],
) -> [f32; NF] {
    assert_eq!(pairs.len(), weights.len(), "one weight per pair");
    let mut w = [0.0f64; NF];
    for &(j, v) in fixed {
        w[j] = v as f64;
    }
    let active: Vec<bool> = (0..NF)
        .map(|j| {
            !fixed.iter().any(|&(k, _)| k == j)
                && (j == 0 || (j != GAP_FEATURE && pairs.iter().any(|(f, _)| f.0[j] != 0.0)))
        })
        .collect();
    for _ in 0..50 {
        let mut grad = [0.0f64; NF];
        let mut hess = [[0.0f64; NF]; NF];
        for ((f, y), c) in pairs.iter().zip(weights) {
            let x: [f64; NF] = std::array::from_fn(|j| f.0[j] as f64);
            let z: f64 = (0..NF).map(|j| w[j] * x[j]).sum();
            let p = 1.0 / (1.0 + (-z).exp());
            let r = c * (p - if *y { 1.0 } else { 0.0 });
            let s = c * (p * (1.0 - p)).max(1e-9);
            for j in 0..NF {
                grad[j] += r * x[j];
                for k in 0..NF {
                    hess[j][k] += s * x[j] * x[k];
                }
            }
        }
        for j in 1..NF {
            if active[j] {
                grad[j] += l2 * w[j];
                hess[j][j] += l2;
            }
        }
        for j in 0..NF {
            if !active[j] {
                grad[j] = 0.0;
                for k in 0..NF {
                    hess[j][k] = 0.0;
                    hess[k][j] = 0.0;
                }
                hess[j][j] = 1.0;
            }
        }
        let step = solve(hess, grad);
        let mut change = 0.0f64;
        for j in 0..NF {
            w[j] -= step[j];
            change = change.max(step[j].abs());
        }
        if change < 1e-7 {
            break;
        }
    }
    std::array::from_fn(|j| w[j] as f32)
}

/// Solves `a x = b` by Gaussian elimination with partial pivoting.
#[allow(clippy::needless_range_loop)]
fn solve(mut a: [[f64; NF]; NF], mut b: [f64; NF]) -> [f64; NF] {
    for c in 0..NF {
        let p = (c..NF)
            .max_by(|&i, &j| a[i][c].abs().total_cmp(&a[j][c].abs()))
            .unwrap_or(c);
        a.swap(c, p);
        b.swap(c, p);
        let d = a[c][c];
        if d.abs() < 1e-12 {
            continue;
        }
        for r in 0..NF {
            if r != c {
                let m = a[r][c] / d;
                if m != 0.0 {
                    for k in c..NF {
                        a[r][k] -= m * a[c][k];
                    }
                    b[r] -= m * b[c];
                }
            }
        }
    }
    std::array::from_fn(|i| {
        if a[i][i].abs() < 1e-12 {
            0.0
        } else {
            b[i] / a[i][i]
        }
    })
}

/// Mean log-loss of weights on pairs.
pub fn log_loss(pairs: &[(Features, bool)], w: &[f32; NF]) -> f64 {
    let n = pairs.len().max(1) as f64;
    pairs
        .iter()
        .map(|(f, y)| {
            let z: f64 = (0..NF).map(|j| w[j] as f64 * f.0[j] as f64).sum();
            let p = (1.0 / (1.0 + (-z).exp())).clamp(1e-12, 1.0 - 1e-12);
            if *y {
                -p.ln()
            } else {
                -(1.0 - p).ln()
            }
        })
        .sum::<f64>()
        / n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separates_a_simple_rule() {
        let mut pairs = Vec::new();
        for i in 0..200 {
            let x = i as f32 / 200.0;
            let mut f = [0.0; NF];
            f[0] = 1.0;
            f[1] = x;
            pairs.push((Features(f), x > 0.5 || (i % 17 == 0)));
        }
        let w = fit(&pairs, 1e-3);
        assert!(w[1] > 1.0, "{w:?}");
        assert_eq!(w[GAP_FEATURE], 0.0);
        assert!(log_loss(&pairs, &w) < 0.5);
    }

    #[test]
    fn a_pair_of_weight_two_counts_as_two_copies() {
        let pairs: Vec<(Features, bool)> = (0..40)
            .map(|i| {
                let mut f = [0.0; NF];
                f[0] = 1.0;
                f[1] = (i % 5) as f32 / 4.0;
                (Features(f), i % 3 == 0 || i % 5 == 4)
            })
            .collect();
        let mut weights = vec![1.0; pairs.len()];
        weights[3] = 2.0;
        let mut doubled = pairs.clone();
        doubled.push(pairs[3]);
        let a = fit_weighted(&pairs, &weights, 0.5, &[]);
        let b = fit(&doubled, 0.5);
        for j in 0..NF {
            assert!((a[j] - b[j]).abs() < 1e-4, "{a:?} {b:?}");
        }
        assert_ne!(a, fit(&pairs, 0.5));
    }
}
