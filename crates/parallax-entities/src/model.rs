//! The recogniser: hashed-feature linear-chain model over BIOES tags,
//! decoded with Viterbi under BIOES constraints; binary (de)serialisation.

use crate::clusters::ClusterTable;
use crate::features::{DocInfo, Extractor, FEATURE_VERSION};
use crate::lexicon::Lexicon;
use crate::{gazetteer, Error, Label};
use parallax_core::Span;
use rustc_hash::FxHashMap;
use std::sync::OnceLock;

/// Number of internal tags: O plus B/I/E/S for each of the four labels.
pub(crate) const NT: usize = 17;
const START: usize = NT;
const MAGIC: &[u8; 8] = b"PLXNER\x00\x01";

/// Tag id for label `l` (0..4) and position `p` (0 = B, 1 = I, 2 = E, 3 = S).
#[inline]
pub(crate) fn tag_id(l: usize, p: usize) -> usize {
    1 + l * 4 + p
}

/// (label, position) of a tag id other than O.
#[inline]
pub(crate) fn tag_parts(t: usize) -> Option<(usize, usize)> {
    (t > 0).then(|| ((t - 1) / 4, (t - 1) % 4))
}

/// May tag `cur` follow tag `prev` (`prev == START` at the beginning)?
pub(crate) fn allowed(prev: usize, cur: usize) -> bool {
    let open = matches!(tag_parts(prev), Some((_, 0 | 1))) && prev != START;
    match (open, tag_parts(cur)) {
        (true, Some((l, 1 | 2))) => tag_parts(prev).map(|x| x.0) == Some(l),
        (true, _) => false,
        (false, None) => true,
        (false, Some((_, p))) => p == 0 || p == 3,
    }
}

/// May a sentence end with tag `t`?
pub(crate) fn allowed_end(t: usize) -> bool {
    !matches!(tag_parts(t), Some((_, 0 | 1)))
}

/// Encodes a tag sequence (IOB1/IOB2/IOBES strings) as BIOES tag ids.
/// Unknown types become O.
pub(crate) fn encode(tags: &[String]) -> Vec<u8> {
    let mut out = vec![0u8; tags.len()];
    for (s, e, ty) in crate::conll::chunks(tags) {
        let Some(l) = Label::from_type(&ty) else {
            continue;
        };
        let l = l as usize;
        if e - s == 1 {
            out[s] = tag_id(l, 3) as u8;
        } else {
            out[s] = tag_id(l, 0) as u8;
            for o in out.iter_mut().take(e - 1).skip(s + 1) {
                *o = tag_id(l, 1) as u8;
            }
            out[e - 1] = tag_id(l, 2) as u8;
        }
    }
    out
}

/// IOB2 strings of BIOES tag ids.
pub(crate) fn decode(ids: &[u8]) -> Vec<String> {
    ids.iter()
        .map(|&t| match tag_parts(t as usize) {
            None => "O".to_string(),
            Some((l, p)) => {
                let ty = Label::ALL[l].as_type();
                if p == 0 || p == 3 {
                    format!("B-{ty}")
                } else {
                    format!("I-{ty}")
                }
            }
        })
        .collect()
}

/// Entity chunks `(start, end_exclusive, label)` of BIOES ids.
pub(crate) fn id_chunks(ids: &[u8]) -> Vec<(usize, usize, Label)> {
    let mut out = Vec::new();
    let mut start: Option<(usize, usize)> = None;
    for (i, &t) in ids.iter().enumerate() {
        match tag_parts(t as usize) {
            None => start = None,
            Some((l, 0)) => start = Some((i, l)),
            Some((l, 1)) => {
                if start.map(|s| s.1) != Some(l) {
                    start = Some((i, l));
                }
            }
            Some((l, 2)) => {
                let s = match start {
                    Some((s, sl)) if sl == l => s,
                    _ => i,
                };
                out.push((s, i + 1, Label::ALL[l]));
                start = None;
            }
            Some((l, _)) => {
                out.push((i, i + 1, Label::ALL[l]));
                start = None;
            }
        }
    }
    out
}

/// Viterbi over BIOES with hard constraints. `emis` is `n * NT`, `trans` is
/// `(NT + 1) * NT` (the last row is the start row).
pub(crate) fn viterbi(emis: &[f32], trans: &[f32], n: usize, out: &mut Vec<u8>) {
    out.clear();
    if n == 0 {
        return;
    }
    type Masks = ([[bool; NT]; NT + 1], Vec<Vec<usize>>);
    static MASK: OnceLock<Masks> = OnceLock::new();
    let (mask, preds) = MASK.get_or_init(|| {
        let mut m = [[false; NT]; NT + 1];
        for (p, row) in m.iter_mut().enumerate() {
            for (c, v) in row.iter_mut().enumerate() {
                *v = allowed(p, c);
            }
        }
        let preds = (0..NT)
            .map(|c| (0..NT).filter(|&p| m[p][c]).collect())
            .collect();
        (m, preds)
    });
    let neg = f32::NEG_INFINITY;
    let mut score = vec![neg; n * NT];
    let mut back = vec![0u8; n * NT];
    for c in 0..NT {
        if mask[START][c] {
            score[c] = emis[c] + trans[START * NT + c];
        }
    }
    for i in 1..n {
        for c in 0..NT {
            let mut best = neg;
            let mut arg = 0;
            for &p in &preds[c] {
                let s = score[(i - 1) * NT + p] + trans[p * NT + c];
                if s > best {
                    best = s;
                    arg = p;
                }
            }
            score[i * NT + c] = best + emis[i * NT + c];
            back[i * NT + c] = arg as u8;
        }
    }
    let mut best = neg;
    let mut arg = 0;
    for c in 0..NT {
        let s = score[(n - 1) * NT + c];
        if allowed_end(c) && s > best {
            best = s;
            arg = c;
        }
    }
    out.resize(n, 0);
    out[n - 1] = arg as u8;
    for i in (1..n).rev() {
        arg = back[i * NT + arg] as usize;
        out[i - 1] = arg as u8;
    }
}

/// Facts recorded in a model's header.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ModelInfo {
    /// xxh3-64 of the canonical text of the labelled training data
    /// ([`crate::conll::canonical_text`]).
    pub train_hash: u64,
    /// xxh3-64 of the unlabelled text used for clusters (0 when none).
    pub unlabelled_hash: u64,
    /// [`crate::features::data_hash`]: the gazetteers, person names,
    /// embedding clusters and word statistics the features were computed
    /// with.
    pub gazetteer_hash: u64,
    /// Feature-set version.
    pub feature_version: u32,
    /// Training epochs.
    pub epochs: u32,
    /// Training seed.
    pub seed: u64,
    /// Labelled training tokens.
    pub train_tokens: u64,
}

/// One slot of the open-addressing weight table: key and row side by side
/// so a lookup touches one cache line.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Slot {
    key: u64,
    w: [i16; NT],
}

/// Open-addressing (linear probing) table of feature key -> row; key 0
/// marks an empty slot. Load factor at most 2/3.
#[derive(Debug, Clone, Default)]
pub(crate) struct Table {
    slots: Vec<Slot>,
    mask: usize,
}

impl Table {
    pub(crate) fn build(keys: &[u64], rows: &[i16]) -> Table {
        let cap = (keys.len() * 3 / 2).next_power_of_two().max(16);
        let mut slots = vec![Slot { key: 0, w: [0; NT] }; cap];
        let mask = cap - 1;
        for (i, &k) in keys.iter().enumerate() {
            if k == 0 {
                continue;
            }
            let mut j = (k as usize) & mask;
            while slots[j].key != 0 && slots[j].key != k {
                j = (j + 1) & mask;
            }
            slots[j].key = k;
            slots[j].w.copy_from_slice(&rows[i * NT..(i + 1) * NT]);
        }
        Table { slots, mask }
    }

    /// Hints the CPU to fetch the home slot of key `k`.
    #[inline]
    pub(crate) fn prefetch(&self, k: u64) {
        #[cfg(target_arch = "x86_64")]
        if !self.slots.is_empty() {
            let p = &self.slots[(k as usize) & self.mask] as *const Slot as *const i8;
            // SAFETY: a prefetch is only a hint; the pointer is in bounds.
            #[allow(unused_unsafe)]
            unsafe {
                std::arch::x86_64::_mm_prefetch(p, std::arch::x86_64::_MM_HINT_T0);
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = k;
    }

    #[inline]
    pub(crate) fn get(&self, k: u64) -> Option<&[i16; NT]> {
        if self.slots.is_empty() {
            return None;
        }
        let mut j = (k as usize) & self.mask;
        loop {
            let s = &self.slots[j];
            if s.key == k {
                return Some(&s.w);
            }
            if s.key == 0 {
                return None;
            }
            j = (j + 1) & self.mask;
        }
    }
}

/// One stage's weights: feature hash -> quantised row of NT weights.
#[derive(Debug, Clone, Default)]
pub(crate) struct Weights {
    pub(crate) table: Table,
    pub(crate) keys: Vec<u64>,
    /// `rows.len() == keys.len() * NT`, quantised weights.
    pub(crate) rows: Vec<i16>,
    /// Transition weights in the same units as `rows`.
    pub(crate) trans: Vec<f32>,
    /// Real weight = quantised * scale.
    pub(crate) scale: f32,
}

impl Weights {
    /// Emission scores (`n * NT`) of a sentence's features.
    fn emissions(&self, feats: &[u64], offsets: &[u32], emis: &mut Vec<f32>) {
        let n = offsets.len().saturating_sub(1);
        emis.clear();
        emis.resize(n * NT, 0f32);
        let mut acc = [0i32; NT];
        const AHEAD: usize = 12;
        for f in feats.iter().take(AHEAD) {
            self.table.prefetch(*f);
        }
        for i in 0..n {
            acc.iter_mut().for_each(|a| *a = 0);
            for j in offsets[i] as usize..offsets[i + 1] as usize {
                if let Some(f) = feats.get(j + AHEAD) {
                    self.table.prefetch(*f);
                }
                if let Some(row) = self.table.get(feats[j]) {
                    for (a, w) in acc.iter_mut().zip(row) {
                        *a += *w as i32;
                    }
                }
            }
            for (e, a) in emis[i * NT..(i + 1) * NT].iter_mut().zip(&acc) {
                *e = *a as f32;
            }
        }
    }

    fn write(&self, b: &mut Vec<u8>) {
        b.extend_from_slice(&self.scale.to_le_bytes());
        for t in &self.trans {
            b.extend_from_slice(&t.to_le_bytes());
        }
        b.extend_from_slice(&(self.keys.len() as u32).to_le_bytes());
        for k in &self.keys {
            b.extend_from_slice(&k.to_le_bytes());
        }
        for w in &self.rows {
            b.extend_from_slice(&w.to_le_bytes());
        }
    }

    fn read(r: &mut Reader) -> Result<Weights, Error> {
        let scale = r.f32()?;
        let mut trans = Vec::with_capacity((NT + 1) * NT);
        for _ in 0..(NT + 1) * NT {
            trans.push(r.f32()?);
        }
        let nf = r.u32()? as usize;
        let kb = r.take(nf.checked_mul(8).ok_or(Error::Truncated)?)?;
        let keys: Vec<u64> = kb
            .chunks_exact(8)
            .map(|c| u64::from_le_bytes(c.try_into().unwrap()))
            .collect();
        let rb = r.take(nf * NT * 2)?;
        let rows: Vec<i16> = rb
            .chunks_exact(2)
            .map(|c| i16::from_le_bytes(c.try_into().unwrap()))
            .collect();
        Ok(Weights {
            table: Table::build(&keys, &rows),
            keys,
            rows,
            trans,
            scale,
        })
    }
}

/// A trained named-entity recogniser: a first-pass tagger and (optionally)
/// a second-pass tagger that also sees the first pass's labels of the same
/// words elsewhere in the document.
#[derive(Debug, Clone)]
pub struct Recogniser {
    pub(crate) info: ModelInfo,
    pub(crate) clusters: ClusterTable,
    pub(crate) lexicon: Lexicon,
    pub(crate) stage1: Weights,
    pub(crate) stage2: Option<Weights>,
}

struct Reader<'a> {
    b: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], Error> {
        let end = self.pos.checked_add(n).ok_or(Error::Truncated)?;
        let s = self.b.get(self.pos..end).ok_or(Error::Truncated)?;
        self.pos = end;
        Ok(s)
    }
    fn u8(&mut self) -> Result<u8, Error> {
        Ok(self.take(1)?[0])
    }
    fn u16(&mut self) -> Result<u16, Error> {
        Ok(u16::from_le_bytes(self.take(2)?.try_into().unwrap()))
    }
    fn u32(&mut self) -> Result<u32, Error> {
        Ok(u32::from_le_bytes(self.take(4)?.try_into().unwrap()))
    }
    fn u64(&mut self) -> Result<u64, Error> {
        Ok(u64::from_le_bytes(self.take(8)?.try_into().unwrap()))
    }
    fn f32(&mut self) -> Result<f32, Error> {
        Ok(f32::from_le_bytes(self.take(4)?.try_into().unwrap()))
    }
}

impl Recogniser {
    /// The committed model (`model/ner.bin`), parsed once on first use.
    ///
    /// # Panics
    /// If the embedded model is corrupt (a build error, caught by tests).
    pub fn builtin() -> &'static Recogniser {
        static M: OnceLock<Recogniser> = OnceLock::new();
        M.get_or_init(|| {
            Recogniser::from_bytes(include_bytes!("../model/ner.bin"))
                .expect("embedded model/ner.bin is valid")
        })
    }

    /// Header facts (training data hash, seed, ...).
    pub fn info(&self) -> &ModelInfo {
        &self.info
    }

    /// Number of features with weights (both stages).
    pub fn num_features(&self) -> usize {
        self.stage1.keys.len() + self.stage2.as_ref().map_or(0, |w| w.keys.len())
    }

    /// True when the model has a second (document-consistency) pass.
    pub fn is_two_stage(&self) -> bool {
        self.stage2.is_some()
    }

    /// The word-cluster table the model uses.
    pub fn clusters(&self) -> &ClusterTable {
        &self.clusters
    }

    /// Parses a model written by [`Recogniser::to_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Recogniser, Error> {
        if bytes.len() < 16 || &bytes[..8] != MAGIC {
            return Err(Error::BadMagic);
        }
        let (body, sum) = bytes.split_at(bytes.len() - 8);
        if xxhash_rust::xxh3::xxh3_64(body) != u64::from_le_bytes(sum.try_into().unwrap()) {
            return Err(Error::Checksum);
        }
        let mut r = Reader { b: body, pos: 8 };
        let info = ModelInfo {
            feature_version: r.u32()?,
            epochs: r.u32()?,
            seed: r.u64()?,
            train_hash: r.u64()?,
            unlabelled_hash: r.u64()?,
            gazetteer_hash: r.u64()?,
            train_tokens: r.u64()?,
        };
        if info.feature_version != FEATURE_VERSION {
            return Err(Error::Version(info.feature_version));
        }
        let nc = r.u32()? as usize;
        let mut map = FxHashMap::default();
        map.reserve(nc);
        for _ in 0..nc {
            let k = r.u64()?;
            map.insert(k, [r.u16()?, r.u16()?, r.u16()?, r.u16()?]);
        }
        let nl = r.u32()? as usize;
        let mut lex = FxHashMap::default();
        lex.reserve(nl);
        for _ in 0..nl {
            let k = r.u64()?;
            lex.insert(k, r.u8()?);
        }
        let stage1 = Weights::read(&mut r)?;
        let stage2 = match r.u8()? {
            0 => None,
            _ => Some(Weights::read(&mut r)?),
        };
        Ok(Recogniser {
            info,
            clusters: ClusterTable { map },
            lexicon: Lexicon { map: lex },
            stage1,
            stage2,
        })
    }

    /// Serialises the model (little-endian, xxh3 checksum at the end).
    /// Deterministic: equal models give equal bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut b = Vec::with_capacity(64 + self.num_features() * (8 + 2 * NT));
        b.extend_from_slice(MAGIC);
        let i = &self.info;
        b.extend_from_slice(&i.feature_version.to_le_bytes());
        b.extend_from_slice(&i.epochs.to_le_bytes());
        for v in [
            i.seed,
            i.train_hash,
            i.unlabelled_hash,
            i.gazetteer_hash,
            i.train_tokens,
        ] {
            b.extend_from_slice(&v.to_le_bytes());
        }
        let mut cl: Vec<(&u64, &[u16; 4])> = self.clusters.map.iter().collect();
        cl.sort_unstable_by_key(|x| *x.0);
        b.extend_from_slice(&(cl.len() as u32).to_le_bytes());
        for (k, c) in cl {
            b.extend_from_slice(&k.to_le_bytes());
            for x in c {
                b.extend_from_slice(&x.to_le_bytes());
            }
        }
        let mut lex: Vec<(&u64, &u8)> = self.lexicon.map.iter().collect();
        lex.sort_unstable_by_key(|x| *x.0);
        b.extend_from_slice(&(lex.len() as u32).to_le_bytes());
        for (k, m) in lex {
            b.extend_from_slice(&k.to_le_bytes());
            b.push(*m);
        }
        self.stage1.write(&mut b);
        match &self.stage2 {
            None => b.push(0),
            Some(w) => {
                b.push(1);
                w.write(&mut b);
            }
        }
        let sum = xxhash_rust::xxh3::xxh3_64(&b);
        b.extend_from_slice(&sum.to_le_bytes());
        b
    }

    /// Tags one document as BIOES ids, one vector per sentence.
    pub(crate) fn tag_ids(&self, sentences: &[Vec<&str>]) -> Vec<Vec<u8>> {
        let mut doc = DocInfo::new(sentences);
        let mut ex = Extractor::new(&self.clusters, gazetteer::builtin(), &self.lexicon);
        // first-pass features of all sentences, kept for the second pass
        let mut feats = Vec::new();
        let mut offsets: Vec<Vec<u32>> = Vec::with_capacity(sentences.len());
        let mut emis = Vec::new();
        let mut first = Vec::with_capacity(sentences.len());
        let mut local = Vec::new();
        for s in sentences {
            let mut off = Vec::with_capacity(s.len() + 1);
            ex.extract(s, &doc, None, &mut feats, &mut off);
            let base = off[0] as usize;
            local.clear();
            local.extend(off.iter().map(|o| o - base as u32));
            self.stage1.emissions(&feats[base..], &local, &mut emis);
            let mut ids = Vec::new();
            viterbi(&emis, &self.stage1.trans, s.len(), &mut ids);
            first.push(ids);
            offsets.push(off);
        }
        let Some(w2) = &self.stage2 else {
            return first;
        };
        doc.add_labels(sentences, &first);
        let mut feats2 = Vec::new();
        let mut off2 = Vec::new();
        let mut emis2 = Vec::new();
        let mut out = Vec::with_capacity(sentences.len());
        for (k, s) in sentences.iter().enumerate() {
            feats2.clear();
            off2.clear();
            ex.extract_s2(s, &doc, &first[k], &mut feats2, &mut off2);
            let base = offsets[k][0] as usize;
            local.clear();
            local.extend(offsets[k].iter().map(|o| o - base as u32));
            w2.emissions(&feats[base..], &local, &mut emis);
            w2.emissions(&feats2, &off2, &mut emis2);
            emis.iter_mut().zip(&emis2).for_each(|(a, b)| *a += b);
            let mut ids = Vec::new();
            viterbi(&emis, &w2.trans, s.len(), &mut ids);
            out.push(ids);
        }
        out
    }

    /// Tags one document given as sentences of tokens; returns IOB2 tag
    /// strings per token (`"B-PER"`, `"I-ORG"`, `"O"`).
    pub fn tag_document(&self, sentences: &[Vec<&str>]) -> Vec<Vec<String>> {
        self.tag_ids(sentences).iter().map(|s| decode(s)).collect()
    }

    /// Mentions in raw text: `sentences` holds, per sentence, the byte spans
    /// of its tokens in `text` (spans that are out of range or not on
    /// character boundaries read as empty tokens). Returns `(span, label)`
    /// per mention, the span running from its first token's start to its
    /// last token's end.
    pub fn mentions(&self, text: &str, sentences: &[Vec<Span>]) -> Vec<(Span, Label)> {
        let toks: Vec<Vec<&str>> = sentences
            .iter()
            .map(|s| {
                s.iter()
                    .map(|sp| text.get(sp.range()).unwrap_or(""))
                    .collect()
            })
            .collect();
        let ids = self.tag_ids(&toks);
        let mut out = Vec::new();
        for (s, ids) in sentences.iter().zip(&ids) {
            for (a, b, l) in id_chunks(ids) {
                out.push((Span::new(s[a].start, s[b - 1].end), l));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(t: &str) -> Vec<String> {
        t.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn bioes_round_trip() {
        let t = v("B-PER I-PER O B-LOC O B-ORG I-ORG I-ORG B-MISC");
        let ids = encode(&t);
        assert_eq!(decode(&ids), t);
        let ch = id_chunks(&ids);
        assert_eq!(
            ch,
            vec![
                (0, 2, Label::Per),
                (3, 4, Label::Loc),
                (5, 8, Label::Org),
                (8, 9, Label::Misc)
            ]
        );
        // IOB1 input gives the same chunks
        let iob1 = v("I-PER I-PER O I-LOC O I-ORG I-ORG I-ORG I-MISC");
        assert_eq!(encode(&iob1), ids);
    }

    #[test]
    fn transitions() {
        let b_per = tag_id(0, 0);
        let i_per = tag_id(0, 1);
        let e_org = tag_id(1, 2);
        assert!(allowed(START, b_per));
        assert!(!allowed(START, i_per));
        assert!(allowed(b_per, i_per));
        assert!(!allowed(b_per, e_org));
        assert!(!allowed(b_per, 0));
        assert!(allowed(e_org, 0));
        assert!(!allowed_end(b_per));
    }

    #[test]
    fn viterbi_respects_constraints() {
        // emissions prefer I-PER at position 0, which is not allowed
        let mut emis = vec![0f32; 2 * NT];
        emis[tag_id(0, 1)] = 5.0;
        emis[NT + tag_id(0, 2)] = 3.0;
        emis[tag_id(0, 0)] = 1.0;
        let trans = vec![0f32; (NT + 1) * NT];
        let mut out = Vec::new();
        viterbi(&emis, &trans, 2, &mut out);
        assert_eq!(out, vec![tag_id(0, 0) as u8, tag_id(0, 2) as u8]);
    }
}
