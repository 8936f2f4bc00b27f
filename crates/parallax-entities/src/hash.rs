//! Small, fast, deterministic hashing used for feature keys.

/// Combines a running hash with one more value (order-sensitive).
#[inline]
pub fn mix(h: u64, x: u64) -> u64 {
    let v = (h.rotate_left(26) ^ x).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    v ^ (v >> 31)
}

/// Hash of a string's bytes.
#[inline]
pub fn hash_str(s: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(s.as_bytes())
}

/// Hash of a string's lowercase form (no allocation for ASCII lowercase
/// input).
#[inline]
pub fn hash_lower(s: &str) -> u64 {
    if s.bytes().any(|b| b.is_ascii_uppercase() || b >= 0x80) {
        hash_str(&s.to_lowercase())
    } else {
        hash_str(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_hashes_are_the_word_statistics_keys() {
        // The recogniser looks words up in `parallax_text::wordstats` by the
        // hash it keeps per token.
        for w in ["london", "zelenskiy", "kyiv"] {
            assert_eq!(hash_str(w), parallax_text::wordstats::hash_word(w));
        }
        assert!(parallax_text::wordstats::builtin()
            .get(hash_lower("London"))
            .is_some());
    }
}
