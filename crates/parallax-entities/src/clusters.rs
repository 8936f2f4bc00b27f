//! Distributional word clusters derived offline from unlabelled text.
//!
//! Each frequent (lowercased) word gets a context vector of PPMI-weighted
//! counts of its left and right neighbours (the most frequent words, plus a
//! few shape buckets for the rest), and spherical k-means clusters the
//! vectors at a fine granularity; the fine centroids are then clustered
//! again into medium and coarse groups, giving three nested levels, like
//! prefixes of Brown-cluster bit strings. Deterministic for a given seed.

use crate::hash::hash_str;
use rustc_hash::FxHashMap;

/// Word -> cluster ids at three levels (coarse, medium, fine); the fourth
/// value is reserved (0). Words in the table are the frequent words of the
/// unlabelled text (itself a feature: "known word").
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClusterTable {
    pub(crate) map: FxHashMap<u64, [u16; 4]>,
}

impl ClusterTable {
    /// Cluster ids of a word given the hash of its lowercase form.
    #[inline]
    pub fn get(&self, lower_hash: u64) -> Option<[u16; 4]> {
        self.map.get(&lower_hash).copied()
    }

    /// Cluster ids of a word.
    pub fn word(&self, word: &str) -> Option<[u16; 4]> {
        self.get(hash_str(&word.to_lowercase()))
    }

    /// Number of words with clusters.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// True when the table is empty.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

/// Clustering parameters.
#[derive(Debug, Clone)]
pub struct ClusterOptions {
    /// Cluster counts at the three levels (coarse, medium, fine).
    pub ks: [usize; 3],
    /// Words seen fewer times are not clustered.
    pub min_count: usize,
    /// At most this many (most frequent) words are clustered.
    pub max_words: usize,
    /// Number of frequent words used as context features.
    pub context_words: usize,
    /// k-means iterations.
    pub iterations: usize,
    /// Random seed (initial centroids).
    pub seed: u64,
}

impl Default for ClusterOptions {
    fn default() -> Self {
        ClusterOptions {
            ks: [32, 160, 800],
            min_count: 3,
            max_words: 60_000,
            context_words: 800,
            iterations: 12,
            seed: 7,
        }
    }
}

/// A splitmix64 generator (deterministic, dependency-free).
#[derive(Debug, Clone)]
pub struct Rng(pub u64);

impl Rng {
    /// Next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
}

/// Splits raw text into CoNLL-like tokens: whitespace-separated, with
/// leading/trailing punctuation and `'s`/`n't` split off; one vector per
/// line.
pub fn tokenise_text(text: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for line in text.lines() {
        let mut sent = Vec::new();
        for piece in line.split_whitespace() {
            let mut p = piece;
            let mut tail = Vec::new();
            while let Some(c) = p.chars().next().filter(|c| !c.is_alphanumeric()) {
                if p.len() == c.len_utf8() {
                    break;
                }
                sent.push(c.to_string());
                p = &p[c.len_utf8()..];
            }
            while let Some(c) = p.chars().last().filter(|c| !c.is_alphanumeric()) {
                if p.len() == c.len_utf8() {
                    break;
                }
                // keep the period of abbreviations like "U.S."
                if c == '.' && p[..p.len() - 1].contains('.') {
                    break;
                }
                tail.push(c.to_string());
                p = &p[..p.len() - c.len_utf8()];
            }
            if p.len() > 2 && (p.ends_with("'s") || p.ends_with("’s")) {
                let cut = p.len() - if p.ends_with("'s") { 2 } else { 4 };
                sent.push(p[..cut].to_string());
                sent.push(p[cut..].to_string());
            } else if p.len() > 3 && p.ends_with("n't") {
                sent.push(p[..p.len() - 3].to_string());
                sent.push("n't".to_string());
            } else if !p.is_empty() {
                sent.push(p.to_string());
            }
            sent.extend(tail.into_iter().rev());
        }
        if !sent.is_empty() {
            out.push(sent);
        }
    }
    out
}

fn shape_bucket(w: &str) -> usize {
    let c = w.chars().next().unwrap_or(' ');
    if c.is_uppercase() {
        if w.chars().all(|c| !c.is_lowercase()) {
            1
        } else {
            0
        }
    } else if c.is_ascii_digit() {
        2
    } else if c.is_alphabetic() {
        3
    } else {
        4
    }
}

fn normalise(v: &mut [f32]) {
    let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if n > 0.0 {
        v.iter_mut().for_each(|x| *x /= n);
    }
}

/// Spherical k-means over sparse unit vectors; returns assignments and the
/// (unit) centroids.
fn kmeans_sparse(
    rows: &[Vec<(u32, f32)>],
    dim: usize,
    k: usize,
    iters: usize,
    rng: &mut Rng,
) -> (Vec<u16>, Vec<f32>) {
    let n = rows.len();
    let k = k.min(n).max(1);
    let mut cent = vec![0f32; k * dim];
    // initial centroids: distinct random rows, biased to frequent words
    let mut used = rustc_hash::FxHashSet::default();
    let mut c = 0;
    while c < k {
        let r = rng.below(n.min(k * 4).max(k));
        if r < n && used.insert(r) {
            for &(j, v) in &rows[r] {
                cent[c * dim + j as usize] = v;
            }
            c += 1;
        } else if used.len() >= n {
            break;
        }
    }
    let mut assign = vec![0u16; n];
    let mut scores = vec![0f32; k];
    for _ in 0..iters {
        for (i, row) in rows.iter().enumerate() {
            scores.iter_mut().for_each(|s| *s = 0.0);
            for &(j, v) in row {
                let j = j as usize;
                for (cc, s) in scores.iter_mut().enumerate() {
                    *s += v * cent[cc * dim + j];
                }
            }
            let mut best = 0;
            for cc in 1..k {
                if scores[cc] > scores[best] {
                    best = cc;
                }
            }
            assign[i] = best as u16;
        }
        cent.iter_mut().for_each(|x| *x = 0.0);
        let mut counts = vec![0usize; k];
        for (i, row) in rows.iter().enumerate() {
            let a = assign[i] as usize;
            counts[a] += 1;
            for &(j, v) in row {
                cent[a * dim + j as usize] += v;
            }
        }
        for cc in 0..k {
            if counts[cc] == 0 {
                // re-seed an empty cluster with a random row
                let r = rng.below(n);
                for &(j, v) in &rows[r] {
                    cent[cc * dim + j as usize] = v;
                }
            }
            normalise(&mut cent[cc * dim..(cc + 1) * dim]);
        }
    }
    (assign, cent)
}

/// Builds a cluster table from tokenised sentences.
pub fn build_clusters(sentences: &[Vec<String>], opts: &ClusterOptions) -> ClusterTable {
    let mut rng = Rng(opts.seed ^ 0xC1u64);
    let mut counts: FxHashMap<String, usize> = FxHashMap::default();
    let lowered: Vec<Vec<String>> = sentences
        .iter()
        .map(|s| s.iter().map(|w| w.to_lowercase()).collect())
        .collect();
    for s in &lowered {
        for w in s {
            *counts.entry(w.clone()).or_default() += 1;
        }
    }
    let mut vocab: Vec<(&String, usize)> = counts.iter().map(|(w, &c)| (w, c)).collect();
    vocab.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let ctx_ids: FxHashMap<&str, u32> = vocab
        .iter()
        .take(opts.context_words)
        .enumerate()
        .map(|(i, (w, _))| (w.as_str(), i as u32))
        .collect();
    let words: Vec<&String> = vocab
        .iter()
        .filter(|(_, c)| *c >= opts.min_count)
        .take(opts.max_words)
        .map(|(w, _)| *w)
        .collect();
    let word_ids: FxHashMap<&str, u32> = words
        .iter()
        .enumerate()
        .map(|(i, w)| (w.as_str(), i as u32))
        .collect();
    let half = opts.context_words as u32 + 6;
    let dim = 2 * half as usize;
    let ctx_of = |orig: Option<&String>, low: Option<&String>| -> u32 {
        match (orig, low) {
            (Some(o), Some(l)) => ctx_ids
                .get(l.as_str())
                .copied()
                .unwrap_or(opts.context_words as u32 + shape_bucket(o) as u32),
            _ => opts.context_words as u32 + 5,
        }
    };
    let mut cooc: Vec<FxHashMap<u32, f32>> = vec![FxHashMap::default(); words.len()];
    for (s, l) in sentences.iter().zip(&lowered) {
        for i in 0..l.len() {
            let Some(&wid) = word_ids.get(l[i].as_str()) else {
                continue;
            };
            let left = if i > 0 {
                ctx_of(s.get(i - 1), l.get(i - 1))
            } else {
                ctx_of(None, None)
            };
            let right = ctx_of(s.get(i + 1), l.get(i + 1)) + half;
            let m = &mut cooc[wid as usize];
            *m.entry(left).or_default() += 1.0;
            *m.entry(right).or_default() += 1.0;
        }
    }
    // PPMI weighting
    let mut ctx_tot = vec![0f32; dim];
    for m in &cooc {
        for (&j, &v) in m {
            ctx_tot[j as usize] += v;
        }
    }
    let ctx_pow: Vec<f32> = ctx_tot.iter().map(|c| c.powf(0.75)).collect();
    let pow_sum: f32 = ctx_pow.iter().sum();
    let rows: Vec<Vec<(u32, f32)>> = cooc
        .iter()
        .map(|m| {
            let wt: f32 = m.values().sum();
            let mut r: Vec<(u32, f32)> = m
                .iter()
                .filter_map(|(&j, &v)| {
                    let pmi = ((v * pow_sum) / (wt * ctx_pow[j as usize])).ln();
                    (pmi > 0.0).then_some((j, pmi))
                })
                .collect();
            r.sort_by_key(|x| x.0);
            let n = r.iter().map(|x| x.1 * x.1).sum::<f32>().sqrt();
            if n > 0.0 {
                r.iter_mut().for_each(|x| x.1 /= n);
            }
            r
        })
        .collect();
    let [k0, k1, k2] = opts.ks;
    let (fine, cent) = kmeans_sparse(&rows, dim, k2, opts.iterations, &mut rng);
    let k2 = cent.len() / dim;
    // cluster the fine centroids into medium and coarse groups
    let cent_rows: Vec<Vec<(u32, f32)>> = (0..k2)
        .map(|c| {
            cent[c * dim..(c + 1) * dim]
                .iter()
                .enumerate()
                .filter(|(_, v)| **v != 0.0)
                .map(|(j, v)| (j as u32, *v))
                .collect()
        })
        .collect();
    let (mid, _) = kmeans_sparse(&cent_rows, dim, k1, opts.iterations * 2, &mut rng);
    let (coarse, _) = kmeans_sparse(&cent_rows, dim, k0, opts.iterations * 2, &mut rng);
    let mut map = FxHashMap::default();
    for (i, w) in words.iter().enumerate() {
        let f = fine[i];
        map.insert(hash_str(w), [coarse[f as usize], mid[f as usize], f, 0]);
    }
    ClusterTable { map }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokenises() {
        let t = tokenise_text("He said, \"the U.S. won't (yet)\". Anna's cat.");
        assert_eq!(
            t[0],
            vec![
                "He", "said", ",", "\"", "the", "U.S.", "wo", "n't", "(", "yet", ")", "\"", ".",
                "Anna", "'s", "cat", "."
            ]
        );
    }

    #[test]
    fn clusters_group_similar_words() {
        let mut text = String::new();
        for i in 0..40 {
            let a = ["monday", "tuesday", "friday"][i % 3];
            let b = ["paris", "berlin", "rome"][i % 3];
            text.push_str(&format!("we met on {a} in the city of {b} today .\n"));
            text.push_str(&format!("it was {a} again , said the mayor of {b} .\n"));
        }
        let s = tokenise_text(&text);
        let opts = ClusterOptions {
            ks: [2, 2, 4],
            min_count: 2,
            ..Default::default()
        };
        let t = build_clusters(&s, &opts);
        let m = t.word("Monday").unwrap();
        let f = t.word("friday").unwrap();
        let p = t.word("paris").unwrap();
        assert_eq!(m[2], f[2]);
        assert_ne!(m[2], p[2]);
        let again = build_clusters(&s, &opts);
        assert_eq!(t, again);
    }
}
