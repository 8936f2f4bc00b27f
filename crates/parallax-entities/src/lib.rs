//! Named-entity recognition for Parallax.
//!
//! * [`Recogniser`]: a fast linear-chain tagger (structured averaged
//!   perceptron over hashed features, Viterbi decoding over BIOES tags under
//!   hard transition constraints) trained in Rust on CoNLL-2003.
//!   Features: word, lowercase, shapes, prefixes/suffixes 1-4, a ±2 word
//!   window with bigrams, capitalisation in context (sentence start,
//!   all-caps headlines, whether the word appears lowercase or capitalised
//!   elsewhere in the document), three levels of distributional word
//!   clusters built offline from unlabelled news text ([`clusters`]),
//!   clusters of a pretrained model's input embeddings ([`embclusters`]),
//!   a word's corpus-wide capitalisation share, frequency and Brown
//!   cluster (`parallax_text::wordstats`),
//!   gazetteer matches ([`gazetteer`]), a lexicon of training-data entity
//!   strings (jackknifed), and a second pass that sees the first pass's
//!   labels of the same words elsewhere in the document ("two-stage"
//!   document consistency; first-pass tags for training come from 5-fold
//!   jackknifing). Weights are pruned and quantised to i16, held in an
//!   open-addressing table with software prefetch.
//! * [`Recogniser::builtin`] is the committed model `model/ner.bin`,
//!   embedded with `include_bytes!` and parsed once. Its header records the
//!   xxh3-64 of the training data ([`ModelInfo::train_hash`]).
//! * [`train()`]: reproducible training with a fixed seed (equal inputs give
//!   byte-identical models).
//! * [`conll`]: the CoNLL column layout; [`metrics`]: conlleval-exact scores.
//! * [`gazetteer`]: countries, cities, demonyms, organisations, outlets.
//! * [`resolve`]: grouping mentions into entities within and across articles.
//! * [`tokens`]: a small tokeniser giving byte spans for [`Recogniser::mentions`].
//!
//! The library does no file I/O; the `train` and `eval` examples do:
//!
//! ```text
//! # from /work/main (data at ../shared/data)
//! cargo run --release -p parallax-entities --example train      # writes model/ner.bin
//! cargo run --release -p parallax-entities --example eval -- ../shared/data/conll2003/dev.txt
//! ```

#![warn(missing_docs)]

pub mod clusters;
pub mod conll;
pub mod embclusters;
mod features;
pub mod gazetteer;
mod hash;
mod lexicon;
pub mod metrics;
mod model;
pub mod resolve;
pub mod tokens;
mod train;

pub use model::{ModelInfo, Recogniser};
pub use parallax_core::{EntityKind, Span};
pub use train::{train, train_with_clusters, train_with_unlabelled, TrainOptions};

/// The four CoNLL-2003 entity labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Label {
    /// A person (`PER`).
    Per = 0,
    /// An organisation (`ORG`).
    Org = 1,
    /// A location (`LOC`).
    Loc = 2,
    /// Other names: nationalities, events, works (`MISC`).
    Misc = 3,
}

impl Label {
    /// All labels in tag-id order.
    pub const ALL: [Label; 4] = [Label::Per, Label::Org, Label::Loc, Label::Misc];

    /// The CoNLL type string (`"PER"`, `"ORG"`, `"LOC"`, `"MISC"`).
    pub fn as_type(self) -> &'static str {
        match self {
            Label::Per => "PER",
            Label::Org => "ORG",
            Label::Loc => "LOC",
            Label::Misc => "MISC",
        }
    }

    /// Parses a CoNLL type string.
    pub fn from_type(s: &str) -> Option<Label> {
        Some(match s {
            "PER" => Label::Per,
            "ORG" => Label::Org,
            "LOC" => Label::Loc,
            "MISC" => Label::Misc,
            _ => return None,
        })
    }

    /// The matching [`EntityKind`].
    pub fn kind(self) -> EntityKind {
        match self {
            Label::Per => EntityKind::Person,
            Label::Org => EntityKind::Organisation,
            Label::Loc => EntityKind::Location,
            Label::Misc => EntityKind::Misc,
        }
    }
}

impl From<Label> for EntityKind {
    fn from(l: Label) -> EntityKind {
        l.kind()
    }
}

/// Errors from loading a model.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Error {
    /// The bytes do not start with the model magic number.
    #[error("not a parallax-entities model (bad magic)")]
    BadMagic,
    /// The bytes end before the model does.
    #[error("model data is truncated")]
    Truncated,
    /// The checksum does not match.
    #[error("model checksum mismatch")]
    Checksum,
    /// The model was trained with another feature-set version.
    #[error("model feature version {0} is not supported")]
    Version(u32),
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "Foreign Minister Sergey Lavrov held talks with Dmytro Kuleba in Antalya, Turkey, on Thursday, Reuters reported. \
The Red Cross said it had sent more staff to Mariupol. \
According to The New York Times, Vladimir Putin and Volodymyr Zelenskiy have not met. \
Kremlin spokesman Dmitry Peskov declined to comment.";

    fn found(text: &str) -> Vec<(String, Label)> {
        let sents = tokens::tokenise(text);
        Recogniser::builtin()
            .mentions(text, &sents)
            .into_iter()
            .map(|(sp, l)| (text[sp.range()].to_string(), l))
            .collect()
    }

    #[test]
    fn builtin_finds_the_right_types() {
        let got = found(TEXT);
        let want = [
            ("Sergey Lavrov", Label::Per),
            ("Dmytro Kuleba", Label::Per),
            ("Antalya", Label::Loc),
            ("Turkey", Label::Loc),
            ("Reuters", Label::Org),
            ("Red Cross", Label::Org),
            ("Mariupol", Label::Loc),
            ("New York Times", Label::Org),
            ("Vladimir Putin", Label::Per),
            ("Volodymyr Zelenskiy", Label::Per),
            ("Dmitry Peskov", Label::Per),
        ];
        for (name, label) in want {
            assert!(
                got.iter()
                    .any(|(n, l)| n.trim_start_matches("The ") == name && *l == label),
                "missing {name} as {label:?}; got {got:?}"
            );
        }
    }

    #[test]
    fn builtin_header_and_round_trip() {
        let m = Recogniser::builtin();
        assert!(m.num_features() > 1000);
        assert!(m.is_two_stage());
        assert_ne!(m.info().train_hash, 0);
        let bytes = m.to_bytes();
        let again = Recogniser::from_bytes(&bytes).unwrap();
        assert_eq!(again.to_bytes(), bytes);
        let sent = vec![vec!["Lavrov", "visited", "Paris", "."]];
        assert_eq!(again.tag_document(&sent), m.tag_document(&sent));
        assert_eq!(m.tag_document(&sent)[0][2], "B-LOC");
        let empty: Vec<Vec<&str>> = vec![vec![], vec!["."]];
        assert_eq!(m.tag_document(&empty), vec![vec![], vec!["O".to_string()]]);
        assert!(m.mentions("", &[]).is_empty());
    }

    #[test]
    fn builtin_matches_the_compiled_gazetteers() {
        // Retrain (`parallax-eval ner train`) after changing data/*.tsv.
        assert_eq!(
            Recogniser::builtin().info().gazetteer_hash,
            features::data_hash()
        );
    }

    #[test]
    fn corrupt_models_are_rejected() {
        let mut bytes = Recogniser::builtin().to_bytes();
        assert_eq!(
            Recogniser::from_bytes(b"nope").unwrap_err(),
            Error::BadMagic
        );
        let n = bytes.len();
        bytes[n / 2] ^= 0xff;
        assert_eq!(Recogniser::from_bytes(&bytes).unwrap_err(), Error::Checksum);
        assert!(Recogniser::from_bytes(&bytes[..n / 3]).is_err());
    }

    #[test]
    fn training_is_reproducible() {
        let text = "Anna B-PER\nKovac I-PER\nvisited O\nOslo B-LOC\n. O\n\n\
Acme B-ORG\nCorp I-ORG\nhired O\nBo B-PER\n. O\n\n\
The O\nNorwegian B-MISC\nteam O\nwon O\nin O\nBergen B-LOC\n. O\n\n";
        let train: Vec<conll::Sentence> = conll::parse(text);
        let opts = TrainOptions {
            epochs: 3,
            clusters: clusters::ClusterOptions {
                ks: [2, 3, 4],
                min_count: 1,
                ..Default::default()
            },
            ..Default::default()
        };
        let a = train_fn(&train, &opts);
        let b = train_fn(&train, &opts);
        assert_eq!(a.to_bytes(), b.to_bytes());
        assert_eq!(
            a.info().train_hash,
            xxhash_rust::xxh3::xxh3_64(text.as_bytes())
        );
        let c = Recogniser::from_bytes(&a.to_bytes()).unwrap();
        let sent = vec![vec!["Anna", "Kovac", "visited", "Oslo", "."]];
        assert_eq!(c.tag_document(&sent), a.tag_document(&sent));
        assert_eq!(
            a.tag_document(&sent)[0],
            vec!["B-PER", "I-PER", "O", "B-LOC", "O"]
        );
    }

    fn train_fn(s: &[conll::Sentence], o: &TrainOptions) -> Recogniser {
        train(s, o)
    }

    #[test]
    fn lavrov_variants_resolve_across_documents() {
        let d1 = "Russian Foreign Minister Sergey Lavrov arrived in Geneva on Monday. Lavrov said talks would last two days.";
        let d2 = "Sergei Lavrov, the Russian foreign minister, left Geneva on Tuesday.";
        let r: Vec<resolve::ArticleResolution> = [d1, d2]
            .iter()
            .map(|d| {
                let ms = Recogniser::builtin().mentions(d, &tokens::tokenise(d));
                resolve::resolve_article(d, &ms)
            })
            .collect();
        let lav = r[0]
            .entities
            .iter()
            .find(|e| e.name == "Sergey Lavrov")
            .expect("Sergey Lavrov entity");
        assert_eq!(lav.mentions.len(), 2);
        assert!(lav.roles.iter().any(|x| x == "Russian Foreign Minister"));
        let x = resolve::resolve_across(&r);
        let e: Vec<_> = x
            .entities
            .iter()
            .filter(|e| e.variants.iter().any(|v| v.contains("Lavrov")))
            .collect();
        assert_eq!(e.len(), 1, "{:?}", x.entities);
        assert!(e[0].variants.contains(&"Sergey Lavrov".to_string()));
        assert!(e[0].variants.contains(&"Sergei Lavrov".to_string()));
        assert_eq!(e[0].label, Label::Per);
    }

    #[test]
    fn labels_map_to_kinds() {
        assert_eq!(EntityKind::from(Label::Per), EntityKind::Person);
        assert_eq!(Label::from_type("MISC"), Some(Label::Misc));
        assert_eq!(Label::Org.as_type(), "ORG");
    }
}
