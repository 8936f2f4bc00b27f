//! A learned cue detector: how likely a word of a sentence is part of an
//! attribution cue ("said", "has complimented", "disagrees with", "plans").
//!
//! The cue-verb list in `lexicon` covers the frequent cues; PolNeAR
//! annotates a long tail of stance, belief and intention cues that no list
//! holds. This model scores every word the extractor could take as a cue,
//! from the word, its affixes and its neighbours, and the extractor takes
//! words outside the list whose score is high ([`CueModel::accepts`]); the
//! source and content are then found as for a listed verb.
//!
//! An averaged perceptron over hashed features, trained on the PolNeAR
//! training split by `parallax-eval attribution train`; the committed model
//! (`model/cues.bin`, a few hundred kilobytes) is embedded in the binary.

use crate::extract::Doc;
use crate::lexicon::{is_determiner, is_pronoun, verb_class, VerbClass};
use parallax_core::Span;
use parallax_text::calendar::WEEKDAYS;
use std::sync::OnceLock;
use thiserror::Error;

/// Bits of the hashed feature table.
const BITS: u32 = 18;
const MAGIC: &[u8; 8] = b"PXCUES02";

/// A model file that cannot be read.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum CueModelError {
    /// Not a cue model, or of another version.
    #[error("not a cue model (bad magic or version)")]
    Magic,
    /// The file ends early or has the wrong size.
    #[error("cue model truncated: {0} bytes")]
    Size(usize),
}

/// Scores words as attribution cues ([module docs](self)).
#[derive(Debug, Clone, PartialEq)]
pub struct CueModel {
    weights: Vec<f32>,
    bias: f32,
    /// Score above which a word outside the cue-verb list is taken as a cue.
    threshold: f32,
}

impl CueModel {
    /// A model that accepts nothing (no learned cues).
    pub fn empty() -> CueModel {
        CueModel {
            weights: Vec::new(),
            bias: 0.0,
            threshold: f32::INFINITY,
        }
    }

    /// The model committed with the crate; [`CueModel::empty`] if it is
    /// missing or unreadable (the extractor then uses its word lists only).
    pub fn builtin() -> &'static CueModel {
        static MODEL: OnceLock<CueModel> = OnceLock::new();
        MODEL.get_or_init(|| {
            CueModel::from_bytes(include_bytes!("../model/cues.bin"))
                .unwrap_or_else(|_| Self::empty())
        })
    }

    /// Whether the model has weights.
    pub fn is_empty(&self) -> bool {
        self.weights.is_empty()
    }

    /// The same model with another acceptance threshold.
    pub fn with_threshold(mut self, threshold: f32) -> CueModel {
        self.threshold = threshold;
        self
    }

    /// True when token `i` of the sentence `lo..hi` scores above the
    /// threshold (as a cue's first word, see [`can_head`], or as a word
    /// after it).
    pub(crate) fn accepts(&self, doc: &Doc, i: usize, lo: usize, hi: usize) -> bool {
        if self.weights.is_empty() {
            return false;
        }
        let mask = self.weights.len() - 1;
        let mut score = self.bias;
        features(doc, i, lo, hi, |f| score += self.weights[f as usize & mask]);
        score > self.threshold
    }

    /// The model as bytes: magic, threshold, bias, then the weights as
    /// 16-bit integers with one scale.
    pub fn to_bytes(&self) -> Vec<u8> {
        let max = self.weights.iter().fold(0f32, |m, w| m.max(w.abs()));
        let scale = if max > 0.0 { max / 32767.0 } else { 1.0 };
        let mut out = Vec::with_capacity(24 + self.weights.len() * 2);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&(self.weights.len() as u32).to_le_bytes());
        out.extend_from_slice(&self.threshold.to_le_bytes());
        out.extend_from_slice(&self.bias.to_le_bytes());
        out.extend_from_slice(&scale.to_le_bytes());
        for w in &self.weights {
            out.extend_from_slice(&((w / scale).round() as i16).to_le_bytes());
        }
        out
    }

    /// Reads [`CueModel::to_bytes`]'s layout.
    pub fn from_bytes(b: &[u8]) -> Result<CueModel, CueModelError> {
        if b.len() < 24 || &b[..8] != MAGIC {
            return Err(CueModelError::Magic);
        }
        // The word-cluster table the features read is parsed with the
        // model (tens of milliseconds), not inside the first scoring.
        parallax_text::wordstats::builtin();
        let u32_at = |k: usize| u32::from_le_bytes([b[k], b[k + 1], b[k + 2], b[k + 3]]);
        let f32_at = |k: usize| f32::from_bits(u32_at(k));
        let n = u32_at(8) as usize;
        if !n.is_power_of_two() || b.len() != 24 + 2 * n {
            return Err(CueModelError::Size(b.len()));
        }
        let (threshold, bias, scale) = (f32_at(12), f32_at(16), f32_at(20));
        let weights = b[24..]
            .chunks_exact(2)
            .map(|c| i16::from_le_bytes([c[0], c[1]]) as f32 * scale)
            .collect();
        Ok(CueModel {
            weights,
            bias,
            threshold,
        })
    }
}

/// A word the extractor may take as a cue: not punctuation, not quoted,
/// not capitalised (names and sentence-initial words are left to the
/// patterns).
pub(crate) fn is_candidate(doc: &Doc, i: usize) -> bool {
    !doc.is_punct(i) && doc.quote_of[i].is_none() && !doc.is_cap(i)
}

/// Words that may continue a learned cue ("called for", "is expected to")
/// but never start one: prepositions, auxiliaries, adverbs, conjunctions,
/// pronouns, determiners and numbers; and "according", whose pattern
/// ("according to X") the extractor has.
pub(crate) fn can_head(doc: &Doc, i: usize) -> bool {
    let w = doc.w(i);
    !(w.ends_with("ly")
        || w.len() < 3
        || w.bytes().any(|b| b.is_ascii_digit())
        || is_pronoun(w)
        || is_determiner(w)
        || FUNCTION_WORDS.binary_search(&w).is_ok()
        || WEEKDAYS.contains(&w))
}

/// The closed-class words of [`can_head`], sorted.
const FUNCTION_WORDS: &[&str] = &[
    "about",
    "above",
    "according",
    "across",
    "after",
    "again",
    "against",
    "ago",
    "all",
    "almost",
    "along",
    "already",
    "also",
    "although",
    "among",
    "and",
    "another",
    "any",
    "are",
    "around",
    "because",
    "been",
    "before",
    "behind",
    "being",
    "below",
    "between",
    "beyond",
    "both",
    "but",
    "can",
    "cannot",
    "could",
    "despite",
    "did",
    "does",
    "doing",
    "down",
    "during",
    "each",
    "earlier",
    "either",
    "else",
    "enough",
    "even",
    "ever",
    "every",
    "few",
    "for",
    "from",
    "had",
    "has",
    "have",
    "having",
    "here",
    "how",
    "into",
    "its",
    "just",
    "later",
    "less",
    "many",
    "may",
    "might",
    "more",
    "most",
    "much",
    "must",
    "near",
    "neither",
    "never",
    "next",
    "nor",
    "not",
    "now",
    "off",
    "once",
    "one",
    "only",
    "onto",
    "other",
    "out",
    "over",
    "own",
    "per",
    "perhaps",
    "quite",
    "rather",
    "same",
    "shall",
    "should",
    "since",
    "some",
    "soon",
    "still",
    "such",
    "than",
    "then",
    "there",
    "these",
    "those",
    "though",
    "through",
    "thus",
    "today",
    "tonight",
    "too",
    "toward",
    "towards",
    "under",
    "until",
    "upon",
    "very",
    "was",
    "were",
    "what",
    "when",
    "where",
    "whether",
    "which",
    "while",
    "who",
    "whom",
    "whose",
    "why",
    "will",
    "with",
    "within",
    "without",
    "would",
    "yesterday",
    "yet",
];

fn hash(template: u8, parts: &[&str]) -> u32 {
    // FNV-1a over the template id and the parts, separated.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ template as u64;
    h = h.wrapping_mul(0x0000_0100_0000_01b3);
    for p in parts {
        for &b in p.as_bytes() {
            h ^= b as u64;
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        h ^= 0xff;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    (h ^ (h >> 29)) as u32
}

/// A coarse word class of token `j` for context features.
fn shape(doc: &Doc, j: usize) -> &'static str {
    if doc.quote_of[j].is_some() {
        return "Q";
    }
    let w = doc.w(j);
    if doc.is_punct(j) {
        return match doc.t(j) {
            "," => ",",
            ":" => ":",
            "." | "!" | "?" => ".",
            "—" | "–" | "-" | "--" | "―" => "-",
            "(" | ")" => "(",
            _ => "p",
        };
    }
    if is_pronoun(w) {
        return "PRO";
    }
    if is_determiner(w) {
        return "DET";
    }
    if doc.is_cap(j) {
        return "CAP";
    }
    if w.bytes().any(|b| b.is_ascii_digit()) {
        return "NUM";
    }
    match verb_class(w) {
        Some(VerbClass::Speech) => "VS",
        Some(VerbClass::Tell) => "VT",
        Some(VerbClass::Belief) => "VB",
        Some(VerbClass::Finding) => "VF",
        Some(VerbClass::Naming) => "VN",
        None => "w",
    }
}

/// `n` in decimal, written into `buf` (no allocation).
fn decimal(mut n: u32, buf: &mut [u8; 10]) -> &str {
    let mut k = buf.len();
    loop {
        k -= 1;
        buf[k] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    std::str::from_utf8(&buf[k..]).unwrap_or("")
}

fn suffix(w: &str, n: usize) -> &str {
    let mut k = w.len().saturating_sub(n);
    while !w.is_char_boundary(k) {
        k -= 1;
    }
    &w[k..]
}

/// The hashed features of token `i` in the sentence `lo..hi`, each given
/// to `emit` (no allocation: this runs for every word the extractor
/// considers).
pub(crate) fn features(doc: &Doc, i: usize, lo: usize, hi: usize, mut emit: impl FnMut(u32)) {
    let w = doc.w(i);
    let at = |j: isize| -> Option<usize> {
        let k = i as isize + j;
        (k >= lo as isize && k < hi as isize).then_some(k as usize)
    };
    let word = |j: isize| at(j).map_or("<s>", |k| doc.w(k));
    let shp = |j: isize| at(j).map_or("<s>", |k| shape(doc, k));
    emit(hash(0, &[]));
    emit(hash(1, &[w]));
    emit(hash(2, &[suffix(w, 2)]));
    emit(hash(3, &[suffix(w, 3)]));
    emit(hash(4, &[shape(doc, i)]));
    emit(hash(5, &[word(-1)]));
    emit(hash(6, &[word(1)]));
    emit(hash(7, &[word(-2)]));
    emit(hash(8, &[word(2)]));
    emit(hash(9, &[word(-1), w]));
    emit(hash(10, &[w, word(1)]));
    emit(hash(11, &[shp(-1)]));
    emit(hash(12, &[shp(1)]));
    emit(hash(13, &[shp(-2), shp(-1)]));
    emit(hash(14, &[shp(1), shp(2)]));
    emit(hash(15, &[shp(-1), shp(1)]));
    emit(hash(16, &[suffix(w, 3), shp(1)]));
    emit(hash(17, &[suffix(w, 3), shp(-1)]));
    emit(hash(18, &[w, shp(1)]));
    emit(hash(19, &[w, shp(-1)]));
    emit(hash(20, &[suffix(w, 2), word(1)]));
    // Position in the sentence.
    let from_start = match i - lo {
        0 => "0",
        1 => "1",
        2..=3 => "2",
        4..=7 => "4",
        8..=15 => "8",
        _ => "16",
    };
    let to_end = match hi - 1 - i {
        0..=1 => "1",
        2..=3 => "2",
        4..=7 => "4",
        8..=15 => "8",
        _ => "16",
    };
    emit(hash(21, &[from_start]));
    emit(hash(22, &[to_end]));
    emit(hash(23, &[w, to_end]));
    // The sentence around: quotes, a listed cue verb, "that" after.
    let has_quote = doc.quoted_in(lo, hi) > 0;
    let listed = doc.listed_in(lo, hi) > usize::from(verb_class(w).is_some());
    let that_after = (i + 1..hi.min(i + 6)).any(|k| doc.w(k) == "that");
    let to_after = (i + 1..hi.min(i + 3)).any(|k| doc.w(k) == "to");
    let flags = [
        if has_quote { "q" } else { "-" },
        if listed { "l" } else { "-" },
        if that_after { "t" } else { "-" },
        if to_after { "o" } else { "-" },
    ];
    emit(hash(24, &flags));
    emit(hash(25, &[w, flags[0]]));
    emit(hash(26, &[w, flags[2]]));
    emit(hash(27, &[suffix(w, 3), flags[1]]));
    // The nearest word to the left that is no auxiliary or adverb.
    let mut k = i;
    while k > lo
        && matches!(
            doc.w(k - 1),
            "has"
                | "have"
                | "had"
                | "also"
                | "not"
                | "will"
                | "would"
                | "did"
                | "does"
                | "is"
                | "was"
                | "are"
                | "were"
        )
    {
        k -= 1;
    }
    emit(hash(28, &[if k > lo { shape(doc, k - 1) } else { "<s>" }]));
    emit(hash(
        29,
        &[w, if k > lo { shape(doc, k - 1) } else { "<s>" }],
    ));
    // The word's Brown cluster (6-, 10- and 20-bit path prefixes): verbs
    // of saying, believing and criticising share paths, so a cue word
    // never seen in training still scores like its kin.
    let cluster = parallax_text::wordstats::builtin()
        .lookup(w)
        .map_or(0, |s| s.cluster(false));
    if cluster != 0 {
        let mut buf = [0u8; 10];
        for (template, bits) in [(30u8, 6u32), (31, 10), (32, 20)] {
            emit(hash(
                template,
                &[decimal(cluster & ((1 << bits) - 1), &mut buf)],
            ));
        }
    }
}

/// Gold cue tokens of one text: each candidate token's features and
/// whether it lies in a gold cue span.
fn examples(text: &str, cues: &[Span], out: &mut Vec<(Vec<u32>, bool)>) {
    let doc = Doc::new(text);
    for &(lo, hi) in &doc.sents {
        for i in lo..hi {
            if !is_candidate(&doc, i) {
                continue;
            }
            let s = doc.toks[i].span;
            let gold = cues.iter().any(|c| c.start <= s.start && s.end <= c.end);
            let mut f = Vec::with_capacity(32);
            features(&doc, i, lo, hi, |h| f.push(h));
            out.push((f, gold));
        }
    }
}

/// Training settings for [`train`].
#[derive(Debug, Clone, Copy)]
pub struct TrainOptions {
    /// Passes over the data.
    pub epochs: usize,
    /// Shuffling seed.
    pub seed: u64,
    /// The acceptance threshold written into the model.
    pub threshold: f32,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            epochs: 10,
            seed: 1,
            threshold: 0.0,
        }
    }
}

/// Trains a cue model on texts with their gold cue spans (byte spans).
pub fn train(texts: &[(&str, Vec<Span>)], opts: &TrainOptions) -> CueModel {
    let mut data = Vec::new();
    for (text, cues) in texts {
        examples(text, cues, &mut data);
    }
    let n = 1usize << BITS;
    let mask = n - 1;
    let mut w = vec![0f32; n];
    let mut total = vec![0f32; n];
    let mut stamp = vec![0u64; n];
    let (mut bias, mut bias_total, mut bias_stamp) = (0f32, 0f32, 0u64);
    let mut order: Vec<usize> = (0..data.len()).collect();
    let mut rng = opts.seed.max(1);
    let mut t: u64 = 0;
    for _ in 0..opts.epochs {
        // Fisher-Yates with xorshift.
        for k in (1..order.len()).rev() {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            order.swap(k, (rng % (k as u64 + 1)) as usize);
        }
        for &e in &order {
            t += 1;
            let (feats, gold) = &data[e];
            let s = bias + feats.iter().map(|&f| w[f as usize & mask]).sum::<f32>();
            let pred = s > 0.0;
            if pred != *gold {
                let y = if *gold { 1.0 } else { -1.0 };
                for &f in feats {
                    let f = f as usize & mask;
                    total[f] += (t - stamp[f]) as f32 * w[f];
                    stamp[f] = t;
                    w[f] += y;
                }
                bias_total += (t - bias_stamp) as f32 * bias;
                bias_stamp = t;
                bias += y;
            }
        }
    }
    let t = t.max(1);
    let weights = (0..n)
        .map(|f| (total[f] + (t - stamp[f]) as f32 * w[f]) / t as f32)
        .collect();
    let bias = (bias_total + (t - bias_stamp) as f32 * bias) / t as f32;
    CueModel {
        weights,
        bias,
        threshold: opts.threshold,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans_of(text: &str, words: &[&str]) -> Vec<Span> {
        words
            .iter()
            .flat_map(|w| {
                text.match_indices(w)
                    .map(|(a, m)| Span::new(a, a + m.len()))
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    #[test]
    fn decimal_writes_digits() {
        let mut buf = [0u8; 10];
        assert_eq!(decimal(0, &mut buf), "0");
        assert_eq!(decimal(1446, &mut buf), "1446");
        assert_eq!(decimal(u32::MAX, &mut buf), "4294967295");
    }

    #[test]
    fn learns_a_cue_outside_the_list_and_round_trips() {
        let mut texts = Vec::new();
        let mut owned = Vec::new();
        for name in ["Tarvo", "Mirel", "Oskan", "Delia", "Brun", "Kessa"] {
            owned.push(format!(
                "The mayor {name} lambasted the plan on Monday. The river rose in {name} town. Officials lambasted the council over the bridge."
            ));
        }
        for t in &owned {
            texts.push((t.as_str(), spans_of(t, &["lambasted"])));
        }
        let model = train(&texts, &TrainOptions::default());
        let text = "The governor lambasted the budget. The budget rose.";
        let doc = Doc::new(text);
        let (lo, hi) = doc.sents[0];
        let cue = (lo..hi).find(|&i| doc.w(i) == "lambasted").unwrap();
        let other = (lo..hi).find(|&i| doc.w(i) == "budget").unwrap();
        assert!(model.accepts(&doc, cue, lo, hi));
        assert!(!model.accepts(&doc, other, lo, hi));
        let back = CueModel::from_bytes(&model.to_bytes()).unwrap();
        assert!(back.accepts(&doc, cue, lo, hi));
        assert_eq!(CueModel::from_bytes(b"nonsense"), Err(CueModelError::Magic));
        let mut cut = model.to_bytes();
        cut.truncate(100);
        assert!(matches!(
            CueModel::from_bytes(&cut),
            Err(CueModelError::Size(_))
        ));
        assert!(!CueModel::empty().accepts(&doc, cue, lo, hi));
        assert!(FUNCTION_WORDS.windows(2).all(|w| w[0] < w[1]));
        assert!(can_head(&doc, cue) && !can_head(&doc, lo));
    }
}
