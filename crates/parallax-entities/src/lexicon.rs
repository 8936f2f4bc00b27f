//! A lexicon of entity strings seen in the labelled training data
//! (lowercased token sequences -> bitmask of labels), used as a gazetteer
//! feature. During training it is built by 5-fold jackknifing so the
//! tagger learns how far to trust it on unseen text.

use crate::hash::{hash_lower, mix};
use rustc_hash::FxHashMap;

/// Longest entity (in tokens) stored.
pub(crate) const MAX_LEN: usize = 6;

/// Token-sequence hash -> label bitmask (bit = label index 0..4).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Lexicon {
    pub(crate) map: FxHashMap<u64, u8>,
}

impl Lexicon {
    /// Adds the gold entities of sentences (tokens, BIOES ids).
    pub(crate) fn add(&mut self, tokens: &[String], ids: &[u8]) {
        for (s, e, l) in crate::model::id_chunks(ids) {
            if e - s > MAX_LEN {
                continue;
            }
            let h = tokens[s..e].iter().fold(0u64, |h, t| mix(h, hash_lower(t)));
            *self.map.entry(h).or_default() |= 1 << (l as u8);
        }
    }

    /// Per token bitmask: bit `label * 4 + pos` (pos 0 = begin, 1 = inside,
    /// 2 = last, 3 = single) for every lexicon match covering it.
    pub(crate) fn match_tokens(&self, lower: &[u64], out: &mut Vec<u32>) {
        out.clear();
        out.resize(lower.len(), 0);
        if self.map.is_empty() {
            return;
        }
        for i in 0..lower.len() {
            let mut h = 0u64;
            for len in 1..=MAX_LEN.min(lower.len() - i) {
                h = mix(h, lower[i + len - 1]);
                let Some(&mask) = self.map.get(&h) else {
                    continue;
                };
                for l in 0..4 {
                    if mask & (1 << l) == 0 {
                        continue;
                    }
                    if len == 1 {
                        out[i] |= 1 << (l * 4 + 3);
                    } else {
                        out[i] |= 1 << (l * 4);
                        for o in out.iter_mut().take(i + len - 1).skip(i + 1) {
                            *o |= 1 << (l * 4 + 1);
                        }
                        out[i + len - 1] |= 1 << (l * 4 + 2);
                    }
                }
            }
        }
    }
}
