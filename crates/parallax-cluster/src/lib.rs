//! Online story clustering, one pass in arrival order.
//!
//! An article arrives as a [`Doc`]: several bags of weighted keys (body
//! terms, title/lead terms, normalised names, numbers, dates) and an optional
//! publication time. Each bag is a TF-IDF vector in its own space (sub-linear
//! term frequency, smoothed IDF from the document frequencies seen so far),
//! L2-normalised. Each story keeps, per space, the sum of its members'
//! vectors (the centroid up to scale) and the exact norm of that sum, updated
//! incrementally, plus the time span of its members.
//!
//! A new article is compared only with the stories an inverted index
//! proposes (stories that share one of its heaviest body terms), never with
//! all stories. For each candidate, [`Features`] are computed (the cosine in
//! every space, a date conflict, the story's size, the time gap) and a
//! logistic model ([`model`], learned on ECB+ odd topics) turns them into a
//! join probability. The article joins the most probable story when that
//! probability reaches the threshold, else it founds a new story.
//!
//! Invariants:
//! - deterministic: the same articles in the same order give the same
//!   stories (no randomised hashing, ties broken by story age);
//! - incremental: adding an article costs time proportional to its own size
//!   and the number of candidates, not to the number of stories;
//! - replayable: [`Clusterer::replay`] rebuilds exactly the state an
//!   uninterrupted run would have, from the stored assignments;
//! - bounded: a story with no new member for [`Config::expire_after`] of
//!   stream time (the latest publication time seen) is closed: it is no
//!   longer a candidate, and its vectors are freed except its title terms
//!   (kept for [`Clusterer::lead_similarity`]). Memory then follows the open
//!   stories, not all stories ever seen. Expiry depends only on the
//!   articles' times and order, so a replay closes the same stories.

pub mod dedup;
pub mod learn;
pub mod model;
pub mod model_dense;

use rustc_hash::FxHashMap;

/// Number of key spaces of a [`Doc`].
pub const SPACES: usize = 5;
const BODY: usize = 0;
const LEAD: usize = 1;
const NAMES: usize = 2;
const NUMBERS: usize = 3;
const DATES: usize = 4;

/// Number of pair features (including the bias).
pub const NF: usize = 15;

/// Names of the pair features, in model order.
pub const FEATURE_NAMES: [&str; NF] = [
    "bias",
    "cos_body",
    "cos_lead",
    "cos_names",
    "cos_numbers",
    "cos_dates",
    "date_conflict",
    "log_size",
    "log_gap_days",
    "body_x_names",
    "body_x_dates",
    "novel_body",
    "novel_names",
    "novel_numbers",
    "cos_dense",
];

/// Index of the time-gap feature: never observed in ECB+ (no publication
/// times), so its weight is a prior, not fitted, and the feature is 0 (neutral)
/// whenever a time is unknown.
pub const GAP_FEATURE: usize = 8;

/// Index of the story-size feature, `log_size`: `ln(1 + members)`.
pub const SIZE_FEATURE: usize = 7;

/// Index of the dense feature: the cosine of the article's sentence
/// embedding with the story's mean embedding. 0 when either has none, so
/// the default model (which has no embeddings) gives it no weight; the
/// dense model ([`Model::dense`]) is fitted with it.
pub const DENSE_FEATURE: usize = 14;

/// The prior weight of `log_gap_days` (a story a week older than the article
/// loses about 2 in log-odds). Not learned: ECB+ has no times.
pub const GAP_WEIGHT: f32 = -1.0;

/// The surprise (in nats) at which a shared key counts fully in
/// [`Clusterer`]'s specificity: a key found in one article of a thousand.
const SPECIFICITY_CAP: f32 = 6.9;

/// What the clusterer sees of one article.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Doc {
    /// Weighted body terms (title words counted more).
    pub terms: Vec<(String, f32)>,
    /// Weighted terms of the title and lead.
    pub lead: Vec<(String, f32)>,
    /// Normalised name keys.
    pub names: Vec<(String, f32)>,
    /// Numbers mentioned (not years).
    pub numbers: Vec<(String, f32)>,
    /// Dates mentioned: years, months of years, days of months.
    pub dates: Vec<(String, f32)>,
    /// Publication time, seconds since the epoch, when known.
    pub time: Option<i64>,
    /// A unit-length sentence embedding of the title and lead (optional
    /// dense feature; empty when the caller has no encoder).
    pub embedding: Vec<f32>,
}

impl Doc {
    /// A document of body terms only.
    pub fn from_terms(terms: Vec<(String, f32)>) -> Doc {
        Doc {
            terms,
            ..Default::default()
        }
    }

    fn space(&self, k: usize) -> &[(String, f32)] {
        match k {
            BODY => &self.terms,
            LEAD => &self.lead,
            NAMES => &self.names,
            NUMBERS => &self.numbers,
            _ => &self.dates,
        }
    }
}

/// The join model: weights of the pair features and the probability
/// threshold.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Model {
    /// Weights, in the order of [`FEATURE_NAMES`].
    pub weights: [f32; NF],
}

impl Default for Model {
    fn default() -> Self {
        let mut weights = model::WEIGHTS;
        weights[GAP_FEATURE] = GAP_WEIGHT;
        Model { weights }
    }
}

impl Model {
    /// The model fitted with the dense feature, for articles that carry
    /// embeddings ([`Doc::embedding`]), with its calibrated threshold.
    pub fn dense() -> (Model, f32) {
        let mut weights = model_dense::WEIGHTS;
        weights[GAP_FEATURE] = GAP_WEIGHT;
        (Model { weights }, model_dense::THRESHOLD)
    }

    /// Join probability of the features.
    pub fn probability(&self, f: &Features) -> f32 {
        let z: f32 = self
            .weights
            .iter()
            .zip(f.0.iter())
            .map(|(w, x)| w * x)
            .sum();
        1.0 / (1.0 + (-z).exp())
    }
}

/// A sentence encoder for the optional dense feature: text in, a
/// unit-length embedding out (all of one width).
pub trait Embed: Send + Sync {
    /// The embedding of `text`.
    fn embed(&self, text: &str) -> Vec<f32>;
}

/// A process-wide sentence encoder ([`Config::embedder`]): a `'static`
/// reference, so a [`Config`] stays `Copy`. Two embedders are equal when
/// they are the same object.
#[derive(Clone, Copy)]
pub struct Embedder(pub &'static dyn Embed);

impl std::fmt::Debug for Embedder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Embedder")
    }
}

impl PartialEq for Embedder {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::addr_eq(self.0 as *const dyn Embed, other.0 as *const dyn Embed)
    }
}

/// Tuning of the clusterer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Config {
    /// Join probability at or above which an article joins a story.
    pub threshold: f32,
    /// A story of at most this many articles is young: the article it
    /// would take in must reach [`Config::young_threshold`]. 0: no story
    /// is young.
    pub young_size: u32,
    /// Join probability a young story asks for (the larger of this and
    /// [`Config::threshold`] applies). With one or two reports there is
    /// little to judge by, and a wrong join is costly: the centroid takes
    /// the other event's words, and that event's later reports follow.
    pub young_threshold: f32,
    /// The join model.
    pub model: Model,
    /// How many of an article's heaviest terms query the inverted index and
    /// index the story it joins.
    pub index_terms: usize,
    /// Most candidate stories scored per article.
    pub max_candidates: usize,
    /// Longest posting list kept per term (most recent stories win).
    pub max_postings: usize,
    /// Seconds of stream time after its latest member at which a story is
    /// closed (see the module's invariants); `None` keeps every story open.
    pub expire_after: Option<i64>,
    /// Join probability at or above which an article that joins one story
    /// also merges a second candidate story into it: the article bridges
    /// two stories that turn out to report one event. `None` never merges.
    pub merge_threshold: Option<f32>,
    /// The sentence encoder that fills [`Doc::embedding`] for the callers
    /// that build docs (the engine); `None` in the default build. Use
    /// [`Config::dense`], which also selects the model fitted with it.
    pub embedder: Option<Embedder>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            threshold: DEFAULT_THRESHOLD,
            young_size: model::YOUNG_SIZE,
            young_threshold: model::YOUNG_THRESHOLD,
            model: Model::default(),
            index_terms: 16,
            max_candidates: 64,
            max_postings: 4096,
            expire_after: Some(DEFAULT_EXPIRY),
            merge_threshold: DEFAULT_MERGE_THRESHOLD,
            embedder: None,
        }
    }
}

impl Config {
    /// The default configuration with the dense feature: `embedder` fills
    /// the docs' embeddings, and the join model and thresholds are those
    /// fitted with it ([`Model::dense`], `model_dense.rs`). A store should
    /// be built with one setting throughout: stories without embeddings get
    /// a dense cosine of 0.
    pub fn dense(embedder: Embedder) -> Config {
        let (model, threshold) = Model::dense();
        Config {
            model,
            threshold,
            young_size: model_dense::YOUNG_SIZE,
            young_threshold: model_dense::YOUNG_THRESHOLD,
            embedder: Some(embedder),
            ..Config::default()
        }
    }

    /// The join probability an article needs to join a story of `size`
    /// articles.
    pub fn join_threshold(&self, size: u32) -> f32 {
        if size <= self.young_size {
            self.young_threshold.max(self.threshold)
        } else {
            self.threshold
        }
    }
}

/// The default [`Config::merge_threshold`] (see ARCHITECTURE.md, "Story
/// clustering: figures").
pub const DEFAULT_MERGE_THRESHOLD: Option<f32> = Some(0.65);

/// Stream time after which a story with no new member is closed: three
/// days. A development after a longer silence starts a new story (the
/// engine may still link it by shared entities); one follow-up keeps a
/// story open for three more days.
pub const DEFAULT_EXPIRY: i64 = 3 * 86_400;

/// The join probability threshold calibrated on ECB+ dev (odd topics; see
/// ARCHITECTURE.md and `parallax-eval cluster --fit`).
pub const DEFAULT_THRESHOLD: f32 = model::THRESHOLD;

/// Pair features of an article and a candidate story.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Features(pub [f32; NF]);

/// The decision taken for one article.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Assignment {
    /// Index of the story (in creation order) the article belongs to.
    pub story: usize,
    /// True when the article founded the story.
    pub founded: bool,
    /// Join probability of the chosen story (0 when founded).
    pub score: f32,
    /// A second story merged into [`Assignment::story`] before the article
    /// joined it (see [`Config::merge_threshold`]): from then on it is
    /// part of that story, and its index resolves there.
    pub merged: Option<usize>,
}

#[derive(Default)]
struct Space {
    vocab: FxHashMap<String, u32>,
    df: Vec<u32>,
}

struct Story {
    /// Per space, sum of member vectors: key id -> weight.
    sum: [FxHashMap<u32, f32>; SPACES],
    /// Per space, squared L2 norm of `sum`.
    norm2: [f32; SPACES],
    /// Members so far.
    size: u32,
    /// Earliest and latest known publication time of its members.
    span: Option<(i64, i64)>,
    /// Sum of its members' embeddings (empty when none had one).
    dense: Vec<f32>,
}

type Vectors = [Vec<(u32, f32)>; SPACES];

/// The online clusterer's state.
pub struct Clusterer {
    config: Config,
    spaces: [Space; SPACES],
    docs: u32,
    stories: Vec<Story>,
    /// Per story, closed by expiry: not a candidate, vectors freed but the
    /// lead's. Apart from [`Story`] so the candidate scan, which checks it
    /// for every posting, reads one byte per story.
    story_closed: Vec<bool>,
    postings: FxHashMap<u32, Vec<u32>>,
    /// Latest publication time seen (stream time).
    now: Option<i64>,
    /// (latest member time, story) each time a story gained a member with
    /// a time: the expiry queue, earliest first. An entry is stale when the
    /// story has gained a later member since.
    activity: std::collections::BinaryHeap<std::cmp::Reverse<(i64, u32)>>,
    /// Stories closed since the posting lists were last compacted.
    closed_since_compaction: usize,
    /// Stories closed so far.
    closed: usize,
    /// Per story, the story it was merged into ([`NOT_MERGED`]: none).
    merged_into: Vec<u32>,
    /// Stories merged into others so far.
    merged: usize,
}

const NOT_MERGED: u32 = u32::MAX;

impl Clusterer {
    /// An empty clusterer.
    pub fn new(config: Config) -> Self {
        Clusterer {
            config,
            spaces: Default::default(),
            docs: 0,
            stories: Vec::new(),
            story_closed: Vec::new(),
            postings: FxHashMap::default(),
            now: None,
            activity: Default::default(),
            closed_since_compaction: 0,
            closed: 0,
            merged_into: Vec::new(),
            merged: 0,
        }
    }

    /// Number of stories merged into others so far.
    pub fn merged_stories(&self) -> usize {
        self.merged
    }

    /// The story a story index stands for now: itself, or the story it
    /// was merged into (following later merges too).
    pub fn resolve(&self, story: usize) -> usize {
        let mut s = story;
        while let Some(&t) = self.merged_into.get(s) {
            if t == NOT_MERGED {
                break;
            }
            s = t as usize;
        }
        s
    }

    /// Number of stories closed by expiry so far.
    pub fn closed_stories(&self) -> usize {
        self.closed
    }

    /// Moves stream time to `time` (never back) and closes the stories
    /// whose latest member is older than the expiry allows. Amortised cost:
    /// one heap pop per story activity.
    fn advance(&mut self, time: Option<i64>) {
        let (Some(t), Some(expire)) = (time, self.config.expire_after) else {
            return;
        };
        if self.now.is_some_and(|now| now >= t) {
            return;
        }
        self.now = Some(t);
        let cutoff = t.saturating_sub(expire);
        while let Some(&std::cmp::Reverse((hi, story))) = self.activity.peek() {
            if hi >= cutoff {
                break;
            }
            self.activity.pop();
            let s = &mut self.stories[story as usize];
            // Stale entry: the story had a later member, or was merged.
            if self.story_closed[story as usize]
                || self.merged_into[story as usize] != NOT_MERGED
                || s.span.is_some_and(|(_, h)| h != hi)
            {
                continue;
            }
            self.story_closed[story as usize] = true;
            for k in 0..SPACES {
                if k != LEAD {
                    s.sum[k] = FxHashMap::default();
                    s.norm2[k] = 0.0;
                }
            }
            s.dense = Vec::new();
            self.closed += 1;
            self.closed_since_compaction += 1;
        }
        // Drop closed stories from the posting lists once they are a good
        // share of them: linear in the postings, so amortised.
        if self.closed_since_compaction > 1024
            && self.closed_since_compaction * 4 > self.stories.len() - self.closed + 1024
        {
            let closed = &self.story_closed;
            let merged_into = &self.merged_into;
            self.postings.retain(|_, list| {
                list.retain(|&s| merged_into[s as usize] != NOT_MERGED || !closed[s as usize]);
                !list.is_empty()
            });
            self.closed_since_compaction = 0;
        }
    }

    /// Number of stories so far.
    pub fn stories(&self) -> usize {
        self.stories.len()
    }

    /// Number of articles seen so far.
    pub fn articles(&self) -> u32 {
        self.docs
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Assigns an article to a story and updates the state.
    pub fn add(&mut self, doc: &Doc) -> Assignment {
        let vectors = self.observe(doc);
        let scored = self.scored_candidates(&vectors, doc);
        let best = best_of(scored.iter().copied());
        match best {
            Some((story, score))
                if score >= self.config.join_threshold(self.stories[story].size) =>
            {
                // A second story the article fits as well: the two report
                // one event. The older keeps its index; the newer merges
                // into it before the article joins.
                let other = self.config.merge_threshold.and_then(|t| {
                    let t = t.max(self.config.threshold);
                    best_of(
                        scored
                            .iter()
                            .copied()
                            .filter(|&(s, p)| s != story && p >= t),
                    )
                });
                let (story, merged) = match other {
                    Some((o, _)) => {
                        let (into, from) = (story.min(o), story.max(o));
                        self.merge(from, into);
                        (into, Some(from))
                    }
                    None => (story, None),
                };
                self.join(story, &vectors, doc);
                Assignment {
                    story,
                    founded: false,
                    score,
                    merged,
                }
            }
            _ => {
                let story = self.found(&vectors, doc);
                Assignment {
                    story,
                    founded: true,
                    score: 0.0,
                    merged: None,
                }
            }
        }
    }

    /// Merges story `from` into story `into` (both resolved first): its
    /// members, vectors and time span become `into`'s, and its index
    /// resolves to `into` from now on. [`Clusterer::add`] does this when an
    /// article bridges two stories; a replay calls it at the same place
    /// (before the article that caused it). Merging a story into itself
    /// does nothing.
    pub fn merge(&mut self, from: usize, into: usize) {
        let (from, into) = (self.resolve(from), self.resolve(into));
        if from == into || from >= self.stories.len() || into >= self.stories.len() {
            return;
        }
        let gone = std::mem::replace(
            &mut self.stories[from],
            Story {
                sum: Default::default(),
                norm2: [0.0; SPACES],
                size: 0,
                span: None,
                dense: Vec::new(),
            },
        );
        let s = &mut self.stories[into];
        for (k, sum) in gone.sum.into_iter().enumerate() {
            for (id, w) in sum {
                *s.sum[k].entry(id).or_insert(0.0) += w;
            }
            s.norm2[k] = s.sum[k].values().map(|w| w * w).sum();
        }
        add_dense(&mut s.dense, &gone.dense);
        s.size += gone.size;
        s.span = match (s.span, gone.span) {
            (Some((a, b)), Some((c, d))) => Some((a.min(c), b.max(d))),
            (x, y) => x.or(y),
        };
        if self.story_closed[from] {
            self.story_closed[from] = false;
            self.closed -= 1;
        }
        self.merged_into[from] = into as u32;
        self.merged += 1;
        self.track(into);
    }

    /// Adds an article to a story chosen by the caller (a copy goes with
    /// its original): the state ends as after [`Clusterer::replay`].
    pub fn add_to(&mut self, doc: &Doc, story: usize) -> Assignment {
        let vectors = self.observe(doc);
        let story = self.resolve(story);
        let score = (story < self.stories.len()).then(|| {
            let f = self.features(&vectors, doc, story);
            self.config.model.probability(&f)
        });
        let story = self.join_or_found(story, &vectors, doc);
        Assignment {
            story,
            founded: score.is_none(),
            score: score.unwrap_or(0.0),
            merged: None,
        }
    }

    /// Adds the article's vectors to story `story` when it exists (resolved
    /// already), else founds a new story. Returns the story.
    fn join_or_found(&mut self, story: usize, vectors: &Vectors, doc: &Doc) -> usize {
        if story < self.stories.len() {
            self.join(story, vectors, doc);
            story
        } else {
            self.found(vectors, doc)
        }
    }

    /// Scores an article against the current stories without changing any
    /// state: the best candidate story and its join probability.
    pub fn peek(&self, doc: &Doc) -> Option<(usize, f32)> {
        let vectors: Vectors = std::array::from_fn(|k| {
            let ids: Vec<(u32, f32)> = doc
                .space(k)
                .iter()
                .filter_map(|(t, w)| self.spaces[k].vocab.get(t).map(|&id| (id, *w)))
                .collect();
            self.weigh(k, &ids, self.docs + 1)
        });
        best_of(self.scored_candidates(&vectors, doc))
    }

    /// Replays an article whose story is already known (from the store):
    /// the state ends exactly as after the original [`Clusterer::add`].
    /// `story` must be an existing story index or the next new one.
    pub fn replay(&mut self, doc: &Doc, story: usize) {
        self.add_to(doc, story);
    }

    /// Replays an article whose arrival merged story `from` into story
    /// `into` (an [`Assignment::merged`]) and which joined `into`: the
    /// state ends exactly as after the original [`Clusterer::add`].
    pub fn replay_merged(&mut self, doc: &Doc, from: usize, into: usize) {
        let vectors = self.observe(doc);
        self.merge(from, into);
        self.join_or_found(self.resolve(into), &vectors, doc);
    }

    /// For learning: the features of every candidate story the index
    /// proposes for `doc` (exactly as [`Clusterer::add`] would see them),
    /// then replays `doc` into `story`.
    pub fn candidates_then_replay(&mut self, doc: &Doc, story: usize) -> Vec<(usize, Features)> {
        let vectors = self.observe(doc);
        let story = self.resolve(story);
        let out = self
            .candidates(&vectors)
            .into_iter()
            .map(|s| (s, self.features(&vectors, doc, s)))
            .collect();
        self.join_or_found(story, &vectors, doc);
        out
    }

    /// Interns keys, updates document frequencies, and returns the
    /// article's normalised TF-IDF vectors sorted by weight (heaviest first).
    fn observe(&mut self, doc: &Doc) -> Vectors {
        self.advance(doc.time);
        self.docs += 1;
        let docs = self.docs;
        std::array::from_fn(|k| {
            let space = &mut self.spaces[k];
            let terms = doc.space(k);
            let mut ids = Vec::with_capacity(terms.len());
            for (t, w) in terms {
                let id = match space.vocab.get(t) {
                    Some(&id) => id,
                    None => {
                        let id = space.vocab.len() as u32;
                        space.vocab.insert(t.clone(), id);
                        space.df.push(0);
                        id
                    }
                };
                space.df[id as usize] += 1;
                ids.push((id, *w));
            }
            self.weigh(k, &ids, docs)
        })
    }

    fn weigh(&self, k: usize, ids: &[(u32, f32)], docs: u32) -> Vec<(u32, f32)> {
        let n = docs as f32;
        let df = &self.spaces[k].df;
        let mut v: Vec<(u32, f32)> = ids
            .iter()
            .map(|&(id, tf)| {
                let df = df.get(id as usize).copied().unwrap_or(0) as f32;
                let idf = ((n + 1.0) / (df + 1.0)).ln() + 1.0;
                (id, (1.0 + tf.max(1e-6).ln().max(0.0)) * idf)
            })
            .collect();
        let norm = v.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
        if norm > 0.0 {
            for (_, w) in &mut v {
                *w /= norm;
            }
        }
        v.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        v
    }

    /// Candidate stories: those sharing the most heavy body terms, then the
    /// most recent. A merged story's postings count for the story it was
    /// merged into, once per term.
    fn candidates(&self, vectors: &Vectors) -> Vec<usize> {
        // Story -> (terms shared, the last term that counted).
        let mut hits: FxHashMap<u32, (u32, usize)> = FxHashMap::default();
        for (t, (id, _)) in vectors[BODY]
            .iter()
            .take(self.config.index_terms)
            .enumerate()
        {
            if let Some(list) = self.postings.get(id) {
                for &s in list {
                    let s = self.resolve(s as usize) as u32;
                    if !self.story_closed[s as usize] {
                        let e = hits.entry(s).or_insert((0, usize::MAX));
                        if e.1 != t {
                            *e = (e.0 + 1, t);
                        }
                    }
                }
            }
        }
        let mut candidates: Vec<(u32, u32)> = hits.into_iter().map(|(s, (n, _))| (s, n)).collect();
        candidates.sort_by(|a, b| b.1.cmp(&a.1).then(b.0.cmp(&a.0)));
        candidates.truncate(self.config.max_candidates);
        candidates.into_iter().map(|(s, _)| s as usize).collect()
    }

    /// Every candidate story with its join probability.
    fn scored_candidates(&self, vectors: &Vectors, doc: &Doc) -> Vec<(usize, f32)> {
        self.candidates(vectors)
            .into_iter()
            .map(|s| {
                let f = self.features(vectors, doc, s);
                (s, self.config.model.probability(&f))
            })
            .collect()
    }

    /// The pair features of an article (its vectors and embedding) and a
    /// story.
    fn features(&self, vectors: &Vectors, doc: &Doc, story: usize) -> Features {
        let time = doc.time;
        let s = &self.stories[story];
        let mut f = [0.0f32; NF];
        f[0] = 1.0;
        let mut novelty = [0.0f32; SPACES];
        for k in 0..SPACES {
            (f[1 + k], novelty[k]) = cosine_and_novelty(s, k, &vectors[k]);
        }
        if !vectors[DATES].is_empty() && s.norm2[DATES] > 0.0 && f[1 + DATES] == 0.0 {
            f[6] = 1.0;
        }
        f[1 + DATES] *= self.specificity(DATES, s, &vectors[DATES]);
        f[SIZE_FEATURE] = (1.0 + s.size as f32).ln();
        f[9] = f[1] * f[1 + NAMES];
        f[10] = f[1] * f[1 + DATES];
        f[11] = novelty[BODY];
        f[12] = novelty[NAMES];
        f[13] = novelty[NUMBERS];
        f[DENSE_FEATURE] = dense_cosine(&doc.embedding, &s.dense);
        if let (Some(t), Some((lo, hi))) = (time, s.span) {
            let gap = if t < lo {
                lo - t
            } else if t > hi {
                t - hi
            } else {
                0
            };
            f[GAP_FEATURE] = (1.0 + gap as f32 / 86_400.0).ln();
        }
        Features(f)
    }

    /// How telling a match in space `k` is: the surprise of the rarest key
    /// the article shares with the story, `ln((N + 1) / (df + 1))` over the
    /// articles seen so far, as a share of [`SPECIFICITY_CAP`] (0: nothing
    /// shared). "On Monday" is shared by every report of a day in a dense
    /// stream and tells nothing there; a shared date three years back does.
    fn specificity(&self, k: usize, s: &Story, vector: &[(u32, f32)]) -> f32 {
        let n = self.docs as f32 + 1.0;
        let df = &self.spaces[k].df;
        let mut best = 0.0f32;
        for (id, _) in vector {
            if s.sum[k].contains_key(id) {
                let d = df.get(*id as usize).copied().unwrap_or(0) as f32;
                best = best.max((n / (d + 1.0)).ln());
            }
        }
        (best / SPECIFICITY_CAP).clamp(0.0, 1.0)
    }

    fn join(&mut self, story: usize, vectors: &Vectors, doc: &Doc) {
        let time = doc.time;
        let s = &mut self.stories[story];
        add_dense(&mut s.dense, &doc.embedding);
        for (k, vector) in vectors.iter().enumerate() {
            let sum = &mut s.sum[k];
            let mut dot = 0.0;
            let mut self2 = 0.0;
            for &(id, w) in vector {
                let e = sum.entry(id).or_insert(0.0);
                dot += *e * w;
                self2 += w * w;
                *e += w;
            }
            s.norm2[k] += 2.0 * dot + self2;
        }
        s.size += 1;
        if let Some(t) = time {
            s.span = Some(s.span.map_or((t, t), |(lo, hi)| (lo.min(t), hi.max(t))));
        }
        // A member added to a closed story (a copy of one of its articles,
        // or the caller's choice) reopens it with what it now holds.
        if self.story_closed[story] {
            self.story_closed[story] = false;
            self.closed -= 1;
        }
        self.track(story);
        self.index(story as u32, &vectors[BODY]);
    }

    /// Queues a story's latest member time for expiry.
    fn track(&mut self, story: usize) {
        if self.config.expire_after.is_some() {
            if let Some((_, hi)) = self.stories[story].span {
                self.activity.push(std::cmp::Reverse((hi, story as u32)));
            }
        }
    }

    fn found(&mut self, vectors: &Vectors, doc: &Doc) -> usize {
        let story = self.stories.len();
        self.stories.push(Story {
            sum: std::array::from_fn(|k| vectors[k].iter().copied().collect()),
            norm2: std::array::from_fn(|k| vectors[k].iter().map(|(_, w)| w * w).sum()),
            size: 1,
            span: doc.time.map(|t| (t, t)),
            dense: doc.embedding.clone(),
        });
        self.story_closed.push(false);
        self.merged_into.push(NOT_MERGED);
        self.track(story);
        self.index(story as u32, &vectors[BODY]);
        story
    }

    fn index(&mut self, story: u32, vector: &[(u32, f32)]) {
        let max = self.config.max_postings;
        for (id, _) in vector.iter().take(self.config.index_terms) {
            let list = self.postings.entry(*id).or_default();
            if list.last() != Some(&story) && !list.contains(&story) {
                list.push(story);
                if list.len() > max {
                    let excess = list.len() - max;
                    list.drain(..excess);
                }
            }
        }
    }

    /// The inverse document frequency of a body term in the articles seen
    /// so far (smoothed; an unseen term gets the highest value).
    pub fn idf(&self, term: &str) -> f32 {
        let space = &self.spaces[BODY];
        let df = space
            .vocab
            .get(term)
            .and_then(|&id| space.df.get(id as usize))
            .copied()
            .unwrap_or(0) as f32;
        ((self.docs as f32 + 1.0) / (df + 1.0)).ln() + 1.0
    }

    /// Cosine of a set of lead terms (a title) with a story's lead centroid,
    /// with the current IDF: how central a title is to the story.
    pub fn lead_similarity(&self, story: usize, terms: &[(String, f32)]) -> f32 {
        let Some(s) = self.stories.get(self.resolve(story)) else {
            return 0.0;
        };
        let ids: Vec<(u32, f32)> = terms
            .iter()
            .filter_map(|(t, w)| self.spaces[LEAD].vocab.get(t).map(|&id| (id, *w)))
            .collect();
        let v = self.weigh(LEAD, &ids, self.docs);
        cosine(s, LEAD, &v)
    }

    /// Members of a story so far.
    pub fn story_size(&self, story: usize) -> u32 {
        self.stories
            .get(self.resolve(story))
            .map(|s| s.size)
            .unwrap_or(0)
    }
}

/// The most probable of scored stories, ties to the oldest.
fn best_of(scored: impl IntoIterator<Item = (usize, f32)>) -> Option<(usize, f32)> {
    let mut best: Option<(usize, f32)> = None;
    for (s, score) in scored {
        let better = match best {
            None => true,
            Some((bs, bscore)) => score > bscore || (score == bscore && s < bs),
        };
        if better {
            best = Some((s, score));
        }
    }
    best
}

/// Adds an embedding to a story's sum (an empty sum takes it as it is;
/// embeddings of another width are ignored).
fn add_dense(sum: &mut Vec<f32>, e: &[f32]) {
    if sum.is_empty() {
        sum.extend_from_slice(e);
    } else if sum.len() == e.len() {
        for (s, x) in sum.iter_mut().zip(e) {
            *s += x;
        }
    }
}

/// The cosine of an article's unit embedding with a story's embedding sum
/// (0 when either is empty or the widths differ).
fn dense_cosine(e: &[f32], sum: &[f32]) -> f32 {
    if e.is_empty() || e.len() != sum.len() {
        return 0.0;
    }
    let norm = sum.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm <= 0.0 {
        return 0.0;
    }
    (e.iter().zip(sum).map(|(a, b)| a * b).sum::<f32>() / norm).clamp(-1.0, 1.0)
}

/// The cosine of an article's vector with a story's centroid in one space,
/// and the share of the vector's energy on keys the story has never seen
/// (its new names, numbers or terms), in one pass.
fn cosine_and_novelty(s: &Story, k: usize, vector: &[(u32, f32)]) -> (f32, f32) {
    let sum = &s.sum[k];
    let (mut dot, mut new) = (0.0f32, 0.0f32);
    for (id, w) in vector {
        match sum.get(id) {
            Some(x) => dot += w * x,
            None => new += w * w,
        }
    }
    let cos = if s.norm2[k] > 0.0 {
        (dot / s.norm2[k].sqrt()).clamp(0.0, 1.0)
    } else {
        0.0
    };
    (cos, new.min(1.0))
}

fn cosine(s: &Story, k: usize, vector: &[(u32, f32)]) -> f32 {
    if s.norm2[k] <= 0.0 || vector.is_empty() {
        return 0.0;
    }
    let sum = &s.sum[k];
    let dot: f32 = vector
        .iter()
        .map(|(id, w)| w * sum.get(id).copied().unwrap_or(0.0))
        .sum();
    (dot / s.norm2[k].sqrt()).clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A model that listens only to the dense feature: join when the
    /// embeddings' cosine exceeds 0.5.
    fn dense_only() -> Config {
        let mut weights = [0.0; NF];
        weights[0] = -4.0;
        weights[DENSE_FEATURE] = 8.0;
        Config {
            model: Model { weights },
            threshold: 0.5,
            ..Config::default()
        }
    }

    fn embedded(terms: &str, e: &[f32]) -> Doc {
        let mut d = doc(terms);
        d.embedding = e.to_vec();
        d
    }

    #[test]
    fn the_dense_feature_compares_embeddings_with_the_story_mean() {
        let mut c = Clusterer::new(dense_only());
        let same_words = "bridge collapse river divers";
        assert!(c.add(&embedded(same_words, &[1.0, 0.0, 0.0])).founded);
        // The same words, another meaning: a new story.
        let other = c.add(&embedded(same_words, &[0.0, 1.0, 0.0]));
        assert!(other.founded);
        // Close to the first story's mean: joins it.
        let near = c.add(&embedded(same_words, &[0.9, 0.1, 0.0]));
        assert_eq!((near.story, near.founded), (0, false));
        // Without an embedding the feature is 0: nothing to join.
        assert!(c.add(&doc(same_words)).founded);
        // A merge adds the embedding sums: the merged story's mean lies
        // between the two (story 0 alone is too far from this one).
        c.merge(1, 0);
        let between = c.add(&embedded(same_words, &[0.3, 0.95, 0.0]));
        assert_eq!((between.story, between.founded), (0, false));
        assert_eq!(dense_cosine(&[1.0, 0.0], &[]), 0.0);
        assert_eq!(dense_cosine(&[1.0, 0.0], &[2.0, 0.0, 0.0]), 0.0);
        assert!((dense_cosine(&[0.6, 0.8], &[2.0, 0.0]) - 0.6).abs() < 1e-6);
    }

    #[test]
    fn the_dense_configuration_uses_the_model_fitted_with_it() {
        struct Constant;
        impl Embed for Constant {
            fn embed(&self, _: &str) -> Vec<f32> {
                vec![1.0]
            }
        }
        static CONSTANT: Constant = Constant;
        let c = Config::dense(Embedder(&CONSTANT));
        assert_eq!(c.threshold, model_dense::THRESHOLD);
        assert!(c.model.weights[DENSE_FEATURE] > 0.0);
        assert_eq!(c.embedder, Some(Embedder(&CONSTANT)));
        assert_eq!(Config::default().model.weights[DENSE_FEATURE], 0.0);
        assert_eq!(Config::default().embedder, None);
    }

    fn doc(s: &str) -> Doc {
        let mut m: std::collections::BTreeMap<String, f32> = Default::default();
        for w in s.split_whitespace() {
            *m.entry(w.to_string()).or_default() += 1.0;
        }
        Doc::from_terms(m.into_iter().collect())
    }

    fn cosine_only() -> Config {
        let mut weights = [0.0; NF];
        weights[0] = -3.0;
        weights[1] = 10.0;
        Config {
            model: Model { weights },
            threshold: 0.5,
            merge_threshold: None,
            ..Default::default()
        }
    }

    fn run(docs: &[&str]) -> Vec<usize> {
        let mut c = Clusterer::new(cosine_only());
        docs.iter().map(|d| c.add(&doc(d)).story).collect()
    }

    const DOCS: &[&str] = &[
        "bridge collapse tarno river rescue divers",
        "cup final mariners union goal stadium",
        "tarno bridge collapse divers search river",
        "rate cut bank inflation governor",
        "mariners win cup final goal",
    ];

    #[test]
    fn groups_similar_articles() {
        assert_eq!(run(DOCS), vec![0, 1, 0, 2, 1]);
    }

    #[test]
    fn a_young_story_asks_for_more() {
        let first = "bridge collapse tarno river rescue divers";
        let copy = "bridge collapse tarno river rescue divers";
        let loose = "bridge collapse river flood warning";
        // The loose report's join probability against the one-article story.
        let mut plain = Clusterer::new(cosine_only());
        plain.add(&doc(first));
        let (_, p) = plain.peek(&doc(loose)).unwrap();
        // A threshold it clears, and a young threshold it does not.
        let config = Config {
            threshold: p / 2.0,
            young_size: 1,
            young_threshold: (1.0 + p) / 2.0,
            ..cosine_only()
        };
        assert_eq!(config.join_threshold(1), (1.0 + p) / 2.0);
        assert_eq!(config.join_threshold(2), p / 2.0);
        let mut c = Clusterer::new(config);
        c.add(&doc(first));
        let a = c.add(&doc(loose));
        assert!(a.founded, "a young story asks for more: {p} {a:?}");
        // Once the story has two reports, the same article joins it.
        let mut c = Clusterer::new(config);
        c.add(&doc(first));
        assert!(!c.add(&doc(copy)).founded);
        let a = c.add(&doc(loose));
        assert_eq!((a.story, a.founded), (0, false), "{a:?}");
        // A young threshold below the threshold changes nothing.
        let lower = Config {
            young_threshold: 0.0,
            ..config
        };
        assert_eq!(lower.join_threshold(1), lower.threshold);
    }

    #[test]
    fn deterministic() {
        assert_eq!(run(DOCS), run(DOCS));
    }

    #[test]
    fn replay_rebuilds_the_same_state() {
        let mut a = Clusterer::new(cosine_only());
        let stories: Vec<usize> = DOCS[..4].iter().map(|d| a.add(&doc(d)).story).collect();
        let mut b = Clusterer::new(cosine_only());
        for (d, s) in DOCS[..4].iter().zip(&stories) {
            b.replay(&doc(d), *s);
        }
        assert_eq!(a.add(&doc(DOCS[4])), b.add(&doc(DOCS[4])));
    }

    #[test]
    fn peek_changes_nothing() {
        let mut c = Clusterer::new(Config::default());
        c.add(&doc(DOCS[0]));
        let before = c.articles();
        assert!(c.peek(&doc(DOCS[2])).is_some());
        assert_eq!(c.articles(), before);
    }

    fn dated(s: &str, date: &str) -> Doc {
        let mut d = doc(s);
        d.dates = vec![(date.to_string(), 1.0)];
        d
    }

    #[test]
    fn a_date_every_article_shares_tells_nothing() {
        // Twenty reports of different events on one day all say "Monday":
        // matching that date must weigh less than matching a date that
        // only two articles give.
        let mut c = Clusterer::new(Config::default());
        for i in 0..20 {
            let v = c.observe(&dated(&format!("event{i} town{i}"), "m11d16"));
            c.found(&v, &Doc::default());
        }
        let v = c.observe(&dated("event3 town3", "m11d16"));
        let common = c.features(&v, &Doc::default(), 3).0[1 + DATES];
        let mut c = Clusterer::new(Config::default());
        for i in 0..20 {
            let date = if i == 3 { "m4d2y2009" } else { "m11d16" };
            let v = c.observe(&dated(&format!("event{i} town{i}"), date));
            c.found(&v, &Doc::default());
        }
        let v = c.observe(&dated("event3 town3", "m4d2y2009"));
        let rare = c.features(&v, &Doc::default(), 3).0[1 + DATES];
        assert!(common < 0.1, "{common}");
        assert!(rare > 3.0 * common, "{rare} vs {common}");
        // Nothing shared: no date similarity at all.
        let v = c.observe(&dated("event5 town5", "m1d1"));
        assert_eq!(c.features(&v, &Doc::default(), 5).0[1 + DATES], 0.0);
    }

    #[test]
    fn unknown_time_is_neutral() {
        let mut c = Clusterer::new(Config::default());
        let v = c.observe(&doc(DOCS[0]));
        c.found(&v, &Doc::default());
        let v = c.observe(&doc(DOCS[2]));
        assert_eq!(
            c.features(
                &v,
                &Doc {
                    time: Some(1_000_000),
                    ..Doc::default()
                },
                0
            )
            .0[GAP_FEATURE],
            0.0
        );
        assert_eq!(c.features(&v, &Doc::default(), 0).0[GAP_FEATURE], 0.0);
    }

    fn timed(s: &str, hours: i64) -> Doc {
        let mut d = doc(s);
        d.lead = d.terms.clone();
        d.time = Some(1_700_000_000 + hours * 3600);
        d
    }

    #[test]
    fn a_quiet_story_closes_and_a_late_report_starts_a_new_one() {
        let mut c = Clusterer::new(cosine_only());
        assert!(c.add(&timed(DOCS[0], 0)).founded);
        // A follow-up within the window joins and keeps the story open.
        assert_eq!(c.add(&timed(DOCS[2], 60)).story, 0);
        // Other news moves stream time on: 60 h + 3 days is passed.
        c.add(&timed(DOCS[3], 60 + 73));
        assert_eq!(c.closed_stories(), 1);
        assert!(c.stories[0].sum[BODY].is_empty(), "vectors freed");
        assert!(!c.stories[0].sum[LEAD].is_empty(), "the lead is kept");
        let late = c.add(&timed(DOCS[2], 60 + 74));
        assert!(late.founded, "a closed story is no candidate");
        // Without expiry the same stream keeps one story.
        let mut open = Clusterer::new(Config {
            expire_after: None,
            ..cosine_only()
        });
        for (d, h) in [(DOCS[0], 0), (DOCS[2], 60), (DOCS[3], 133)] {
            open.add(&timed(d, h));
        }
        assert_eq!(open.add(&timed(DOCS[2], 134)).story, 0);
    }

    #[test]
    fn expiry_replays_exactly() {
        let stream: Vec<Doc> = (0..40)
            .map(|i| timed(DOCS[i % DOCS.len()], (i as i64) * 20))
            .collect();
        let mut a = Clusterer::new(cosine_only());
        let stories: Vec<usize> = stream.iter().map(|d| a.add(d).story).collect();
        assert!(a.closed_stories() > 0);
        let mut b = Clusterer::new(cosine_only());
        for (d, s) in stream.iter().zip(&stories) {
            b.replay(d, *s);
        }
        assert_eq!(a.closed_stories(), b.closed_stories());
        let next = timed(DOCS[1], 40 * 20);
        assert_eq!(a.add(&next), b.add(&next));
    }

    fn merging(threshold: f32) -> Config {
        Config {
            merge_threshold: Some(threshold),
            ..cosine_only()
        }
    }

    const BRIDGED: &[&str] = &[
        "flood school pouwa teachers pupils library",
        "ferry strike dravnik harbour sailors pay",
        "flood school pouwa teachers ferry strike dravnik harbour",
        "sailors pay ferry dravnik pupils school",
    ];

    #[test]
    fn an_article_that_fits_two_stories_merges_them_into_the_older() {
        let mut c = Clusterer::new(merging(0.5));
        assert!(c.add(&doc(BRIDGED[0])).founded);
        assert!(c.add(&doc(BRIDGED[1])).founded);
        let a = c.add(&doc(BRIDGED[2]));
        assert_eq!((a.story, a.merged), (0, Some(1)));
        assert_eq!(c.resolve(1), 0);
        assert_eq!(c.merged_stories(), 1);
        assert_eq!(c.story_size(0), 3);
        assert_eq!(c.story_size(1), 3, "a merged index stands for its story");
        // The merged story's terms now find the older story.
        let next = c.add(&doc(BRIDGED[3]));
        assert_eq!((next.story, next.founded), (0, false));
        // Without merging, the bridge joins one story and the other stays.
        let mut plain = Clusterer::new(cosine_only());
        for d in &BRIDGED[..2] {
            plain.add(&doc(d));
        }
        assert_eq!(plain.add(&doc(BRIDGED[2])).merged, None);
        assert_eq!(plain.merged_stories(), 0);
    }

    #[test]
    fn a_merge_replays_exactly() {
        let docs: Vec<Doc> = (0..30)
            .map(|i| timed(BRIDGED[i % BRIDGED.len()], i as i64))
            .collect();
        let mut a = Clusterer::new(merging(0.5));
        let decided: Vec<Assignment> = docs.iter().map(|d| a.add(d)).collect();
        assert!(decided.iter().any(|x| x.merged.is_some()));
        let mut b = Clusterer::new(merging(0.5));
        for (d, x) in docs.iter().zip(&decided) {
            match x.merged {
                Some(from) => b.replay_merged(d, from, x.story),
                None => b.replay(d, x.story),
            }
        }
        let next = timed(BRIDGED[3], 40);
        assert_eq!(a.add(&next), b.add(&next));
        assert_eq!(a.merged_stories(), b.merged_stories());
    }

    #[test]
    fn a_copy_reopens_a_closed_story() {
        let mut c = Clusterer::new(cosine_only());
        c.add(&timed(DOCS[0], 0));
        c.add(&timed(DOCS[3], 100));
        assert_eq!(c.closed_stories(), 1);
        let a = c.add_to(&timed(DOCS[0], 101), 0);
        assert_eq!(a.story, 0);
        assert_eq!(c.closed_stories(), 0);
        assert_eq!(c.add(&timed(DOCS[2], 102)).story, 0);
    }
}
