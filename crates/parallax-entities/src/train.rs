//! Training: structured averaged perceptron (Collins 2002) over hashed
//! features, Viterbi decoding under BIOES constraints, shuffled epochs with a
//! fixed seed, then pruning and i16 quantisation.

use crate::clusters::{build_clusters, ClusterOptions, ClusterTable, Rng};
use crate::conll::{self, Sentence};
use crate::features::{DocInfo, Extractor, FEATURE_VERSION};
use crate::gazetteer;
use crate::lexicon::Lexicon;
use crate::model::{encode, viterbi, ModelInfo, Recogniser, Table, Weights, NT};
use rustc_hash::FxHashMap;

/// Training parameters.
#[derive(Debug, Clone)]
pub struct TrainOptions {
    /// Passes over the training data (per stage).
    pub epochs: usize,
    /// Seed for shuffling and clustering; equal inputs and seed give an
    /// identical model.
    pub seed: u64,
    /// Word-clustering parameters (used when unlabelled text is given).
    pub clusters: ClusterOptions,
    /// At most this many features are kept (largest weights first).
    pub max_features: usize,
    /// Features whose largest absolute averaged weight is below this are
    /// dropped.
    pub min_weight: f32,
    /// Train the second, document-consistency pass.
    pub two_stage: bool,
    /// Perceptrons trained per stage with different shuffling seeds; the
    /// model uses the mean of their averaged weights (1 = no bagging; then
    /// `on_epoch` callbacks see every epoch, otherwise only the last).
    pub bags: usize,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            epochs: 8,
            seed: 1,
            clusters: ClusterOptions::default(),
            max_features: 250_000,
            min_weight: 0.05,
            two_stage: true,
            bags: 4,
        }
    }
}

/// Trains on labelled sentences only (clusters from the training tokens).
pub fn train(train: &[Sentence], opts: &TrainOptions) -> Recogniser {
    train_with_unlabelled(train, &[], opts, &mut |_, _| {})
}

/// Trains with extra unlabelled tokenised text (see
/// [`crate::clusters::tokenise_text`]) for word clusters. `on_epoch` is
/// called after each epoch with the epoch number (1-based) and the
/// averaged, pruned model so far (for progress reports and tuning).
pub fn train_with_unlabelled(
    train: &[Sentence],
    unlabelled: &[Vec<String>],
    opts: &TrainOptions,
    on_epoch: &mut dyn FnMut(usize, &Recogniser),
) -> Recogniser {
    let train_hash = xxhash_rust::xxh3::xxh3_64(conll::canonical_text(train).as_bytes());
    let mut unl_hash = 0u64;
    for s in unlabelled {
        for w in s {
            unl_hash = crate::hash::mix(unl_hash, crate::hash::hash_str(w));
        }
    }
    // clusters from unlabelled text plus the training tokens
    let mut cl_text: Vec<Vec<String>> = unlabelled.to_vec();
    cl_text.extend(train.iter().map(|s| s.tokens.clone()));
    let copts = ClusterOptions {
        seed: opts.seed ^ opts.clusters.seed,
        ..opts.clusters.clone()
    };
    let clusters = build_clusters(&cl_text, &copts);
    drop(cl_text);
    train_with_clusters(
        train,
        clusters,
        ModelInfo {
            train_hash,
            unlabelled_hash: unl_hash,
            gazetteer_hash: crate::features::data_hash(),
            feature_version: FEATURE_VERSION,
            epochs: opts.epochs as u32,
            seed: opts.seed,
            train_tokens: train.iter().map(|s| s.tokens.len() as u64).sum(),
        },
        opts,
        on_epoch,
    )
}

/// Training data with features extracted once and mapped to dense ids.
struct Extracted {
    keys: Vec<u64>,
    feat_ids: Vec<u32>,
    tok_off: Vec<u32>,
    sent_tok: Vec<(usize, usize)>,
    gold: Vec<Vec<u8>>,
}

/// Extracts features of all sentences (grouped into documents by
/// `doc_start`), with first-pass tags for second-pass features if given.
fn extract_all(
    sents: &[Sentence],
    clusters: &ClusterTable,
    lexicons: &[Lexicon],
    fold_of_doc: &[usize],
    stage1: Option<&[Vec<u8>]>,
) -> Extracted {
    let gaz = gazetteer::builtin();
    let mut ids: FxHashMap<u64, u32> = FxHashMap::default();
    let mut x = Extracted {
        keys: Vec::new(),
        feat_ids: Vec::new(),
        tok_off: vec![0],
        sent_tok: Vec::new(),
        gold: Vec::new(),
    };
    let mut exs: Vec<Extractor> = lexicons
        .iter()
        .map(|l| Extractor::new(clusters, gaz, l))
        .collect();
    let mut feats = Vec::new();
    let mut offs = Vec::new();
    for (di, range) in conll::documents(sents).into_iter().enumerate() {
        let ex = &mut exs[fold_of_doc[di]];
        let doc_s: Vec<Vec<&str>> = sents[range.clone()]
            .iter()
            .map(|s| s.tokens.iter().map(String::as_str).collect())
            .collect();
        let mut doc = DocInfo::new(&doc_s);
        if let Some(s1) = stage1 {
            doc.add_labels(&doc_s, &s1[range.clone()]);
        }
        for (k, toks) in doc_s.iter().enumerate() {
            feats.clear();
            offs.clear();
            let s1 = stage1.map(|s1| &s1[range.start + k][..]);
            ex.extract(toks, &doc, s1, &mut feats, &mut offs);
            let first_tok = x.tok_off.len() - 1;
            for i in 0..toks.len() {
                for f in &feats[offs[i] as usize..offs[i + 1] as usize] {
                    let id = *ids.entry(*f).or_insert_with(|| {
                        x.keys.push(*f);
                        (x.keys.len() - 1) as u32
                    });
                    x.feat_ids.push(id);
                }
                x.tok_off.push(x.feat_ids.len() as u32);
            }
            x.sent_tok.push((first_tok, first_tok + toks.len()));
            x.gold.push(encode(&sents[range.start + k].tags));
        }
    }
    x
}

/// Dense perceptron state.
struct Dense {
    w: Vec<f32>,
    u: Vec<f64>,
    tw: Vec<f32>,
    tu: Vec<f64>,
    c: f64,
}

impl Dense {
    fn new(nf: usize) -> Dense {
        Dense {
            w: vec![0f32; nf * NT],
            u: vec![0f64; nf * NT],
            tw: vec![0f32; (NT + 1) * NT],
            tu: vec![0f64; (NT + 1) * NT],
            c: 1.0,
        }
    }

    fn predict(&self, x: &Extracted, si: usize, avg: bool, emis: &mut Vec<f32>, out: &mut Vec<u8>) {
        let (a, b) = x.sent_tok[si];
        let n = b - a;
        emis.clear();
        emis.resize(n * NT, 0f32);
        for t in 0..n {
            let e = &mut emis[t * NT..(t + 1) * NT];
            for &f in &x.feat_ids[x.tok_off[a + t] as usize..x.tok_off[a + t + 1] as usize] {
                let base = f as usize * NT;
                for (k, v) in e.iter_mut().enumerate() {
                    *v += if avg {
                        (self.w[base + k] as f64 - self.u[base + k] / self.c) as f32
                    } else {
                        self.w[base + k]
                    };
                }
            }
        }
        if avg {
            let tr: Vec<f32> = self
                .tw
                .iter()
                .zip(&self.tu)
                .map(|(w, u)| (*w as f64 - u / self.c) as f32)
                .collect();
            viterbi(emis, &tr, n, out);
        } else {
            viterbi(emis, &self.tw, n, out);
        }
    }

    /// One perceptron epoch over `order`.
    fn epoch(&mut self, x: &Extracted, order: &[usize]) {
        let mut emis = Vec::new();
        let mut pred = Vec::new();
        for &si in order {
            let (a, b) = x.sent_tok[si];
            let n = b - a;
            if n == 0 {
                continue;
            }
            self.predict(x, si, false, &mut emis, &mut pred);
            let g = &x.gold[si];
            if pred[..] != g[..] {
                let c = self.c;
                for t in 0..n {
                    let (gt, pt) = (g[t] as usize, pred[t] as usize);
                    if gt != pt {
                        for &f in
                            &x.feat_ids[x.tok_off[a + t] as usize..x.tok_off[a + t + 1] as usize]
                        {
                            let base = f as usize * NT;
                            self.w[base + gt] += 1.0;
                            self.u[base + gt] += c;
                            self.w[base + pt] -= 1.0;
                            self.u[base + pt] -= c;
                        }
                    }
                    let gp = if t == 0 { NT } else { g[t - 1] as usize };
                    let pp = if t == 0 { NT } else { pred[t - 1] as usize };
                    if (gp, gt) != (pp, pt) {
                        self.tw[gp * NT + gt] += 1.0;
                        self.tu[gp * NT + gt] += c;
                        self.tw[pp * NT + pt] -= 1.0;
                        self.tu[pp * NT + pt] -= c;
                    }
                }
            }
            self.c += 1.0;
        }
    }
}

/// Trains a perceptron on the sentences `subset` for `epochs` shuffled
/// passes; `on_epoch` sees the state after each pass.
fn perceptron(
    x: &Extracted,
    subset: &[usize],
    epochs: usize,
    seed: u64,
    on_epoch: &mut dyn FnMut(usize, &Dense),
) -> Dense {
    let mut d = Dense::new(x.keys.len());
    let mut order = subset.to_vec();
    let mut rng = Rng(seed);
    for e in 1..=epochs {
        for i in (1..order.len()).rev() {
            let j = rng.below(i + 1);
            order.swap(i, j);
        }
        d.epoch(x, &order);
        on_epoch(e, &d);
    }
    d
}

/// Trains with a given cluster table: a first-pass model, first-pass tags
/// for the training data by 5-fold jackknifing over documents (so the
/// second pass learns from realistic first-pass errors), then the
/// second-pass model. `on_epoch` sees the full model after each
/// second-pass epoch.
pub fn train_with_clusters(
    train: &[Sentence],
    clusters: ClusterTable,
    info: ModelInfo,
    opts: &TrainOptions,
    on_epoch: &mut dyn FnMut(usize, &Recogniser),
) -> Recogniser {
    let mut sents: Vec<Sentence> = train.to_vec();
    conll::infer_documents(&mut sents);
    // documents in folds; per fold a training-data lexicon built from the
    // other folds (jackknifing), plus the full lexicon kept in the model
    const FOLDS: usize = 5;
    let docs = conll::documents(&sents);
    let fold_of_doc: Vec<usize> = (0..docs.len()).map(|d| d % FOLDS).collect();
    let mut fold_of = vec![0usize; sents.len()];
    for (di, r) in docs.iter().enumerate() {
        for s in r.clone() {
            fold_of[s] = fold_of_doc[di];
        }
    }
    let gold_ids: Vec<Vec<u8>> = sents.iter().map(|s| encode(&s.tags)).collect();
    let mut lexicons: Vec<Lexicon> = vec![Lexicon::default(); FOLDS];
    let mut full_lex = Lexicon::default();
    for (i, s) in sents.iter().enumerate() {
        full_lex.add(&s.tokens, &gold_ids[i]);
        for (f, lex) in lexicons.iter_mut().enumerate() {
            if f != fold_of[i] {
                lex.add(&s.tokens, &gold_ids[i]);
            }
        }
    }
    let x1 = extract_all(&sents, &clusters, &lexicons, &fold_of_doc, None);
    let all: Vec<usize> = (0..sents.len()).collect();
    let stage1 = finish_avg(&x1.keys, &bagged(&x1, &all, opts, opts.seed), opts);
    if !opts.two_stage {
        let m = Recogniser {
            info,
            clusters,
            lexicon: full_lex,
            stage1,
            stage2: None,
        };
        on_epoch(opts.epochs, &m);
        return m;
    }
    // jackknifed first-pass tags
    let mut tags1: Vec<Vec<u8>> = vec![Vec::new(); sents.len()];
    for fold in 0..FOLDS {
        let tr: Vec<usize> = all
            .iter()
            .copied()
            .filter(|&s| fold_of[s] != fold)
            .collect();
        let d = perceptron(
            &x1,
            &tr,
            opts.epochs,
            opts.seed ^ (fold as u64 + 1),
            &mut |_, _| {},
        );
        let mut emis = Vec::new();
        for s in all.iter().copied().filter(|&s| fold_of[s] == fold) {
            d.predict(&x1, s, true, &mut emis, &mut tags1[s]);
        }
    }
    drop(x1);
    let x2 = extract_all(&sents, &clusters, &lexicons, &fold_of_doc, Some(&tags1));
    let mut result = None;
    if opts.bags <= 1 {
        perceptron(&x2, &all, opts.epochs, opts.seed ^ 0x5eed, &mut |e, d| {
            let m = Recogniser {
                info: info.clone(),
                clusters: clusters.clone(),
                lexicon: full_lex.clone(),
                stage1: stage1.clone(),
                stage2: Some(finish(&x2.keys, d, opts)),
            };
            on_epoch(e, &m);
            if e == opts.epochs {
                result = Some(m);
            }
        });
    }
    result.unwrap_or_else(|| {
        let m = Recogniser {
            stage2: Some(finish_avg(
                &x2.keys,
                &bagged(&x2, &all, opts, opts.seed ^ 0x5eed),
                opts,
            )),
            info,
            clusters,
            lexicon: full_lex,
            stage1,
        };
        on_epoch(opts.epochs, &m);
        m
    })
}

/// Averaged weights of one or more perceptron runs.
struct Averaged {
    w: Vec<f32>,
    t: Vec<f32>,
}

impl Averaged {
    fn of(d: &Dense) -> Averaged {
        let c = d.c;
        let avg = |w: &f32, u: &f64| (*w as f64 - u / c) as f32;
        Averaged {
            w: d.w.iter().zip(&d.u).map(|(w, u)| avg(w, u)).collect(),
            t: d.tw.iter().zip(&d.tu).map(|(w, u)| avg(w, u)).collect(),
        }
    }

    /// Adds `other` into `self` (for the mean over several runs).
    fn add(&mut self, other: &Averaged) {
        self.w.iter_mut().zip(&other.w).for_each(|(a, b)| *a += b);
        self.t.iter_mut().zip(&other.t).for_each(|(a, b)| *a += b);
    }

    fn scale(&mut self, k: f32) {
        self.w.iter_mut().for_each(|a| *a *= k);
        self.t.iter_mut().for_each(|a| *a *= k);
    }
}

/// Trains `opts.bags` perceptrons with different shuffling seeds and
/// returns the mean of their averaged weights.
fn bagged(x: &Extracted, subset: &[usize], opts: &TrainOptions, seed: u64) -> Averaged {
    let bags = opts.bags.max(1);
    let mut total: Option<Averaged> = None;
    for b in 0..bags {
        let d = perceptron(
            x,
            subset,
            opts.epochs,
            seed.wrapping_add(b as u64 * 7919),
            &mut |_, _| {},
        );
        let a = Averaged::of(&d);
        drop(d);
        match &mut total {
            None => total = Some(a),
            Some(t) => t.add(&a),
        }
    }
    let mut t = total.expect("at least one bag");
    t.scale(1.0 / bags as f32);
    t
}

/// Averages, prunes and quantises.
fn finish(keys: &[u64], d: &Dense, opts: &TrainOptions) -> Weights {
    finish_avg(keys, &Averaged::of(d), opts)
}

/// Prunes and quantises averaged weights.
fn finish_avg(keys: &[u64], a: &Averaged, opts: &TrainOptions) -> Weights {
    let w = &a.w;
    let mut kept: Vec<(f32, usize)> = Vec::new();
    let mut max_abs = 0f32;
    for i in 0..keys.len() {
        let (mut l1, mut mx) = (0f32, 0f32);
        for t in 0..NT {
            let x = w[i * NT + t].abs();
            l1 += x;
            mx = mx.max(x);
        }
        if mx >= opts.min_weight {
            kept.push((l1, i));
            max_abs = max_abs.max(mx);
        }
    }
    if kept.len() > opts.max_features {
        kept.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        kept.truncate(opts.max_features);
    }
    kept.sort_by_key(|k| keys[k.1]);
    let scale = if max_abs > 0.0 {
        max_abs / 32767.0
    } else {
        1.0
    };
    let mut out_keys = Vec::with_capacity(kept.len());
    let mut rows = Vec::with_capacity(kept.len() * NT);
    for (_, i) in &kept {
        out_keys.push(keys[*i]);
        for t in 0..NT {
            let q = (w[i * NT + t] / scale).round();
            rows.push(q.clamp(-32767.0, 32767.0) as i16);
        }
    }
    let trans = a.t.iter().map(|x| x / scale).collect();
    Weights {
        table: Table::build(&out_keys, &rows),
        keys: out_keys,
        rows,
        trans,
        scale,
    }
}
