//! Do two sentences say the same thing? A logistic model over pair
//! features (IDF-weighted cosine of stemmed content words, overlap, shared
//! names, numbers and event triggers, length ratio, position), and the
//! grouping of a story's statements into facts.
//!
//! The weights were fitted on the odd topics of the ECB+ dev sentence
//! pairs: `parallax-eval align ../shared/data/ecbplus/dev-sentence-pairs.jsonl
//! --topics odd --fit` prints them. IDF is computed within the story (in the
//! evaluation: within the ECB+ sub-topic), so words every article uses weigh
//! little.

use parallax_text::tokens::{tokenize, TokenKind};
use parallax_text::{is_stopword, Stemmer};
use rustc_hash::{FxHashMap, FxHashSet};

/// Number of pair features, bias included.
pub const FEATURES: usize = 16;

/// Feature names, in order.
pub const FEATURE_NAMES: [&str; FEATURES] = [
    "bias",
    "cosine",
    "idf_overlap",
    "jaccard",
    "shared_names",
    "name_ratio",
    "name_diff",
    "shared_number",
    "number_mismatch",
    "shared_trigger",
    "trigger_mismatch",
    "length_ratio",
    "both_lead",
    "early",
    "bigram_overlap",
    "rarest_shared",
];

/// Learned weights: `parallax-eval align
/// ../shared/data/ecbplus/dev-sentence-pairs.jsonl --topics odd --fit`
/// (24,278 odd-topic pairs; 3,000 epochs of batch gradient descent).
pub const WEIGHTS: [f32; FEATURES] = [
    -2.3846, // bias
    1.0793,  // cosine
    0.6131,  // idf_overlap
    1.8955,  // jaccard
    0.2203,  // shared_names
    -0.1430, // name_ratio
    -0.1269, // name_diff
    1.4775,  // shared_number
    -0.0628, // number_mismatch
    0.6996,  // shared_trigger
    0.2869,  // trigger_mismatch
    0.2988,  // length_ratio
    0.3455,  // both_lead
    2.2190,  // early
    -0.1907, // bigram_overlap
    2.1968,  // rarest_shared
];

/// Probability threshold for "same" (best macro-F1 on the odd topics).
pub const THRESHOLD: f32 = 0.46;

/// Words that name events: the predicates sentences about one event share.
const TRIGGERS: &[&str] = &[
    "kill",
    "killed",
    "die",
    "died",
    "dead",
    "death",
    "shoot",
    "shot",
    "shooting",
    "arrest",
    "arrested",
    "detained",
    "charge",
    "charged",
    "earthquake",
    "quake",
    "fire",
    "blaze",
    "explosion",
    "blast",
    "exploded",
    "attack",
    "attacked",
    "strike",
    "struck",
    "bomb",
    "bombing",
    "talks",
    "meeting",
    "met",
    "sign",
    "signed",
    "deal",
    "agreement",
    "acquire",
    "acquired",
    "acquisition",
    "buy",
    "bought",
    "announce",
    "announced",
    "launch",
    "launched",
    "release",
    "released",
    "win",
    "won",
    "beat",
    "defeat",
    "elected",
    "election",
    "resign",
    "resigned",
    "fired",
    "appoint",
    "appointed",
    "named",
    "sentenced",
    "convicted",
    "injured",
    "wounded",
    "evacuated",
    "fled",
    "crash",
    "crashed",
    "collapse",
    "collapsed",
    "rehab",
    "checked",
    "entered",
    "invasion",
    "invaded",
    "ceasefire",
    "cease-fire",
    "hospital",
    "inspection",
    "investigation",
    "investigated",
    "protest",
    "riot",
    "storm",
    "flood",
    "hit",
    "hijack",
    "hijacked",
    "rescue",
    "rescued",
    "murder",
    "murdered",
    "stabbed",
    "suspended",
    "trade",
    "traded",
    "signing",
    "replace",
    "replaced",
    "nominated",
    "landed",
    "sank",
    "sunk",
    "seized",
    "raid",
    "killing",
];

/// The words, names, numbers and triggers of a sentence, interned.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sig {
    /// Stemmed content words with their counts, sorted by id.
    pub terms: Vec<(u32, f32)>,
    /// Stem bigrams (ids packed), sorted.
    pub bigrams: Vec<u64>,
    /// Capitalised words not at the start of the sentence, sorted ids.
    pub names: Vec<u32>,
    /// Numbers (f64 bits), sorted.
    pub numbers: Vec<u64>,
    /// Trigger term ids, sorted.
    pub triggers: Vec<u32>,
    /// Word count.
    pub words: usize,
    /// Sentence position in its article.
    pub position: usize,
}

/// Interns stems and names, and knows the triggers.
#[derive(Default)]
pub struct Vocab {
    map: FxHashMap<String, u32>,
    triggers: FxHashSet<u32>,
    stemmer: Stemmer,
}

impl Vocab {
    /// A vocabulary with the trigger lexicon.
    pub fn new() -> Self {
        let mut v = Vocab::default();
        for t in TRIGGERS {
            let s = v.stem(t);
            let id = v.id(s);
            v.triggers.insert(id);
        }
        v
    }

    /// Stem of a lower-cased word: hyphens dropped ("cease-fire" is
    /// "ceasefire"), Snowball, then "-ment" nouns to their verb
    /// ("agreement" is "agree").
    fn stem(&self, lower: &str) -> String {
        let joined: String = lower.chars().filter(|c| *c != '-').collect();
        let s = self.stemmer.stem(&joined).into_owned();
        match s.strip_suffix("ment") {
            Some(base) if base.len() >= 4 => self.stemmer.stem(base).into_owned(),
            _ => s,
        }
    }

    fn id(&mut self, s: String) -> u32 {
        let n = self.map.len() as u32;
        *self.map.entry(s).or_insert(n)
    }

    /// The id of a word's stem, when the vocabulary has it (nothing is
    /// interned).
    pub fn term(&self, word: &str) -> Option<u32> {
        self.map.get(&self.stem(&word.to_lowercase())).copied()
    }

    /// How many ids exist.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// [`idf_table`] over this vocabulary.
    pub fn idf(&self, doc_terms: &[FxHashSet<u32>]) -> Idf {
        idf_table(doc_terms, self.len())
    }

    /// [`features`] (a method, for callers that cannot name this crate).
    pub fn features(&self, a: &Sig, b: &Sig, idf: &Idf) -> [f32; FEATURES] {
        features(a, b, idf)
    }

    /// [`probability_with`].
    pub fn probability_with(&self, w: &[f32; FEATURES], x: &[f32; FEATURES]) -> f32 {
        probability_with(w, x)
    }

    /// [`fit`].
    pub fn fit(&self, xs: &[[f32; FEATURES]], ys: &[bool], epochs: usize) -> [f32; FEATURES] {
        fit(xs, ys, epochs)
    }

    /// The learned [`WEIGHTS`], [`THRESHOLD`] and [`FEATURE_NAMES`].
    pub fn model(&self) -> ([f32; FEATURES], f32, [&'static str; FEATURES]) {
        (WEIGHTS, THRESHOLD, FEATURE_NAMES)
    }

    /// The signature of one sentence (`position`: its index in the article).
    pub fn sig(&mut self, text: &str, position: usize) -> Sig {
        let toks = tokenize(text);
        let mut terms: Vec<u32> = Vec::new();
        let mut names = Vec::new();
        let mut numbers = Vec::new();
        let mut words = 0;
        let mut first_word = true;
        for t in &toks {
            let w = t.text(text);
            match t.kind {
                TokenKind::Punct => {
                    if matches!(w, "\"" | "“" | "‘" | ":" | "(") {
                        first_word = true;
                    }
                    continue;
                }
                TokenKind::Number => {
                    words += 1;
                    let clean: String = w.chars().filter(|c| *c != ',').collect();
                    if let Ok(v) = clean.parse::<f64>() {
                        numbers.push(v.to_bits());
                    }
                    first_word = false;
                    continue;
                }
                TokenKind::Word => {}
            }
            words += 1;
            let lower = w.to_lowercase();
            let capital = w.chars().next().is_some_and(char::is_uppercase);
            if capital && !first_word && !is_stopword(&lower) {
                let id = self.id(format!("#{lower}"));
                names.push(id);
            }
            first_word = false;
            if is_stopword(&lower) || lower.chars().count() < 2 {
                continue;
            }
            let stem = self.stem(&lower);
            let id = self.id(stem);
            terms.push(id);
        }
        let mut bigrams: Vec<u64> = terms
            .windows(2)
            .map(|w| ((w[0] as u64) << 32) | w[1] as u64)
            .collect();
        bigrams.sort_unstable();
        bigrams.dedup();
        let mut triggers: Vec<u32> = terms
            .iter()
            .copied()
            .filter(|t| self.triggers.contains(t))
            .collect();
        triggers.sort_unstable();
        triggers.dedup();
        terms.sort_unstable();
        let mut counted: Vec<(u32, f32)> = Vec::with_capacity(terms.len());
        for t in terms {
            match counted.last_mut() {
                Some((last, c)) if *last == t => *c += 1.0,
                _ => counted.push((t, 1.0)),
            }
        }
        names.sort_unstable();
        names.dedup();
        numbers.sort_unstable();
        numbers.dedup();
        Sig {
            terms: counted,
            bigrams,
            names,
            numbers,
            triggers,
            words,
            position,
        }
    }
}

/// Inverse document frequencies by term id, with their maximum (computed
/// once: pair features scale by it). Derefs to the weights.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Idf {
    weights: Vec<f32>,
    max: f32,
}

impl Idf {
    /// The table for these weights (by term id).
    pub fn new(weights: Vec<f32>) -> Idf {
        let max = weights.iter().copied().fold(1.0f32, f32::max);
        Idf { weights, max }
    }

    /// The weight of a term (1 for a term outside the table).
    pub fn get(&self, t: u32) -> f32 {
        self.weights.get(t as usize).copied().unwrap_or(1.0)
    }

    /// The largest weight (at least 1).
    pub fn max(&self) -> f32 {
        self.max
    }
}

impl std::ops::Deref for Idf {
    type Target = [f32];
    fn deref(&self) -> &[f32] {
        &self.weights
    }
}

/// Inverse document frequencies by term id, from the documents (articles)
/// each term occurs in: `ln((n + 1) / (df + 1)) + 1`.
pub fn idf_table(doc_terms: &[FxHashSet<u32>], vocab_len: usize) -> Idf {
    let mut df = vec![0u32; vocab_len];
    for d in doc_terms {
        for &t in d {
            df[t as usize] += 1;
        }
    }
    let n = doc_terms.len() as f32;
    Idf::new(
        df.into_iter()
            .map(|d| ((n + 1.0) / (d as f32 + 1.0)).ln() + 1.0)
            .collect(),
    )
}

fn common<T: Ord + Copy>(a: &[T], b: &[T]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// The pair features of two sentences.
pub fn features(a: &Sig, b: &Sig, idf: &Idf) -> [f32; FEATURES] {
    let w = |t: u32| idf.get(t);
    let (mut dot, mut na, mut nb, mut shared_idf, mut sa, mut sb, mut shared, mut rare) =
        (0f32, 0f32, 0f32, 0f32, 0f32, 0f32, 0usize, 0f32);
    for &(t, c) in &a.terms {
        let x = (1.0 + c.ln()) * w(t);
        na += x * x;
        sa += w(t);
    }
    for &(t, c) in &b.terms {
        let x = (1.0 + c.ln()) * w(t);
        nb += x * x;
        sb += w(t);
    }
    let (mut i, mut j) = (0, 0);
    while i < a.terms.len() && j < b.terms.len() {
        let (ta, ca) = a.terms[i];
        let (tb, cb) = b.terms[j];
        match ta.cmp(&tb) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                let wt = w(ta);
                dot += (1.0 + ca.ln()) * (1.0 + cb.ln()) * wt * wt;
                shared_idf += wt;
                shared += 1;
                rare = rare.max(wt);
                i += 1;
                j += 1;
            }
        }
    }
    let cosine = if na > 0.0 && nb > 0.0 {
        dot / (na.sqrt() * nb.sqrt())
    } else {
        0.0
    };
    let idf_overlap = if sa.min(sb) > 0.0 {
        shared_idf / sa.min(sb)
    } else {
        0.0
    };
    let union = a.terms.len() + b.terms.len() - shared;
    let jaccard = if union > 0 {
        shared as f32 / union as f32
    } else {
        0.0
    };
    let sn = common(&a.names, &b.names);
    let name_ratio = sn as f32 / a.names.len().min(b.names.len()).max(1) as f32;
    let name_diff = (a.names.len() + b.names.len() - 2 * sn) as f32
        / (a.names.len() + b.names.len() + 1) as f32;
    let snum = common(&a.numbers, &b.numbers);
    let num_mismatch = (snum == 0 && !a.numbers.is_empty() && !b.numbers.is_empty()) as u8 as f32;
    let strig = common(&a.triggers, &b.triggers);
    let trig_mismatch =
        (strig == 0 && !a.triggers.is_empty() && !b.triggers.is_empty()) as u8 as f32;
    let len_ratio = a.words.min(b.words) as f32 / a.words.max(b.words).max(1) as f32;
    let lead = (a.position == 0 && b.position == 0) as u8 as f32;
    let early = 1.0 / (1.0 + a.position.min(b.position) as f32);
    let sbg = common(&a.bigrams, &b.bigrams);
    let bigram = sbg as f32 / a.bigrams.len().min(b.bigrams.len()).max(1) as f32;
    let max_idf = idf.max();
    [
        1.0,
        cosine,
        idf_overlap,
        jaccard,
        (sn.min(3) as f32) / 3.0,
        name_ratio,
        name_diff,
        (snum > 0) as u8 as f32,
        num_mismatch,
        (strig > 0) as u8 as f32,
        trig_mismatch,
        len_ratio,
        lead,
        early,
        bigram,
        rare / max_idf,
    ]
}

/// The model's probability that two feature vectors' sentences say the same.
pub fn probability_with(weights: &[f32; FEATURES], x: &[f32; FEATURES]) -> f32 {
    let z: f32 = weights.iter().zip(x).map(|(w, x)| w * x).sum();
    1.0 / (1.0 + (-z).exp())
}

/// The learned model's probability that `a` and `b` say the same thing.
pub fn probability(a: &Sig, b: &Sig, idf: &Idf) -> f32 {
    probability_with(&WEIGHTS, &features(a, b, idf))
}

/// Fits logistic-regression weights (batch gradient descent with a small
/// L2 penalty, deterministic).
pub fn fit(xs: &[[f32; FEATURES]], ys: &[bool], epochs: usize) -> [f32; FEATURES] {
    let mut w = [0f32; FEATURES];
    let n = xs.len().max(1) as f32;
    let lr = 1.0f32;
    let l2 = 1e-4f32;
    for _ in 0..epochs {
        let mut g = [0f32; FEATURES];
        for (x, &y) in xs.iter().zip(ys) {
            let p = probability_with(&w, x);
            let e = p - y as u8 as f32;
            for (g, x) in g.iter_mut().zip(x) {
                *g += e * x;
            }
        }
        for (k, (w, g)) in w.iter_mut().zip(g).enumerate() {
            let reg = if k == 0 { 0.0 } else { l2 * *w };
            *w -= lr * (g / n + reg);
        }
    }
    w
}

/// Groups statements into facts: statements of different articles whose
/// probability of saying the same thing is at least `threshold` are merged,
/// strongest pairs first, never putting two statements of one article in
/// one fact. `article[i]` is statement i's article. Returns the groups,
/// each sorted, in order of their first statement.
pub fn group(sigs: &[&Sig], article: &[usize], idf: &Idf, threshold: f32) -> Vec<Vec<usize>> {
    group_by(sigs, article, threshold, &|i, j| {
        probability(sigs[i], sigs[j], idf)
    })
}

/// [`group`] with the pair score given: `score(i, j)` (i < j) is the
/// probability that statements i and j say the same thing (the caller may
/// add claim-level evidence to the lexical model's). Candidate pairs still
/// share a term that is not in most statements.
pub fn group_by(
    sigs: &[&Sig],
    article: &[usize],
    threshold: f32,
    score: &dyn Fn(usize, usize) -> f32,
) -> Vec<Vec<usize>> {
    let n = sigs.len();
    // Candidate pairs share a term that is not in most statements.
    let mut postings: FxHashMap<u32, Vec<usize>> = FxHashMap::default();
    for (i, s) in sigs.iter().enumerate() {
        for &(t, _) in &s.terms {
            postings.entry(t).or_default().push(i);
        }
    }
    let cap = (n / 3).max(8);
    // Every pair's probability is computed once: the candidate scan fills
    // this, and the average-link check reads it.
    let mut memo: FxHashMap<(u32, u32), f32> = FxHashMap::default();
    let mut pairs: Vec<(f32, usize, usize)> = Vec::new();
    for list in postings.values() {
        if list.len() > cap {
            continue;
        }
        for (k, &i) in list.iter().enumerate() {
            for &j in &list[k + 1..] {
                if article[i] == article[j] || memo.contains_key(&(i as u32, j as u32)) {
                    continue;
                }
                let p = score(i, j);
                memo.insert((i as u32, j as u32), p);
                if p >= threshold {
                    pairs.push((p, i, j));
                }
            }
        }
    }
    pairs.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let mut cluster: Vec<usize> = (0..n).collect();
    let mut members: Vec<Vec<usize>> = (0..n).map(|i| vec![i]).collect();
    for (_, i, j) in pairs {
        let (ci, cj) = (cluster[i], cluster[j]);
        if ci == cj {
            continue;
        }
        let clash = members[ci]
            .iter()
            .any(|&x| members[cj].iter().any(|&y| article[x] == article[y]));
        if clash {
            continue;
        }
        // Average link: the merged fact must hold together as a whole, not
        // only through its strongest pair.
        let mut total = 0f32;
        for &x in &members[ci] {
            for &y in &members[cj] {
                let key = (x.min(y) as u32, x.max(y) as u32);
                total += *memo
                    .entry(key)
                    .or_insert_with(|| score(key.0 as usize, key.1 as usize));
            }
        }
        if total / ((members[ci].len() * members[cj].len()) as f32) < threshold {
            continue;
        }
        let moved = std::mem::take(&mut members[cj]);
        for &m in &moved {
            cluster[m] = ci;
        }
        members[ci].extend(moved);
    }
    let mut out: Vec<Vec<usize>> = members.into_iter().filter(|m| !m.is_empty()).collect();
    for m in &mut out {
        m.sort_unstable();
    }
    out.sort_by_key(|m| m[0]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paraphrases_score_higher_than_unrelated() {
        let mut v = Vocab::new();
        let a = v.sig("Talks in Turkey ended with no agreement on a ceasefire.", 0);
        let b = v.sig(
            "Officials failed to agree to a ceasefire at the talks in Turkey.",
            0,
        );
        let c = v.sig("The local council said the city has no drinking water.", 5);
        let docs: Vec<FxHashSet<u32>> = [&a, &b, &c]
            .iter()
            .map(|s| s.terms.iter().map(|t| t.0).collect())
            .collect();
        let idf = idf_table(&docs, v.len());
        assert!(probability(&a, &b, &idf) > probability(&a, &c, &idf));
        let groups = group(&[&a, &b, &c], &[0, 1, 2], &idf, 0.0);
        assert!(groups.iter().all(|g| g.len() <= 3));
    }
}
