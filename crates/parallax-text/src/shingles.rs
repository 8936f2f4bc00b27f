//! Hashed word shingles.

use xxhash_rust::xxh3::xxh3_64;

/// The hashes of all `k`-word shingles of `words` (lower-cased words), sorted
/// and de-duplicated. Fewer than `k` words give one shingle of them all.
pub fn shingles<S: AsRef<str>>(words: &[S], k: usize) -> Vec<u64> {
    let k = k.max(1);
    let mut out = Vec::with_capacity(words.len());
    let mut buf = String::new();
    if words.is_empty() {
        return out;
    }
    if words.len() < k {
        for w in words {
            buf.push_str(w.as_ref());
            buf.push(' ');
        }
        out.push(xxh3_64(buf.as_bytes()));
        return out;
    }
    for win in words.windows(k) {
        buf.clear();
        for w in win {
            buf.push_str(w.as_ref());
            buf.push(' ');
        }
        out.push(xxh3_64(buf.as_bytes()));
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Jaccard similarity of two sorted, de-duplicated hash sets.
pub fn jaccard(a: &[u64], b: &[u64]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let (mut i, mut j, mut inter) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                inter += 1;
                i += 1;
                j += 1;
            }
        }
    }
    inter as f64 / (a.len() + b.len() - inter) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_and_disjoint() {
        let a = shingles(&["a", "b", "c", "d"], 2);
        assert_eq!(a.len(), 3);
        assert_eq!(jaccard(&a, &a), 1.0);
        let b = shingles(&["x", "y", "z"], 2);
        assert_eq!(jaccard(&a, &b), 0.0);
        assert_eq!(shingles(&["a"], 3).len(), 1);
    }
}
