//! Feature extraction: every feature is a 64-bit hash built incrementally
//! from a template id and precomputed per-token hashes, so no strings are
//! allocated per feature.

use crate::clusters::ClusterTable;
use crate::gazetteer::Gazetteer;
use crate::hash::{hash_lower, hash_str, mix};
use crate::lexicon::Lexicon;
use rustc_hash::FxHashMap;

/// Feature-set version recorded in model headers; bump when features change.
pub const FEATURE_VERSION: u32 = 12;

const NO_CLUSTER: u16 = u16::MAX;

/// Hash of the compiled data the features read: the gazetteers (with the
/// person names), the embedding clusters and the word statistics. Recorded
/// in model headers, so a model trained on other lists is detected.
pub fn data_hash() -> u64 {
    mix(
        mix(
            crate::gazetteer::builtin().content_hash(),
            crate::embclusters::builtin().content_hash(),
        ),
        parallax_text::wordstats::builtin().content_hash(),
    )
}

/// Per-token precomputed values.
#[derive(Debug, Clone, Default)]
struct Tok {
    lower: u64,
    exact: u64,
    shape: u64,
    long_shape: u64,
    pre: [u64; 4],
    suf: [u64; 4],
    init_cap: bool,
    all_caps: bool,
    has_alpha: bool,
    clusters: [u16; 3],
    /// 0 when the word is in the cluster table, `u16::MAX` otherwise.
    known: u16,
    gaz: u32,
    /// Person-name list bits (given name, surname).
    names: u8,
    /// Embedding clusters (coarse, fine).
    emb: [u16; 2],
    /// Share of capitalised occurrences in a large corpus, in tenths (11:
    /// 99% or more; [`NO_STATS`]: not in the word-statistics table).
    cap_bin: u8,
    /// Minus the word's log probability (0: not in the table).
    rarity: u8,
    /// Brown cluster of the form matching the token's case (0: none).
    brown: u32,
}

/// `cap_bin` of a word missing from the word-statistics table.
const NO_STATS: u8 = 12;

/// Document-level facts about token strings: bit 0 = seen all-lowercase,
/// bit 1 = seen capitalised in the middle of a mixed-case sentence.
///
/// After a first tagging pass, `labels` also counts, per capitalised token
/// string, how often the first pass labelled it O / PER / ORG / LOC / MISC
/// (the "two-stage" document-consistency features).
#[derive(Debug, Default, Clone)]
pub struct DocInfo {
    seen: FxHashMap<u64, u8>,
    labels: FxHashMap<u64, [u16; 5]>,
}

/// Label class (0 = O, 1 + label) of a BIOES tag id.
#[inline]
fn class_of(tag: u8) -> usize {
    if tag == 0 {
        0
    } else {
        1 + (tag as usize - 1) / 4
    }
}

fn is_cap_token(t: &str) -> bool {
    t.chars().next().is_some_and(char::is_uppercase)
}

fn is_caps_sentence(tokens: &[&str]) -> bool {
    let mut alpha = 0;
    let mut caps = 0;
    for t in tokens {
        if t.chars().any(char::is_alphabetic) {
            alpha += 1;
            if !t.chars().any(char::is_lowercase) {
                caps += 1;
            }
        }
    }
    alpha >= 2 && caps * 10 >= alpha * 8
}

impl DocInfo {
    /// Collects document facts from all sentences of a document.
    pub fn new(sentences: &[Vec<&str>]) -> DocInfo {
        let mut seen: FxHashMap<u64, u8> = FxHashMap::default();
        for s in sentences {
            let caps = is_caps_sentence(s);
            for (i, t) in s.iter().enumerate() {
                let first = t.chars().next();
                let Some(first) = first else { continue };
                if !first.is_alphabetic() {
                    continue;
                }
                if t.chars().all(|c| !c.is_uppercase()) {
                    *seen.entry(hash_str(t)).or_default() |= 1;
                } else if first.is_uppercase() && i > 0 && !caps {
                    *seen.entry(hash_lower(t)).or_default() |= 2;
                }
            }
        }
        DocInfo {
            seen,
            labels: FxHashMap::default(),
        }
    }

    /// Records first-pass tags (BIOES ids, one vector per sentence) for the
    /// second pass.
    pub fn add_labels(&mut self, sentences: &[Vec<&str>], tags: &[Vec<u8>]) {
        for (s, t) in sentences.iter().zip(tags) {
            for (w, &tag) in s.iter().zip(t) {
                if is_cap_token(w) {
                    let c = self.labels.entry(hash_lower(w)).or_default();
                    c[class_of(tag)] = c[class_of(tag)].saturating_add(1);
                }
            }
        }
    }
}

/// Stands for the positions before a sentence in neighbour features.
const BOS: u64 = 0xB05;
/// Stands for the positions after a sentence.
const EOS: u64 = 0xE05;

/// A value of token `j` of a sentence (`get`), or BOS/EOS when `j` is
/// before or after it.
#[inline]
fn tok_at(toks: &[Tok], j: isize, get: impl Fn(&Tok) -> u64) -> u64 {
    if j < 0 {
        BOS
    } else {
        toks.get(j as usize).map_or(EOS, get)
    }
}

fn shape_hashes(w: &str) -> (u64, u64) {
    let mut short = 0x51u64;
    let mut long = 0x77u64;
    let mut last = '\0';
    for (n, c) in w.chars().enumerate() {
        let m = if c.is_uppercase() {
            'X'
        } else if c.is_lowercase() {
            'x'
        } else if c.is_ascii_digit() {
            'd'
        } else if c.is_alphabetic() {
            'a'
        } else {
            c
        };
        if n < 8 {
            long = mix(long, m as u64);
        }
        if m != last {
            short = mix(short, m as u64);
            last = m;
        }
    }
    (short, long)
}

/// Template ids.
mod t {
    pub const BIAS: u64 = 1;
    pub const LOWER: u64 = 2;
    pub const EXACT: u64 = 3;
    pub const SHAPE: u64 = 4;
    pub const LSHAPE: u64 = 5;
    pub const PRE: u64 = 6;
    pub const SUF: u64 = 10;
    pub const W: u64 = 20; // +offset (0..5)
    pub const SH: u64 = 30; // +offset
    pub const SH2: u64 = 40;
    pub const BI: u64 = 45;
    pub const CL: u64 = 50; // + level
    pub const CLW: u64 = 60; // + offset*3+level
    pub const GAZ: u64 = 80; // + offset
    pub const FIRST: u64 = 90;
    pub const CAPS_SENT: u64 = 91;
    pub const DOC: u64 = 95;
    pub const FLAGS: u64 = 100;
    pub const PROPER_RUN: u64 = 110;
    pub const S2: u64 = 120;
    pub const LEX: u64 = 150;
    pub const KNOWN: u64 = 170;
    pub const NAMES: u64 = 180;
    pub const EMB: u64 = 190;
    pub const WS: u64 = 220;
}

/// Reusable feature extractor.
pub struct Extractor<'a> {
    clusters: &'a ClusterTable,
    gaz: &'a Gazetteer,
    lex: &'a Lexicon,
    lex_buf: Vec<u32>,
    toks: Vec<Tok>,
    lowers: Vec<u64>,
    gaz_buf: Vec<u32>,
    lower_buf: String,
}

impl<'a> Extractor<'a> {
    /// An extractor over the given cluster table, gazetteer and lexicon.
    pub fn new(clusters: &'a ClusterTable, gaz: &'a Gazetteer, lex: &'a Lexicon) -> Self {
        Extractor {
            clusters,
            gaz,
            lex,
            lex_buf: Vec::new(),
            toks: Vec::new(),
            lowers: Vec::new(),
            gaz_buf: Vec::new(),
            lower_buf: String::new(),
        }
    }

    /// Features of every token of `sent`: appended to `feats`, with
    /// `offsets[i]..offsets[i+1]` the range of token i (offsets gets
    /// `sent.len() + 1` entries, starting with the current `feats.len()`).
    /// `stage1` holds first-pass tags of this sentence for second-pass
    /// features (with `doc` carrying the first-pass document labels).
    pub fn extract(
        &mut self,
        sent: &[&str],
        doc: &DocInfo,
        stage1: Option<&[u8]>,
        feats: &mut Vec<u64>,
        offsets: &mut Vec<u32>,
    ) {
        let n = sent.len();
        self.toks.clear();
        self.lowers.clear();
        let emb_table = crate::embclusters::builtin();
        let stats_table = parallax_text::wordstats::builtin();
        for w in sent {
            self.lower_buf.clear();
            for c in w.chars() {
                self.lower_buf.extend(c.to_lowercase());
            }
            let lower = self.lower_buf.as_str();
            let lh = hash_str(lower);
            let (shape, long_shape) = shape_hashes(w);
            let mut pre = [0u64; 4];
            let mut suf = [0u64; 4];
            let mut ends = lower.char_indices().skip(1).map(|(i, _)| i);
            for (k, st) in lower.char_indices().rev().take(4).enumerate() {
                let end = ends.next().unwrap_or(lower.len());
                pre[k] = hash_str(&lower[..end]);
                suf[k] = hash_str(&lower[st.0..]);
            }
            let first = w.chars().next().unwrap_or(' ');
            let has_alpha = w.chars().any(char::is_alphabetic);
            let cl = self
                .clusters
                .get(lh)
                .unwrap_or([NO_CLUSTER, NO_CLUSTER, NO_CLUSTER, 12]);
            let clusters = [cl[0], cl[1], cl[2]];
            let init_cap = first.is_uppercase();
            let (cap_bin, rarity, brown) = match stats_table.get(lh) {
                Some(s) => (
                    if s.cap_share >= 99 {
                        11
                    } else {
                        s.cap_share / 10
                    },
                    s.log_prob.unsigned_abs(),
                    s.cluster(init_cap),
                ),
                None => (NO_STATS, 0, 0),
            };
            self.lowers.push(lh);
            self.toks.push(Tok {
                lower: lh,
                exact: hash_str(w),
                shape,
                long_shape,
                pre,
                suf,
                init_cap,
                all_caps: has_alpha && !w.chars().any(char::is_lowercase),
                has_alpha,
                clusters,
                known: cl[3],
                gaz: 0,
                names: self.gaz.person_name_bits(lh),
                emb: emb_table.get(lh),
                cap_bin,
                rarity,
                brown,
            });
        }
        self.gaz.match_tokens(&self.lowers, &mut self.gaz_buf);
        self.lex.match_tokens(&self.lowers, &mut self.lex_buf);
        for (t, g) in self.toks.iter_mut().zip(&self.gaz_buf) {
            t.gaz = *g;
        }
        let caps_sent = is_caps_sentence(sent);
        let toks = &self.toks;
        let lower_at = |j: isize| tok_at(toks, j, |t| t.lower);
        let shape_at = |j: isize| tok_at(toks, j, |t| t.shape);
        let cl_at = |j: isize, lvl: usize| tok_at(toks, j, |t| t.clusters[lvl] as u64);
        let emb_at = |j: isize, lvl: usize| tok_at(toks, j, |t| t.emb[lvl] as u64);
        offsets.push(feats.len() as u32);
        for i in 0..n {
            let tk = &self.toks[i];
            let ii = i as isize;
            let f = |a: u64, b: u64| mix(mix(0x9a3, a), b);
            feats.push(f(t::BIAS, 0));
            feats.push(f(t::LOWER, tk.lower));
            feats.push(f(t::EXACT, tk.exact));
            feats.push(f(t::SHAPE, tk.shape));
            feats.push(f(t::LSHAPE, tk.long_shape));
            for k in 0..4 {
                if tk.pre[k] != 0 {
                    feats.push(f(t::PRE + k as u64, tk.pre[k]));
                    feats.push(f(t::SUF + k as u64, tk.suf[k]));
                }
            }
            for (o, d) in [(-2isize, 0u64), (-1, 1), (1, 3), (2, 4)] {
                feats.push(f(t::W + d, lower_at(ii + o)));
            }
            feats.push(f(t::SH, shape_at(ii - 1)));
            feats.push(f(t::SH + 1, shape_at(ii + 1)));
            feats.push(f(t::SH2, mix(shape_at(ii - 1), tk.shape)));
            feats.push(f(t::SH2 + 1, mix(tk.shape, shape_at(ii + 1))));
            feats.push(f(
                t::SH2 + 2,
                mix(mix(shape_at(ii - 1), tk.shape), shape_at(ii + 1)),
            ));
            feats.push(f(t::BI, mix(lower_at(ii - 1), tk.lower)));
            feats.push(f(t::BI + 1, mix(tk.lower, lower_at(ii + 1))));
            feats.push(f(t::BI + 2, mix(tk.shape, lower_at(ii - 1))));
            feats.push(f(t::BI + 3, mix(tk.shape, lower_at(ii + 1))));
            for lvl in 0..3 {
                let c = tk.clusters[lvl] as u64;
                feats.push(f(t::CL + lvl as u64, c));
                feats.push(f(t::CL + 3 + lvl as u64, mix(c, tk.shape)));
                feats.push(f(t::CLW + lvl as u64, cl_at(ii - 1, lvl)));
                feats.push(f(t::CLW + 3 + lvl as u64, cl_at(ii + 1, lvl)));
            }
            feats.push(f(t::CLW + 8, cl_at(ii - 2, 1)));
            feats.push(f(t::CLW + 9, cl_at(ii + 2, 1)));
            feats.push(f(t::CLW + 10, mix(cl_at(ii - 1, 2), tk.shape)));
            feats.push(f(t::CLW + 11, mix(cl_at(ii + 1, 2), tk.shape)));
            // is the word (and its neighbours) frequent in unlabelled text?
            let known_at = |j: isize| -> u64 {
                if j < 0 || j as usize >= n {
                    BOS
                } else {
                    self.toks[j as usize].known as u64
                }
            };
            feats.push(f(t::KNOWN, tk.known as u64));
            feats.push(f(t::KNOWN + 1, mix(tk.known as u64, tk.shape)));
            feats.push(f(t::KNOWN + 2, known_at(ii - 1)));
            feats.push(f(t::KNOWN + 3, known_at(ii + 1)));
            feats.push(f(t::CLW + 6, mix(cl_at(ii - 1, 1), cl_at(ii, 1))));
            feats.push(f(t::CLW + 7, mix(cl_at(ii, 1), cl_at(ii + 1, 1))));
            // Gazetteer matches at -1, 0, +1.
            for (d, o) in [(0u64, 0isize), (1, -1), (2, 1)] {
                let j = ii + o;
                if j < 0 || j as usize >= n {
                    continue;
                }
                let mut g = self.toks[j as usize].gaz;
                if o != 0 {
                    // neighbours: only the class, not the position
                    let mut classes = 0u32;
                    while g != 0 {
                        let b = g.trailing_zeros();
                        classes |= 1 << (b / 4);
                        g &= g - 1;
                    }
                    g = classes;
                }
                while g != 0 {
                    let b = g.trailing_zeros() as u64;
                    feats.push(f(t::GAZ + d, b));
                    if o == 0 {
                        feats.push(f(t::GAZ + 5, mix(b, tk.init_cap as u64)));
                    }
                    g &= g - 1;
                }
            }
            // training-data lexicon matches at -1, 0, +1
            for (d, o) in [(0u64, 0isize), (1, -1), (2, 1)] {
                let j = ii + o;
                if j < 0 || j as usize >= n {
                    continue;
                }
                let mut g = self.lex_buf[j as usize];
                while g != 0 {
                    let b = g.trailing_zeros() as u64;
                    if o == 0 {
                        feats.push(f(t::LEX, b));
                        feats.push(f(
                            t::LEX + 3,
                            mix(b, tk.init_cap as u64 | (caps_sent as u64) << 1),
                        ));
                    } else if b % 4 != 1 {
                        feats.push(f(t::LEX + d, b));
                    }
                    g &= g - 1;
                }
            }
            // person-name lists: the word's own bits with its case, and
            // the neighbours' (a given name before a capitalised word)
            let names_at = |j: isize| -> u64 {
                if j < 0 || j as usize >= n {
                    4
                } else {
                    let t = &self.toks[j as usize];
                    t.names as u64 | (t.init_cap as u64) << 3
                }
            };
            if tk.names != 0 {
                feats.push(f(t::NAMES, tk.names as u64));
                feats.push(f(
                    t::NAMES + 1,
                    mix(
                        tk.names as u64,
                        tk.init_cap as u64 | (caps_sent as u64) << 1,
                    ),
                ));
            }
            if tk.init_cap {
                feats.push(f(t::NAMES + 2, names_at(ii - 1)));
                feats.push(f(t::NAMES + 3, names_at(ii + 1)));
                feats.push(f(
                    t::NAMES + 4,
                    mix(mix(names_at(ii - 1), tk.names as u64), names_at(ii + 1)),
                ));
            }
            // clusters of the pretrained model's input embeddings
            for lvl in 0..2 {
                let c = tk.emb[lvl] as u64;
                feats.push(f(t::EMB + lvl as u64, c));
                feats.push(f(t::EMB + 2 + lvl as u64, mix(c, tk.shape)));
                feats.push(f(t::EMB + 4 + lvl as u64, emb_at(ii - 1, lvl)));
                feats.push(f(t::EMB + 6 + lvl as u64, emb_at(ii + 1, lvl)));
            }
            feats.push(f(t::EMB + 8, mix(emb_at(ii - 1, 0), tk.shape)));
            feats.push(f(t::EMB + 9, mix(tk.shape, emb_at(ii + 1, 0))));
            feats.push(f(t::EMB + 10, emb_at(ii - 2, 0)));
            feats.push(f(t::EMB + 11, emb_at(ii + 2, 0)));
            // corpus-wide case habits, frequency and Brown clusters
            let case_ctx = tk.init_cap as u64
                | (tk.all_caps as u64) << 1
                | ((i == 0) as u64) << 2
                | (caps_sent as u64) << 3;
            feats.push(f(t::WS, tk.cap_bin as u64));
            feats.push(f(t::WS + 1, mix(tk.cap_bin as u64, case_ctx)));
            feats.push(f(t::WS + 2, mix(tk.rarity as u64, tk.shape)));
            if tk.brown != 0 {
                for (k, bits) in [4u32, 6, 10, 20].into_iter().enumerate() {
                    let prefix = tk.brown & ((1 << bits) - 1);
                    feats.push(f(t::WS + 3 + k as u64, prefix as u64));
                }
                feats.push(f(t::WS + 7, mix((tk.brown & 0x3ff) as u64, tk.shape)));
            }
            // Brown path prefixes of 6 and 10 bits around the token
            let brown_at = |j: isize| tok_at(toks, j, |t| (t.brown & 0x3f) as u64);
            let brown10_at = |j: isize| tok_at(toks, j, |t| (t.brown & 0x3ff) as u64);
            let brown6 = (tk.brown & 0x3f) as u64;
            let cap_at = |j: isize| tok_at(toks, j, |t| t.cap_bin as u64);
            feats.push(f(t::WS + 8, brown_at(ii - 1)));
            feats.push(f(t::WS + 9, brown_at(ii + 1)));
            feats.push(f(t::WS + 10, mix(cap_at(ii - 1), tk.cap_bin as u64)));
            feats.push(f(t::WS + 11, mix(tk.cap_bin as u64, cap_at(ii + 1))));
            feats.push(f(t::WS + 12, brown10_at(ii - 1)));
            feats.push(f(t::WS + 13, brown10_at(ii + 1)));
            feats.push(f(t::WS + 14, mix(brown_at(ii - 1), brown6)));
            feats.push(f(t::WS + 15, mix(brown6, brown_at(ii + 1))));
            feats.push(f(t::WS + 16, mix(tk.cap_bin as u64, brown6)));
            feats.push(f(t::WS + 17, mix(tk.rarity as u64, case_ctx)));
            let flags = (tk.init_cap as u64)
                | (tk.all_caps as u64) << 1
                | (caps_sent as u64) << 2
                | ((i == 0) as u64) << 3
                | (tk.has_alpha as u64) << 4;
            feats.push(f(t::FLAGS, flags));
            if i == 0 {
                feats.push(f(t::FIRST, tk.lower));
                feats.push(f(t::FIRST + 1, tk.clusters[1] as u64));
            }
            if caps_sent {
                feats.push(f(t::CAPS_SENT, tk.lower));
                feats.push(f(t::CAPS_SENT + 1, tk.clusters[1] as u64));
                feats.push(f(t::CAPS_SENT + 2, tk.clusters[2] as u64));
                feats.push(f(t::CAPS_SENT + 3, mix(lower_at(ii - 1), tk.lower)));
            }
            if tk.init_cap {
                let seen = doc.seen.get(&tk.lower).copied().unwrap_or(0) as u64;
                let ctx = (i == 0) as u64 | (caps_sent as u64) << 1 | (tk.all_caps as u64) << 2;
                feats.push(f(t::DOC, mix(seen, ctx)));
                // length of the run of capitalised tokens around i
                let mut l = i;
                while l > 0 && self.toks[l - 1].init_cap {
                    l -= 1;
                }
                let mut r = i + 1;
                while r < n && self.toks[r].init_cap {
                    r += 1;
                }
                let run = ((r - l).min(4) as u64) << 4 | ((i - l).min(3) as u64);
                feats.push(f(t::PROPER_RUN, mix(run, caps_sent as u64)));
            }
            if let Some(s1) = stage1 {
                self.push_s2(i, caps_sent, doc, s1, feats);
            }
            offsets.push(feats.len() as u32);
        }
    }

    /// Second-pass features of token `i` (first-pass tags `s1`).
    fn push_s2(&self, i: usize, caps_sent: bool, doc: &DocInfo, s1: &[u8], feats: &mut Vec<u64>) {
        let n = self.toks.len();
        let ii = i as isize;
        let tk = &self.toks[i];
        let f = |a: u64, b: u64| mix(mix(0x9a3, a), b);
        let tag_at = |j: isize| -> u64 {
            if j < 0 || j as usize >= n {
                99
            } else {
                s1[j as usize] as u64
            }
        };
        let own = s1[i];
        feats.push(f(t::S2, own as u64));
        feats.push(f(t::S2 + 1, mix(tag_at(ii - 1), own as u64)));
        feats.push(f(t::S2 + 2, mix(own as u64, tag_at(ii + 1))));
        // document majority of the neighbours' strings
        for (o, d) in [(-1isize, 7u64), (1, 8)] {
            let j = ii + o;
            if j < 0 || j as usize >= n || !self.toks[j as usize].init_cap {
                continue;
            }
            if let Some(c) = doc.labels.get(&self.toks[j as usize].lower) {
                let maj = (0..5).max_by_key(|&k| (c[k], 5 - k)).unwrap_or(0);
                feats.push(f(t::S2 + d, mix(maj as u64, tk.init_cap as u64)));
            }
        }
        if tk.init_cap {
            if let Some(c) = doc.labels.get(&tk.lower) {
                let mut c = *c;
                let oc = class_of(own);
                c[oc] = c[oc].saturating_sub(1);
                let total: u32 = c.iter().map(|&x| x as u32).sum();
                if let Some(frac) =
                    (4 * u32::from(c.iter().copied().max().unwrap_or(0))).checked_div(total)
                {
                    let mut maj = 0;
                    for k in 1..5 {
                        if c[k] > c[maj] {
                            maj = k;
                        }
                    }
                    let bucket = frac as u64;
                    let mask = (1..5).fold(0u64, |m, k| m | ((c[k] > 0) as u64) << k);
                    feats.push(f(t::S2 + 3, mix(maj as u64, bucket)));
                    feats.push(f(t::S2 + 4, mix(maj as u64, oc as u64)));
                    feats.push(f(t::S2 + 5, mask));
                    feats.push(f(
                        t::S2 + 6,
                        mix(maj as u64, (i == 0) as u64 | (caps_sent as u64) << 1),
                    ));
                }
            }
        }
    }

    /// Only the second-pass features of a sentence (the first-pass features
    /// are the same as [`Extractor::extract`] gives without `stage1`), laid
    /// out like `extract`'s output.
    pub fn extract_s2(
        &mut self,
        sent: &[&str],
        doc: &DocInfo,
        stage1: &[u8],
        feats: &mut Vec<u64>,
        offsets: &mut Vec<u32>,
    ) {
        self.toks.clear();
        for w in sent {
            self.lower_buf.clear();
            for c in w.chars() {
                self.lower_buf.extend(c.to_lowercase());
            }
            self.toks.push(Tok {
                lower: hash_str(&self.lower_buf),
                init_cap: w.chars().next().is_some_and(char::is_uppercase),
                ..Tok::default()
            });
        }
        let caps_sent = is_caps_sentence(sent);
        offsets.push(feats.len() as u32);
        for i in 0..sent.len() {
            self.push_s2(i, caps_sent, doc, stage1, feats);
            offsets.push(feats.len() as u32);
        }
    }
}
