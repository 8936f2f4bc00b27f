//! Word clusters from a pretrained model's input embeddings.
//!
//! `data/embedding_clusters.tsv` (`scripts/build_embedding_clusters.py`)
//! assigns each whole-word entry of the all-MiniLM-L6-v2 vocabulary two
//! k-means cluster ids (64 and 512 clusters over the unit-normalised input
//! embeddings). The model saw far more text than our unlabelled corpus, so
//! these clusters cover rare words (surnames, small towns, companies) that
//! [`crate::clusters`] never saw. Only the table is used at run time.

use crate::hash::hash_str;
use rustc_hash::FxHashMap;
use std::sync::OnceLock;

const TABLE: &str = include_str!("../data/embedding_clusters.tsv");

/// Cluster id meaning "not in the table".
pub const NONE: u16 = u16::MAX;

/// Lowercase-word hash -> (coarse, fine) cluster ids.
#[derive(Debug, Default)]
pub struct EmbeddingClusters {
    map: FxHashMap<u64, [u16; 2]>,
    hash: u64,
}

impl EmbeddingClusters {
    /// Parses `word<TAB>coarse<TAB>fine` lines (`#` comments).
    pub fn parse(text: &str) -> EmbeddingClusters {
        let mut map = FxHashMap::default();
        for line in text.lines() {
            if line.starts_with('#') {
                continue;
            }
            let mut cols = line.split('\t');
            let Some(w) = cols.next() else { continue };
            let mut ids = [NONE; 2];
            let mut ok = true;
            for id in ids.iter_mut() {
                match cols.next().map(|c| c.trim().parse::<u16>()) {
                    Some(Ok(c)) => *id = c,
                    _ => ok = false,
                }
            }
            if ok {
                map.insert(hash_str(w), ids);
            }
        }
        EmbeddingClusters {
            map,
            hash: xxhash_rust::xxh3::xxh3_64(text.as_bytes()),
        }
    }

    /// Cluster ids of a word by the hash of its lowercase form.
    #[inline]
    pub fn get(&self, lower_hash: u64) -> [u16; 2] {
        self.map.get(&lower_hash).copied().unwrap_or([NONE, NONE])
    }

    /// Hash of the table's text (recorded in model headers).
    pub fn content_hash(&self) -> u64 {
        self.hash
    }
}

/// The built-in table.
pub fn builtin() -> &'static EmbeddingClusters {
    static T: OnceLock<EmbeddingClusters> = OnceLock::new();
    T.get_or_init(|| EmbeddingClusters::parse(TABLE))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_looks_up() {
        let t = EmbeddingClusters::parse("# c\nparis\t3\t40\nbad\tx\t1\n");
        assert_eq!(t.get(hash_str("paris")), [3, 40]);
        assert_eq!(t.get(hash_str("bad")), [NONE, NONE]);
        assert_eq!(t.get(hash_str("nowhere")), [NONE, NONE]);
    }

    #[test]
    fn builtin_table_has_common_words() {
        let t = builtin();
        assert_ne!(t.get(hash_str("london")), [NONE, NONE]);
        // words of one kind share clusters
        assert_eq!(t.get(hash_str("monday")), t.get(hash_str("tuesday")));
        assert_eq!(t.get(hash_str("john")), t.get(hash_str("james")));
        assert_eq!(t.get(hash_str("france"))[0], t.get(hash_str("germany"))[0]);
        assert_ne!(t.get(hash_str("france"))[0], t.get(hash_str("monday"))[0]);
    }
}
