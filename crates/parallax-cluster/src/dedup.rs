//! Near-duplicate (copy) detection: an exact fingerprint of the normalised
//! text, and MinHash signatures of the word shingles indexed by locality
//! sensitive hashing (banding), so a copy is found among all earlier
//! articles without comparing it to each.
//!
//! Deterministic (fixed seeds, no randomised hashing) and replayable: the
//! index is rebuilt by adding the stored fingerprints and signatures in
//! arrival order.
//!
//! Bounded work: a band bucket keeps its [`DedupConfig::max_bucket`] most
//! recent articles. Boilerplate shared by many articles (a wire's standard
//! paragraph, a template) fills some buckets; without the bound, looking
//! one up would cost time proportional to every article seen so far. A copy
//! shares about half its hashes with its original, so it meets it in
//! several bands: losing it from one crowded bucket rarely loses it.

use rustc_hash::FxHashMap;

/// Hashes per signature.
pub const HASHES: usize = 64;
/// LSH bands (of `HASHES / BANDS` rows each).
pub const BANDS: usize = 16;
const ROWS: usize = HASHES / BANDS;

/// Tuning of copy detection.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DedupConfig {
    /// Estimated Jaccard similarity of shingles at or above which an
    /// article is a copy.
    pub threshold: f32,
    /// Fewest shingles for MinHash to be used (shorter texts: exact only).
    pub min_shingles: usize,
    /// Most articles kept per LSH band bucket (the most recent).
    pub max_bucket: usize,
}

impl Default for DedupConfig {
    fn default() -> Self {
        DedupConfig {
            threshold: 0.5,
            min_shingles: 8,
            max_bucket: 64,
        }
    }
}

/// A MinHash signature.
pub type Signature = Vec<u32>;

/// A copy found: the original's index (arrival order among added items)
/// and the estimated similarity (1 for an exact copy).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Copy {
    /// Index of the original.
    pub original: usize,
    /// Estimated Jaccard similarity of shingles.
    pub similarity: f32,
}

fn mix(mut x: u64) -> u64 {
    // splitmix64 finaliser.
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// The MinHash signature of a set of shingle hashes (empty for too few).
pub fn signature(shingles: &[u64], min_shingles: usize) -> Signature {
    if shingles.len() < min_shingles.max(1) {
        return Vec::new();
    }
    // One strong hash per shingle, then HASHES cheap universal hashes of it
    // (odd multipliers and offsets from fixed seeds).
    let params: Vec<(u64, u64)> = (0..HASHES as u64)
        .map(|i| (mix(i + 1) | 1, mix(i + 0x1000)))
        .collect();
    let mut sig = vec![u32::MAX; HASHES];
    for &s in shingles {
        let base = mix(s);
        for (slot, &(a, b)) in sig.iter_mut().zip(&params) {
            let h = (base.wrapping_mul(a).wrapping_add(b) >> 32) as u32;
            if h < *slot {
                *slot = h;
            }
        }
    }
    sig
}

/// Estimated Jaccard similarity of two signatures.
pub fn similarity(a: &[u32], b: &[u32]) -> f32 {
    if a.len() != b.len() || a.is_empty() {
        return 0.0;
    }
    a.iter().zip(b).filter(|(x, y)| x == y).count() as f32 / a.len() as f32
}

/// The copy index.
#[derive(Default)]
pub struct Dedup {
    config: DedupConfig,
    exact: FxHashMap<u64, u32>,
    bands: FxHashMap<(u8, u64), Vec<u32>>,
    /// Every added article's signature, `HASHES` values each, flat (all
    /// zero for an article without one: it is never in a bucket).
    signatures: Vec<u32>,
    /// The original of each item (itself when it is not a copy).
    roots: Vec<u32>,
}

impl Dedup {
    /// An empty index.
    pub fn new(config: DedupConfig) -> Self {
        Dedup {
            config,
            ..Default::default()
        }
    }

    /// The configuration.
    pub fn config(&self) -> &DedupConfig {
        &self.config
    }

    /// Items added so far.
    pub fn len(&self) -> usize {
        self.roots.len()
    }

    /// True before the first item.
    pub fn is_empty(&self) -> bool {
        self.roots.is_empty()
    }

    /// Finds the original of an item without adding it: the first item
    /// with the same fingerprint, else the most similar earlier item that
    /// shares an LSH band and reaches the threshold (ties: the earliest).
    /// Copies of copies point to the first original.
    pub fn find(&self, fingerprint: Option<u64>, sig: &[u32]) -> Option<Copy> {
        if let Some(&i) = fingerprint.and_then(|f| self.exact.get(&f)) {
            return Some(Copy {
                original: self.roots[i as usize] as usize,
                similarity: 1.0,
            });
        }
        if sig.len() != HASHES {
            return None;
        }
        let mut seen: Vec<u32> = Vec::new();
        for b in 0..BANDS {
            if let Some(list) = self.bands.get(&(b as u8, band_hash(sig, b))) {
                seen.extend_from_slice(list);
            }
        }
        seen.sort_unstable();
        seen.dedup();
        let mut best: Option<Copy> = None;
        for i in seen {
            let at = i as usize * HASHES;
            let s = similarity(sig, &self.signatures[at..at + HASHES]);
            if s >= self.config.threshold && best.is_none_or(|b| s > b.similarity) {
                best = Some(Copy {
                    original: i as usize,
                    similarity: s,
                });
            }
        }
        best.map(|c| Copy {
            original: self.roots[c.original] as usize,
            ..c
        })
    }

    /// Adds an item and returns its original, if it is a copy.
    /// Without a fingerprint (unknown), only MinHash is used.
    pub fn add(&mut self, fingerprint: Option<u64>, sig: Signature) -> Option<Copy> {
        let found = self.find(fingerprint, &sig);
        let i = self.roots.len() as u32;
        self.roots.push(found.map_or(i, |c| c.original as u32));
        if let Some(f) = fingerprint {
            self.exact.entry(f).or_insert(i);
        }
        if sig.len() == HASHES {
            let max = self.config.max_bucket.max(1);
            for b in 0..BANDS {
                let list = self.bands.entry((b as u8, band_hash(&sig, b))).or_default();
                if list.len() >= max {
                    let excess = list.len() + 1 - max;
                    list.drain(..excess);
                }
                list.push(i);
            }
            self.signatures.extend_from_slice(&sig);
        } else {
            self.signatures.extend_from_slice(&[0; HASHES]);
        }
        found
    }
}

fn band_hash(sig: &[u32], band: usize) -> u64 {
    let mut h = 0x51_7cc1_b727_220a_u64 ^ band as u64;
    for &v in &sig[band * ROWS..(band + 1) * ROWS] {
        h = mix(h ^ v as u64);
    }
    h
}

/// Signature to text (hex, 8 digits per hash) for storage.
pub fn encode_signature(sig: &[u32]) -> String {
    sig.iter().map(|v| format!("{v:08x}")).collect()
}

/// Text to signature; malformed text gives an empty signature.
pub fn decode_signature(s: &str) -> Signature {
    if !s.len().is_multiple_of(8) || !s.is_ascii() {
        return Vec::new();
    }
    (0..s.len() / 8)
        .map(|i| u32::from_str_radix(&s[i * 8..i * 8 + 8], 16))
        .collect::<Result<_, _>>()
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shingles(range: std::ops::Range<u64>) -> Vec<u64> {
        range
            .map(|x| x.wrapping_mul(0x1234_5678_9abc_def1))
            .collect()
    }

    #[test]
    fn finds_near_copies_only() {
        let mut d = Dedup::new(DedupConfig::default());
        assert!(d.add(Some(1), signature(&shingles(0..100), 8)).is_none());
        assert!(d
            .add(Some(2), signature(&shingles(1000..1100), 8))
            .is_none());
        let c = d.add(Some(3), signature(&shingles(5..105), 8)).unwrap();
        assert_eq!(c.original, 0);
        assert!(c.similarity > 0.7);
        // A copy of the copy points to the first original.
        assert_eq!(
            d.add(Some(4), signature(&shingles(8..106), 8))
                .unwrap()
                .original,
            0
        );
        // Exact fingerprint.
        assert_eq!(d.add(Some(2), Vec::new()).unwrap().original, 1);
        assert!(d.add(Some(9), signature(&shingles(50..200), 8)).is_none());
    }

    /// Articles sharing boilerplate crowd the same buckets; each bucket
    /// keeps only its most recent `max_bucket`, and a recent copy is still
    /// found.
    #[test]
    fn buckets_are_bounded() {
        let config = DedupConfig {
            max_bucket: 4,
            ..Default::default()
        };
        let mut d = Dedup::new(config);
        // Every text: the same 40 boilerplate shingles and 60 of its own,
        // so two texts share a quarter of their shingles: not copies.
        for i in 0..50u64 {
            let own = 10_000 + i * 100;
            let mut sh = shingles(0..40);
            sh.extend(shingles(own..own + 60));
            assert!(d.add(None, signature(&sh, 8)).is_none(), "text {i}");
        }
        assert!(d.bands.values().all(|l| l.len() <= 4));
        // A copy of the last text (all but two of its shingles) is found.
        let mut sh = shingles(0..40);
        sh.extend(shingles(14_900..14_958));
        let c = d.add(None, signature(&sh, 8)).unwrap();
        assert_eq!(c.original, 49);
        assert!(c.similarity > 0.8, "{}", c.similarity);
    }

    #[test]
    fn signatures_round_trip() {
        let s = signature(&shingles(0..50), 8);
        assert_eq!(decode_signature(&encode_signature(&s)), s);
    }
}
