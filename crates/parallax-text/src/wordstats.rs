//! Corpus-wide facts about a word: how often it is written with a capital,
//! how frequent it is, and its Brown cluster.
//!
//! `data/word_stats.tsv` (`scripts/build_word_stats.py`) holds, for about
//! 227,000 lowercase words, the statistics of spaCy's English lexeme tables
//! (PyPI `spacy-lookups-data`, MIT): the Brown cluster of the lowercase form
//! and of the most frequent capitalised form, the share of occurrences
//! written with a capital, and the log probability. "Rangers" is capitalised
//! 74% of the time and "beat" 5%: the recogniser can then tell a
//! name at the start of a sentence or in an all-capitals headline, where the
//! token's own case says nothing; verbs of saying share Brown paths, so a
//! cue word never seen in training scores like its kin. Used by the
//! entity recogniser and the attribution cue model; only the table is used
//! at run time.

use rustc_hash::FxHashMap;
use std::sync::OnceLock;

const TABLE: &str = include_str!("../data/word_stats.tsv");

/// What the table knows about one word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WordStats {
    /// Brown cluster of the lowercase form (reversed bit path; 0: none).
    pub lower_cluster: u32,
    /// Brown cluster of the most frequent capitalised form (0: none).
    pub cased_cluster: u32,
    /// Per cent of occurrences written with a capital.
    pub cap_share: u8,
    /// Natural log probability of the word, rounded down (-18 to -3).
    pub log_prob: i8,
}

impl WordStats {
    /// The cluster of the form that matches the token's case, or the other
    /// one when that form has none (0: neither has a cluster).
    #[inline]
    pub fn cluster(&self, capitalised: bool) -> u32 {
        let (a, b) = if capitalised {
            (self.cased_cluster, self.lower_cluster)
        } else {
            (self.lower_cluster, self.cased_cluster)
        };
        if a != 0 {
            a
        } else {
            b
        }
    }
}

/// Lowercase-word hash ([`hash_word`]) -> statistics.
#[derive(Debug, Default)]
pub struct WordStatsTable {
    map: FxHashMap<u64, WordStats>,
    hash: u64,
}

impl WordStatsTable {
    /// Parses `word<TAB>lower_cluster<TAB>cased_cluster<TAB>cap_share<TAB>
    /// logprob` lines (`#` comments); malformed lines are skipped.
    pub fn parse(text: &str) -> WordStatsTable {
        let mut map = FxHashMap::default();
        for line in text.lines() {
            if line.starts_with('#') {
                continue;
            }
            let mut cols = line.split('\t');
            let (Some(w), Some(lc), Some(cc), Some(share), Some(lp)) = (
                cols.next(),
                cols.next(),
                cols.next(),
                cols.next(),
                cols.next(),
            ) else {
                continue;
            };
            let (Ok(lc), Ok(cc), Ok(share), Ok(lp)) =
                (lc.parse(), cc.parse(), share.parse::<u8>(), lp.parse())
            else {
                continue;
            };
            map.insert(
                hash_word(w),
                WordStats {
                    lower_cluster: lc,
                    cased_cluster: cc,
                    cap_share: share.min(100),
                    log_prob: lp,
                },
            );
        }
        WordStatsTable {
            map,
            hash: xxhash_rust::xxh3::xxh3_64(text.as_bytes()),
        }
    }

    /// Statistics of a word by the [`hash_word`] of its lowercase form.
    #[inline]
    pub fn get(&self, lower_hash: u64) -> Option<WordStats> {
        self.map.get(&lower_hash).copied()
    }

    /// Statistics of a word (any case).
    #[inline]
    pub fn lookup(&self, word: &str) -> Option<WordStats> {
        if word.bytes().any(|b| b.is_ascii_uppercase() || b >= 0x80) {
            self.get(hash_word(&word.to_lowercase()))
        } else {
            self.get(hash_word(word))
        }
    }

    /// Number of words in the table.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// True when the table has no words.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Hash of the table's text (recorded in model headers).
    pub fn content_hash(&self) -> u64 {
        self.hash
    }
}

/// The key of a (lowercase) word in the table: the xxh3-64 of its bytes,
/// the same hash the entity recogniser keeps per token.
#[inline]
pub fn hash_word(lower: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(lower.as_bytes())
}

/// The built-in table.
pub fn builtin() -> &'static WordStatsTable {
    static T: OnceLock<WordStatsTable> = OnceLock::new();
    T.get_or_init(|| WordStatsTable::parse(TABLE))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_skips_bad_lines() {
        let t = WordStatsTable::parse("# c\nparis\t0\t42\t97\t-12\nbad\tx\t1\t2\t3\nshort\t1\n");
        assert_eq!(t.len(), 1);
        let p = t.get(hash_word("paris")).unwrap();
        assert_eq!(p.cap_share, 97);
        assert_eq!(p.cluster(true), 42);
        assert_eq!(p.cluster(false), 42, "falls back to the other form");
        assert!(t.get(hash_word("bad")).is_none());
    }

    #[test]
    fn builtin_table_knows_case_habits() {
        let t = builtin();
        assert!(t.len() > 100_000);
        let share = |w: &str| t.get(hash_word(w)).map(|s| s.cap_share);
        assert!(share("london").unwrap() > 80);
        assert!(share("wednesday").unwrap() > 80);
        assert!(share("the").unwrap() < 20);
        assert!(share("beat").unwrap() < 10);
        // days of the week share a cluster path prefix
        let cl = |w: &str| t.get(hash_word(w)).unwrap().cluster(true) & 0xff;
        assert_eq!(cl("monday"), cl("tuesday"));
    }
}
