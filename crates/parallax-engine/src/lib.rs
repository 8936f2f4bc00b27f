//! The engine: one article at a time through every stage, and the queries
//! the front ends need.
//!
//! ```text
//! Article ──analyse──▶ Analysis ──cluster──▶ story ──store (batch tx)──▶ SQLite
//! ```
//!
//! [`Engine::ingest_batch`] analyses each new article, assigns it to a story
//! with the online clusterer, and writes the batch and the touched stories
//! in one transaction. On open, the clusterer is replayed from the store, so
//! a restarted engine decides exactly as an uninterrupted one would.

#[cfg(feature = "dense")]
pub mod dense;
pub mod query;
mod view;

pub use parallax_cluster::{Config as ClusterConfig, Embed, Embedder, DEFAULT_THRESHOLD};
pub use parallax_store::{
    ArticleStore, FeedRow, FeedState, InboxCounts, ItemOutcome, ItemStatus, NewItem, PendingItem,
    PollOk, StoreError, StoredArticle,
};
pub use view::{ArticleRef, StoryView};
/// The analysis, clustering and text crates, for evaluation and learning.
pub use {parallax_analyse, parallax_cluster, parallax_text};

use chrono::{DateTime, FixedOffset};
use parallax_analyse::{analyse, lead_text, title_terms, Analysis};
use parallax_cluster::dedup::{self, Dedup, DedupConfig};
use parallax_cluster::{Clusterer, Doc};
use parallax_core::{Article, ArticleId, StoryId, StorySummary, TitleSource};
use parallax_store::{
    ArticleUpdate, NewArticle, ReplayRow, Store, StoredVersion, StoryMerge, StoryRow,
};

mod shared;
use parallax_text::Stemmer;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
pub use shared::WorkReport;
use std::collections::BTreeSet;
use std::path::Path;
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::thread::JoinHandle;
use std::time::Instant;

/// Engine errors.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The clusterer could not be replayed from the store.
    #[error("cannot replay the store: {0}")]
    Replay(String),
    /// A story or article id matched several.
    #[error("`{0}` is ambiguous: it matches {1}")]
    Ambiguous(String, String),
    /// The store's backend cannot do what was asked.
    #[error("{0}")]
    Unsupported(String),
    /// The sentence-embedding model (`--model`) cannot be used.
    #[error("{0}")]
    Model(String),
}

/// Result alias.
pub type Result<T> = std::result::Result<T, EngineError>;

/// What happened to one batch.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct BatchReport {
    /// Articles stored by this batch, with their story.
    pub added: Vec<(ArticleId, StoryId)>,
    /// Articles already stored with the same wording (or repeated in the
    /// batch): nothing changed.
    pub unchanged: usize,
    /// Articles stored already whose new version (same id, other wording)
    /// replaced the stored text, title and metadata, with their story.
    /// They keep their story and their place in it.
    pub updated: Vec<(ArticleId, StoryId)>,
    /// Stories founded by this batch.
    pub new_stories: usize,
    /// Copies found in this batch: (copy, its original, estimated
    /// similarity of their shingles). A copy joins its original's story.
    pub copies: Vec<(ArticleId, ArticleId, f32)>,
    /// Stories merged into another by this batch: (merged story, the story
    /// it went into). The merged story's id redirects to the other.
    pub merged: Vec<(StoryId, StoryId)>,
    /// Where the batch's time went.
    pub timings: StageTimes,
}

/// An article with everything the clusterer and the store need that does
/// not depend on the engine's state: its analysis as a clustering document,
/// its copy-detection signature, its encoded features and title terms.
struct Ready {
    article: Article,
    doc: Doc,
    signature: dedup::Signature,
    fingerprint: Option<u64>,
    features: String,
    minhash: String,
    /// The title as a headline candidate (terms and framing penalty).
    headline: Option<HeadlineCandidate>,
    /// The article's stored form ([`parallax_store::encode_article`]).
    stored_doc: std::result::Result<String, StoreError>,
    /// The body terms' stored form ([`parallax_store::encode_terms`]).
    stored_terms: String,
}

impl Ready {
    fn new(article: Article, stemmer: &Stemmer, embedder: Option<Embedder>) -> Ready {
        let analysis = analyse(&article, stemmer);
        let mut doc = doc_of(&article, &analysis);
        let mut embedding_line = String::new();
        if let Some(e) = embedder {
            (doc.embedding, embedding_line) = embed_article(&article, e);
        }
        let signature = dedup::signature(&analysis.shingles, DedupConfig::default().min_shingles);
        let real = matches!(
            article.title_source,
            TitleSource::Given | TitleSource::FirstLine
        );
        Ready {
            fingerprint: (analysis.words > 0).then_some(analysis.fingerprint),
            features: encode_features(&doc, real) + &embedding_line,
            minhash: dedup::encode_signature(&signature),
            headline: HeadlineCandidate::of_title(article.title.as_deref(), real, stemmer),
            stored_doc: parallax_store::encode_article(&article),
            stored_terms: parallax_store::encode_terms(&doc.terms),
            article,
            doc,
            signature,
        }
    }
}

/// A batch of articles made ready without the engine (on any thread,
/// across cores) and ingested by [`Engine::ingest_prepared`].
pub struct Prepared {
    items: Vec<Ready>,
    /// Articles left out before analysis because they were stored
    /// already ([`Prepared::without_stored`]): counted as unchanged.
    stored: usize,
    /// Newer versions of stored articles, found by
    /// [`Prepared::without_stored`], with what the store holds of each.
    updates: Vec<(Article, StoredVersion)>,
    seconds: f64,
}

impl Prepared {
    /// Analyses `articles` across cores.
    pub fn new(articles: Vec<Article>, stemmer: &Stemmer) -> Prepared {
        Prepared::embedded(articles, stemmer, None)
    }

    /// Analyses `articles` across cores, with their embeddings when there
    /// is an `embedder` (the optional dense feature,
    /// [`ClusterConfig::embedder`]). An article prepared without one gets
    /// its embedding when it is clustered, if the engine has an embedder.
    pub fn embedded(
        articles: Vec<Article>,
        stemmer: &Stemmer,
        embedder: Option<Embedder>,
    ) -> Prepared {
        let clock = Instant::now();
        let items = articles
            .into_par_iter()
            .map(|a| Ready::new(a, stemmer, embedder))
            .collect();
        Prepared {
            items,
            stored: 0,
            updates: Vec::new(),
            seconds: clock.elapsed().as_secs_f64(),
        }
    }

    /// Analyses across cores the articles of `articles` that `stored` does
    /// not hold yet; the others are only counted (as unchanged when the
    /// batch is staged), or kept as updates when their wording differs from
    /// the stored version's. Re-reading a corpus already ingested then
    /// costs a lookup per article instead of its analysis. An article whose
    /// lookup fails is analysed, and [`Engine::stage`] decides.
    pub fn without_stored(
        articles: Vec<Article>,
        stemmer: &Stemmer,
        stored: &StoredLookup,
        embedder: Option<Embedder>,
    ) -> Prepared {
        let mut fresh = Vec::with_capacity(articles.len());
        let mut updates = Vec::new();
        let mut same = 0;
        for a in articles {
            match stored.version(&a.id) {
                Ok(Some(v)) if v.key == a.version_key() => same += 1,
                Ok(Some(v)) => updates.push((a, v)),
                Ok(None) | Err(_) => fresh.push(a),
            }
        }
        let mut p = Prepared::embedded(fresh, stemmer, embedder);
        p.stored = same;
        p.updates = updates;
        p
    }

    /// Articles in the batch, analysed, left out as stored, or updates.
    pub fn len(&self) -> usize {
        self.items.len() + self.stored + self.updates.len()
    }

    /// Whether the batch is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A handle of the store, movable to another thread, that tells whether an
/// article is stored already ([`Engine::stored_lookup`],
/// [`Prepared::without_stored`]).
pub struct StoredLookup {
    store: Box<dyn ArticleStore>,
}

impl StoredLookup {
    /// True when an article with this id is stored (committed).
    pub fn contains(&self, id: &ArticleId) -> Result<bool> {
        Ok(self.store.contains(id)?)
    }

    /// The stored version of an article (committed), `None` when it is
    /// not stored.
    pub fn version(&self, id: &ArticleId) -> Result<Option<StoredVersion>> {
        Ok(self.store.stored_version(id)?)
    }
}

/// Seconds spent in each stage of [`Engine::ingest_batch`].
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize)]
pub struct StageTimes {
    /// Analysis of the new articles (segmentation, terms, shingles),
    /// across cores.
    pub analyse: f64,
    /// Copy detection, clustering and the stories' aggregates.
    pub cluster: f64,
    /// The batch's transaction.
    pub store: f64,
}

impl std::ops::AddAssign for StageTimes {
    fn add_assign(&mut self, o: StageTimes) {
        self.analyse += o.analyse;
        self.cluster += o.cluster;
        self.store += o.store;
    }
}

/// A batch clustered into the engine's state and not yet written
/// ([`Engine::stage`]).
pub struct Staged {
    rows: Vec<NewArticle>,
    updates: Vec<ArticleUpdate>,
    /// The story index of each update.
    update_stories: Vec<usize>,
    story_rows: Vec<StoryRow>,
    report: BatchReport,
}

impl Staged {
    /// Ids of the batch's articles, new and updated.
    pub fn ids(&self) -> impl Iterator<Item = &ArticleId> {
        self.rows
            .iter()
            .map(|r| &r.article.id)
            .chain(self.updates.iter().map(|u| &u.article.id))
    }

    /// Writes the batch to `store` in one transaction; the report gains
    /// the write's time.
    fn write_to(self, store: &mut dyn ArticleStore) -> Result<BatchReport> {
        let clock = Instant::now();
        let Staged {
            rows,
            updates,
            story_rows,
            mut report,
            ..
        } = self;
        store.write(&rows, &updates, &story_rows)?;
        report.timings.store = clock.elapsed().as_secs_f64();
        Ok(report)
    }
}

/// The articles of staged batches not yet written ([`Engine::stage`]),
/// with the version each will have once its batch is written: a later
/// batch compares its own versions with these, not with the store.
#[derive(Debug, Default)]
pub struct InFlight {
    /// Per id, its latest staged version and how many staged batches,
    /// not yet written, hold it.
    versions: FxHashMap<ArticleId, (StoredVersion, usize)>,
}

impl InFlight {
    /// Nothing in flight.
    pub fn new() -> InFlight {
        InFlight::default()
    }

    /// Adds a staged batch (before it is handed to the writer).
    pub fn add(&mut self, staged: &Staged) {
        let mut batch: FxHashMap<&ArticleId, StoredVersion> = FxHashMap::default();
        for r in &staged.rows {
            batch.insert(&r.article.id, StoredVersion::of(&r.article, r.story_index));
        }
        for (u, &story) in staged.updates.iter().zip(&staged.update_stories) {
            batch.insert(&u.article.id, StoredVersion::of(&u.article, story));
        }
        for (id, v) in batch {
            let e = self.versions.entry(id.clone()).or_insert((v.clone(), 0));
            e.0 = v;
            e.1 += 1;
        }
    }

    /// Takes out a written batch, by its report.
    pub fn written(&mut self, report: &BatchReport) {
        let ids: FxHashMap<&ArticleId, ()> = report
            .added
            .iter()
            .chain(&report.updated)
            .map(|(id, _)| (id, ()))
            .collect();
        for id in ids.into_keys() {
            if let Some(e) = self.versions.get_mut(id) {
                e.1 -= 1;
                if e.1 == 0 {
                    self.versions.remove(id);
                }
            }
        }
    }

    /// Articles in flight.
    pub fn len(&self) -> usize {
        self.versions.len()
    }

    /// Whether nothing is in flight.
    pub fn is_empty(&self) -> bool {
        self.versions.is_empty()
    }

    fn get(&self, id: &ArticleId) -> Option<&StoredVersion> {
        self.versions.get(id).map(|(v, _)| v)
    }
}

/// Writes staged batches on its own handle of the store, on any thread
/// ([`Engine::writer`]).
pub struct BatchWriter {
    store: Box<dyn ArticleStore>,
}

impl BatchWriter {
    /// Writes a staged batch in one transaction: all of it or nothing.
    /// On failure the engine that staged it must [`Engine::recover`].
    pub fn write(&mut self, staged: Staged) -> Result<BatchReport> {
        staged.write_to(self.store.as_mut())
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Headline candidates kept per story (the first titled members).
const HEADLINE_CANDIDATES: usize = 32;

/// The clusterer's view of an article: its analysis as weighted keys in
/// every space, and its publication time.
pub fn doc_of(article: &Article, analysis: &Analysis) -> Doc {
    let counts = |v: &[(String, u32)]| v.iter().map(|(k, c)| (k.clone(), *c as f32)).collect();
    Doc {
        terms: analysis.terms.clone(),
        lead: analysis.lead.clone(),
        names: parallax_analyse::name_keys(&analysis.names),
        numbers: counts(&analysis.numbers),
        dates: counts(&analysis.dates),
        time: article.published.map(|t| t.timestamp()),
        embedding: Vec::new(),
    }
}

/// The clustering configuration for an optional model directory
/// (`--model`): the dense one ([`ClusterConfig::dense`]) with the MiniLM
/// model in `dir`, the default without one. `memo` keeps every embedding
/// computed (for evaluation, which clusters the same articles many times).
/// An error when the directory cannot be loaded, or when the build lacks
/// the `dense` feature.
pub fn config_for_model(model: Option<&Path>, memo: bool) -> Result<ClusterConfig> {
    let Some(dir) = model else {
        return Ok(ClusterConfig::default());
    };
    #[cfg(feature = "dense")]
    {
        dense::load(dir, memo)
            .map(ClusterConfig::dense)
            .map_err(|e| {
                let cause = std::error::Error::source(&e)
                    .map(|c| format!(": {c}"))
                    .unwrap_or_default();
                EngineError::Model(format!(
                    "cannot load the model in {}: {e}{cause}",
                    dir.display()
                ))
            })
    }
    #[cfg(not(feature = "dense"))]
    {
        let _ = (dir, memo);
        Err(EngineError::Model(
            "--model needs a build with the dense feature (cargo build --release --features dense; \
             for parallax-eval: cargo build --release -p parallax-eval --features dense)"
                .into(),
        ))
    }
}

/// An article's embedding for the dense feature, as clustered and stored:
/// the encoder's vector of [`lead_text`] quantised to 8 bits
/// ([`quantise`]), and its stored line ([`decode_features`] reads it back
/// to exactly the same vector, so a replay sees what the first run saw).
fn embed_article(article: &Article, embedder: Embedder) -> (Vec<f32>, String) {
    let (scale, q) = quantise(&embedder.0.embed(&lead_text(article)));
    (dequantise(scale, &q), embedding_line(scale, &q))
}

/// An article's embedding for the dense feature, as the engine clusters
/// with it ([`embed_article`]).
pub fn embedding_of(article: &Article, embedder: Embedder) -> Vec<f32> {
    embed_article(article, embedder).0
}

/// An embedding as a scale and one signed byte per component (the largest
/// magnitude maps to 127).
fn quantise(v: &[f32]) -> (f32, Vec<i8>) {
    let max = v.iter().fold(0f32, |m, x| m.max(x.abs()));
    if !(max > 0.0 && max.is_finite()) {
        return (0.0, vec![0; v.len()]);
    }
    let scale = max / 127.0;
    (scale, v.iter().map(|x| (x / scale).round() as i8).collect())
}

fn dequantise(scale: f32, q: &[i8]) -> Vec<f32> {
    q.iter().map(|&b| b as f32 * scale).collect()
}

/// The stored line of a quantised embedding: `e<TAB>scale<TAB>hex bytes`.
fn embedding_line(scale: f32, q: &[i8]) -> String {
    let mut s = format!("e\t{scale}\t");
    for &b in q {
        s.push_str(&format!("{:02x}", b as u8));
    }
    s.push('\n');
    s
}

fn decode_embedding(scale: &str, hex: &str) -> Option<Vec<f32>> {
    let scale: f32 = scale.parse().ok()?;
    let bytes = hex.as_bytes();
    if bytes.len() & 1 != 0 {
        return None;
    }
    let q = bytes
        .chunks_exact(2)
        .map(|c| {
            let s = std::str::from_utf8(c).ok()?;
            u8::from_str_radix(s, 16).ok().map(|b| b as i8)
        })
        .collect::<Option<Vec<i8>>>()?;
    Some(dequantise(scale, &q))
}

/// The replay data of a doc beyond its body terms, as `space<TAB>key<TAB>weight`
/// lines (`l` lead, `n` names, `#` numbers, `d` dates), `t<TAB>seconds` and
/// `r<TAB>1` when the title is a real one.
fn encode_features(doc: &Doc, real_title: bool) -> String {
    let mut s = String::new();
    for (tag, v) in [
        ('l', &doc.lead),
        ('n', &doc.names),
        ('#', &doc.numbers),
        ('d', &doc.dates),
    ] {
        for (k, w) in v {
            s.push(tag);
            s.push('\t');
            s.push_str(k);
            s.push('\t');
            s.push_str(&w.to_string());
            s.push('\n');
        }
    }
    if let Some(t) = doc.time {
        s.push_str(&format!("t\t{t}\n"));
    }
    if real_title {
        s.push_str("r\t1\n");
    }
    s
}

fn decode_features(terms: Vec<(String, f32)>, s: &str) -> (Doc, bool) {
    let mut doc = Doc::from_terms(terms);
    let mut real = false;
    for line in s.lines() {
        let mut parts = line.splitn(3, '\t');
        let (Some(tag), Some(a)) = (parts.next(), parts.next()) else {
            continue;
        };
        let third = parts.next();
        if tag == "e" {
            doc.embedding = third
                .and_then(|h| decode_embedding(a, h))
                .unwrap_or_default();
            continue;
        }
        let w = third.and_then(|w| w.parse::<f32>().ok());
        match (tag, w) {
            ("l", Some(w)) => doc.lead.push((a.to_string(), w)),
            ("n", Some(w)) => doc.names.push((a.to_string(), w)),
            ("#", Some(w)) => doc.numbers.push((a.to_string(), w)),
            ("d", Some(w)) => doc.dates.push((a.to_string(), w)),
            ("t", None) => doc.time = a.parse().ok(),
            ("r", None) => real = true,
            _ => {}
        }
    }
    (doc, real)
}

/// Weight of a title's framing penalty against its centrality (cosine).
const HEADLINE_PENALTY: f32 = 0.1;

/// A title that may become a story's headline.
#[derive(Debug, Clone)]
struct HeadlineCandidate {
    title: String,
    terms: Vec<(String, f32)>,
    real: bool,
    /// The title's framing penalty, weighted ([`HEADLINE_PENALTY`]):
    /// computed once, as the headline is chosen again at every batch
    /// that touches the story.
    penalty: f32,
}

impl HeadlineCandidate {
    /// The candidate of an article's title, when it has a non-blank one.
    fn of_title(title: Option<&str>, real: bool, stemmer: &Stemmer) -> Option<HeadlineCandidate> {
        title
            .filter(|t| !t.trim().is_empty())
            .map(|t| HeadlineCandidate::new(t, title_terms(t, stemmer), real))
    }

    fn new(title: &str, terms: Vec<(String, f32)>, real: bool) -> HeadlineCandidate {
        HeadlineCandidate {
            penalty: HEADLINE_PENALTY * parallax_summary::headline::penalty(title),
            title: title.to_string(),
            terms,
            real,
        }
    }
}

#[derive(Debug, Clone)]
struct StoryAgg {
    id: StoryId,
    headline: String,
    headline_provisional: bool,
    articles: usize,
    outlets: BTreeSet<String>,
    first_seen: Option<DateTime<FixedOffset>>,
    last_seen: Option<DateTime<FixedOffset>>,
    independent: usize,
    candidates: Vec<HeadlineCandidate>,
    /// Set when the story was merged into another: it is then a redirect.
    merged: Option<StoryMerge>,
}

impl StoryAgg {
    fn new(id: StoryId) -> StoryAgg {
        StoryAgg {
            id,
            headline: String::new(),
            headline_provisional: true,
            articles: 0,
            outlets: BTreeSet::new(),
            first_seen: None,
            last_seen: None,
            independent: 0,
            candidates: Vec::new(),
            merged: None,
        }
    }

    /// Takes in the members of `other`, a story merged into this one: its
    /// counts, outlets, time span and headline candidates (after this
    /// story's own, while there is room).
    fn absorb(&mut self, other: StoryAgg) {
        self.articles += other.articles;
        self.independent += other.independent;
        self.outlets.extend(other.outlets);
        self.first_seen = match (self.first_seen, other.first_seen) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.last_seen = match (self.last_seen, other.last_seen) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        for c in other.candidates {
            self.push_candidate(c);
        }
    }

    /// Merges story `from` into story `into` (indices into `stories`): the
    /// members go to `into`, and `from` stays as a redirect that records
    /// the article `at` whose arrival merged them.
    fn merge(stories: &mut [StoryAgg], from: usize, into: usize, at: &ArticleId) {
        let redirect = StoryAgg {
            merged: Some(StoryMerge {
                into: stories[into].id.clone(),
                into_index: into,
                at: at.clone(),
            }),
            headline: stories[from].headline.clone(),
            headline_provisional: stories[from].headline_provisional,
            ..StoryAgg::new(stories[from].id.clone())
        };
        let gone = std::mem::replace(&mut stories[from], redirect);
        stories[into].absorb(gone);
    }

    /// The story index `i` stands for now: itself, or the story it was
    /// merged into (following later merges).
    fn live(stories: &[StoryAgg], mut i: usize) -> usize {
        // A merge always goes to an older story, so the chain ends.
        while let Some(m) = stories.get(i).and_then(|s| s.merged.as_ref()) {
            if m.into_index >= i {
                break;
            }
            i = m.into_index;
        }
        i
    }

    fn add_candidate(&mut self, title: Option<&str>, real: bool, stemmer: &Stemmer) {
        // Only while there is room: a replay makes no candidate it drops.
        if self.candidates.len() < HEADLINE_CANDIDATES {
            if let Some(c) = HeadlineCandidate::of_title(title, real, stemmer) {
                self.candidates.push(c);
            }
        }
    }

    /// A member's title changed from `old` to `new` (an updated version):
    /// its candidate, if it has one, is made again from the new title in
    /// the same place, as a replay of the store would make it.
    fn replace_candidate(&mut self, old: Option<&str>, new: Option<&str>, stemmer: &Stemmer) {
        let Some(old) = old else { return };
        let Some(i) = self.candidates.iter().position(|c| c.title == old) else {
            return;
        };
        match HeadlineCandidate::of_title(new, self.candidates[i].real, stemmer) {
            Some(c) => self.candidates[i] = c,
            None => {
                self.candidates.remove(i);
            }
        }
    }

    /// Like [`StoryAgg::add_candidate`], with the candidate made already.
    fn push_candidate(&mut self, candidate: HeadlineCandidate) {
        if self.candidates.len() < HEADLINE_CANDIDATES {
            self.candidates.push(candidate);
        }
    }

    /// The headline: the most central title (closest to the story's lead
    /// centroid) with the least one-sided framing, real titles before
    /// provisional ones; ties to the earliest.
    fn choose_headline(&mut self, story: usize, clusterer: &Clusterer) {
        let any_real = self.candidates.iter().any(|c| c.real);
        let mut best: Option<(usize, f32)> = None;
        for (i, c) in self.candidates.iter().enumerate() {
            if any_real && !c.real {
                continue;
            }
            // Centrality, less a penalty for framing only one side uses
            // (loaded words, questions, exclamations, scare quotes).
            let s = clusterer.lead_similarity(story, &c.terms) - c.penalty;
            if best.is_none_or(|(_, b)| s > b) {
                best = Some((i, s));
            }
        }
        if let Some((i, _)) = best {
            self.headline = self.candidates[i].title.clone();
            self.headline_provisional = !self.candidates[i].real;
        }
    }

    fn add(&mut self, a: &Article, now: DateTime<FixedOffset>) {
        self.articles += 1;
        if let Some(o) = &a.outlet {
            self.outlets.insert(o.clone());
        }
        let t = a.published.unwrap_or(now);
        self.first_seen = Some(self.first_seen.map_or(t, |f| f.min(t)));
        self.last_seen = Some(self.last_seen.map_or(t, |l| l.max(t)));
        let real = matches!(a.title_source, TitleSource::Given | TitleSource::FirstLine);
        if self.headline.is_empty() || (self.headline_provisional && real) {
            if let Some(title) = &a.title {
                self.headline = title.clone();
                self.headline_provisional = !real;
            }
        }
    }

    fn row(&self, index: usize) -> StoryRow {
        StoryRow {
            summary: self.summary(),
            story_index: index,
            headline_provisional: self.headline_provisional,
            independent: self.independent,
            merged: self.merged.clone(),
        }
    }

    fn summary(&self) -> StorySummary {
        StorySummary {
            id: self.id.clone(),
            headline: self.headline.clone(),
            articles: self.articles,
            outlets: self.outlets.iter().cloned().collect(),
            first_seen: self.first_seen,
            last_seen: self.last_seen,
        }
    }
}

/// The online state replayed from the store: the clusterer, the copy
/// index, and each stored article's id and story, with the headline
/// candidates of each story.
struct Online {
    clusterer: Clusterer,
    dedup: Dedup,
    /// Per article in arrival order (the dedup index's items): its id and
    /// story index.
    seen: Vec<(ArticleId, usize)>,
    /// Headline candidates per story index, until moved into the stories.
    candidates: Option<Vec<Vec<HeadlineCandidate>>>,
    /// The arrival sequence of the last stored article replayed or
    /// written (0: none; `None`: not known, after a write that does not
    /// report it).
    last_seq: Option<i64>,
}

/// Where an article of a batch goes ([`Sorter`]).
enum Fate {
    /// Not stored and not earlier in the batch: analysed and clustered.
    Fresh,
    /// A newer version of a stored (or staged) article.
    Update(StoredVersion),
    /// Another version of an article earlier in the batch: compared with
    /// it once the batch is clustered.
    Later,
    /// The same wording again.
    Unchanged,
}

/// Sorts a batch's articles by their [`Fate`], in order.
struct Sorter<'a> {
    in_flight: &'a InFlight,
    /// The latest wording seen in the batch, per id.
    seen: FxHashMap<ArticleId, String>,
    updates: Vec<(Article, StoredVersion)>,
    later: Vec<Article>,
    unchanged: usize,
}

impl<'a> Sorter<'a> {
    fn new(in_flight: &'a InFlight) -> Sorter<'a> {
        Sorter {
            in_flight,
            seen: FxHashMap::default(),
            updates: Vec::new(),
            later: Vec::new(),
            unchanged: 0,
        }
    }

    /// The fate of `a`; `stored` is its stored version when looked up
    /// already ([`Prepared::without_stored`]), else the store is asked.
    fn fate(
        &mut self,
        a: &Article,
        stored: Option<StoredVersion>,
        store: &dyn ArticleStore,
    ) -> Result<Fate> {
        let key = a.version_key();
        if let Some(k) = self.seen.get_mut(&a.id) {
            if *k == key {
                return Ok(Fate::Unchanged);
            }
            *k = key;
            return Ok(Fate::Later);
        }
        // Staged by an earlier batch and not yet written: compared with
        // the version that batch writes.
        let stored = match (self.in_flight.get(&a.id), stored) {
            (Some(v), _) => Some(v.clone()),
            (None, Some(v)) => Some(v),
            (None, None) => store.stored_version(&a.id)?,
        };
        let fate = match stored {
            None => Fate::Fresh,
            Some(v) if v.key == key => Fate::Unchanged,
            Some(v) => Fate::Update(v),
        };
        self.seen.insert(a.id.clone(), key);
        Ok(fate)
    }

    /// Keeps `a` by its fate (not [`Fate::Fresh`], which the caller keeps).
    fn keep(&mut self, a: Article, fate: Fate) {
        match fate {
            Fate::Update(v) => self.updates.push((a, v)),
            Fate::Later => self.later.push(a),
            Fate::Unchanged => self.unchanged += 1,
            Fate::Fresh => {}
        }
    }
}

/// Replays the store's articles into a fresh online state.
fn replay(store: &dyn ArticleStore, config: ClusterConfig, stories: usize) -> Result<Online> {
    let stemmer = Stemmer::default();
    let mut online = Online {
        clusterer: Clusterer::new(config),
        dedup: Dedup::new(DedupConfig::default()),
        seen: Vec::new(),
        candidates: None,
        last_seq: Some(0),
    };
    let mut candidates: Vec<StoryAgg> = (0..stories)
        .map(|_| StoryAgg::new(StoryId::founded_by(&ArticleId::from_url(""))))
        .collect();
    let merges = merges_by_article(&store.story_rows()?);
    store.for_each_replay_after(0, &mut |row: ReplayRow| {
        online.last_seq = online.last_seq.max(Some(row.seq));
        let (doc, real) = decode_features(row.terms, &row.features);
        match merges.get(&row.id) {
            Some(&(from, into)) => {
                online.clusterer.replay_merged(&doc, from, into);
                if from < candidates.len() && into < candidates.len() {
                    for c in std::mem::take(&mut candidates[from].candidates) {
                        candidates[into].push_candidate(c);
                    }
                }
            }
            None => online.clusterer.replay(&doc, row.story_index),
        }
        online
            .dedup
            .add(row.fingerprint, dedup::decode_signature(&row.minhash));
        online.seen.push((row.id, row.story_index));
        if let Some(agg) = candidates.get_mut(row.story_index) {
            agg.add_candidate(row.title.as_deref(), real, &stemmer);
        }
    })?;
    online.candidates = Some(candidates.into_iter().map(|a| a.candidates).collect());
    Ok(online)
}

/// The merges recorded in story rows, by the article whose arrival caused
/// them: (merged story index, the index it went into).
fn merges_by_article(rows: &[StoryRow]) -> FxHashMap<ArticleId, (usize, usize)> {
    rows.iter()
        .filter_map(|r| {
            let m = r.merged.as_ref()?;
            Some((m.at.clone(), (r.story_index, m.into_index)))
        })
        .collect()
}

/// The parts of the engine that clustering changes, borrowed apart from
/// the store (so a store's transaction can call back into clustering).
struct Parts<'a> {
    online: &'a mut Online,
    stories: &'a mut Vec<StoryAgg>,
    outlets: &'a mut BTreeSet<String>,
    languages: &'a mut OnceLock<BTreeSet<String>>,
}

impl Parts<'_> {
    /// Clusters analysed fresh articles in order: copy detection, story
    /// assignment, story aggregates and headlines. Returns the rows to
    /// write.
    fn cluster(
        &mut self,
        fresh: Vec<Ready>,
        report: &mut BatchReport,
    ) -> (Vec<NewArticle>, Vec<StoryRow>) {
        let now = chrono::Utc::now().fixed_offset();
        let mut rows = Vec::with_capacity(fresh.len());
        let mut touched: Vec<usize> = Vec::new();
        let embedder = self.online.clusterer.config().embedder;
        for r in fresh {
            let Ready {
                article,
                mut doc,
                signature,
                fingerprint,
                mut features,
                minhash,
                headline,
                stored_doc,
                stored_terms,
            } = r;
            if let (Some(e), true) = (embedder, doc.embedding.is_empty()) {
                let line;
                (doc.embedding, line) = embed_article(&article, e);
                features.push_str(&line);
            }
            let copy = self.online.dedup.add(fingerprint, signature);
            let assignment = match copy {
                Some(c) => self
                    .online
                    .clusterer
                    .add_to(&doc, self.online.seen[c.original].1),
                None => self.online.clusterer.add(&doc),
            };
            if assignment.founded {
                debug_assert_eq!(assignment.story, self.stories.len());
                self.stories
                    .push(StoryAgg::new(StoryId::founded_by(&article.id)));
                report.new_stories += 1;
            }
            if let Some(from) = assignment.merged {
                StoryAgg::merge(self.stories, from, assignment.story, &article.id);
                report.merged.push((
                    self.stories[from].id.clone(),
                    self.stories[assignment.story].id.clone(),
                ));
                touched.push(from);
            }
            let duplicate_of = copy.map(|c| (self.online.seen[c.original].0.clone(), c.similarity));
            if let Some((original, sim)) = &duplicate_of {
                report
                    .copies
                    .push((article.id.clone(), original.clone(), *sim));
            }
            self.online
                .seen
                .push((article.id.clone(), assignment.story));
            self.note_outlet_and_language(&article);
            let agg = &mut self.stories[assignment.story];
            agg.add(&article, now);
            if copy.is_none() {
                agg.independent += 1;
            }
            if let Some(c) = headline {
                agg.push_candidate(c);
            }
            touched.push(assignment.story);
            report.added.push((article.id.clone(), agg.id.clone()));
            rows.push(NewArticle {
                story: agg.id.clone(),
                story_index: assignment.story,
                features,
                // Checked by the caller before clustering.
                doc: stored_doc.unwrap_or_default(),
                terms: stored_terms,
                fingerprint,
                minhash,
                duplicate_of,
                article,
            });
        }
        touched.sort_unstable();
        touched.dedup();
        for &i in &touched {
            self.stories[i].choose_headline(i, &self.online.clusterer);
        }
        let story_rows: Vec<StoryRow> = touched.iter().map(|&i| self.stories[i].row(i)).collect();
        (rows, story_rows)
    }

    /// Adds the article's outlet and language to the known ones.
    fn note_outlet_and_language(&mut self, article: &Article) {
        if let Some(o) = &article.outlet {
            if !self.outlets.contains(o) {
                self.outlets.insert(o.clone());
            }
        }
        if let (Some(set), Some(l)) = (self.languages.get_mut(), &article.language) {
            if !set.contains(l) {
                set.insert(l.clone());
            }
        }
    }

    /// Newer versions of stored articles: each keeps its story (and the
    /// clusterer and copy index keep the version they saw); a changed title
    /// changes its headline candidate, and the story's headline is chosen
    /// again. Returns the updates and the rows of their stories.
    fn update(
        &mut self,
        updates: Vec<(Article, String, StoredVersion)>,
        stemmer: &Stemmer,
        report: &mut BatchReport,
    ) -> (Vec<ArticleUpdate>, Vec<StoryRow>) {
        let mut out = Vec::with_capacity(updates.len());
        let mut touched = Vec::new();
        for (article, doc, stored) in updates {
            let i = StoryAgg::live(self.stories, stored.story_index);
            if i >= self.stories.len() {
                continue;
            }
            self.note_outlet_and_language(&article);
            let agg = &mut self.stories[i];
            if article.title != stored.title {
                agg.replace_candidate(stored.title.as_deref(), article.title.as_deref(), stemmer);
            }
            touched.push(i);
            report.updated.push((article.id.clone(), agg.id.clone()));
            out.push(ArticleUpdate { article, doc });
        }
        touched.sort_unstable();
        touched.dedup();
        for &i in &touched {
            self.stories[i].choose_headline(i, &self.online.clusterer);
        }
        let story_rows = touched.iter().map(|&i| self.stories[i].row(i)).collect();
        (out, story_rows)
    }
}

/// The engine over one store.
pub struct Engine {
    store: Box<dyn ArticleStore>,
    stemmer: Stemmer,
    stories: Vec<StoryAgg>,
    /// Every outlet of the stored articles.
    outlets: BTreeSet<String>,
    /// Every language of the stored articles, once asked for.
    languages: OnceLock<BTreeSet<String>>,
    config: ClusterConfig,
    /// The replayed online state, once ready.
    online: OnceLock<Online>,
    /// A replay running on another thread ([`Engine::open_deferred`]).
    pending: Mutex<Option<JoinHandle<Result<Online>>>>,
}

impl Engine {
    /// Opens the engine on the store in `data_dir`, replaying the clusterer.
    pub fn open(data_dir: &Path, config: ClusterConfig) -> Result<Engine> {
        Self::open_store(Box::new(Store::open(data_dir)?), config)
    }

    /// Opens the engine on any store (SQLite, PostgreSQL), replaying the
    /// clusterer.
    pub fn open_store(store: Box<dyn ArticleStore>, config: ClusterConfig) -> Result<Engine> {
        let mut engine = Self::with_store(store, config)?;
        engine.online_mut()?;
        Ok(engine)
    }

    /// Opens the engine on the store in `data_dir` at once and replays the
    /// clusterer on another thread: reading the store's stories and
    /// articles does not wait for it; ingesting, and a story's full view
    /// (which uses the clusterer's term statistics), wait for it to finish.
    /// For a server, which then starts in milliseconds on any store.
    pub fn open_deferred(data_dir: &Path, config: ClusterConfig) -> Result<Engine> {
        let engine = Self::with_store(Box::new(Store::open(data_dir)?), config)?;
        let dir = data_dir.to_path_buf();
        let stories = engine.stories.len();
        let handle = std::thread::Builder::new()
            .name("parallax-replay".into())
            .spawn(move || replay(&Store::open(&dir)?, config, stories))
            .map_err(|e| EngineError::Replay(e.to_string()))?;
        *lock(&engine.pending) = Some(handle);
        Ok(engine)
    }

    /// The clustering configuration.
    pub fn config(&self) -> &ClusterConfig {
        &self.config
    }

    /// An engine on a fresh in-memory store.
    pub fn in_memory(config: ClusterConfig) -> Result<Engine> {
        Self::open_store(Box::new(Store::in_memory()?), config)
    }

    fn with_store(store: Box<dyn ArticleStore>, config: ClusterConfig) -> Result<Engine> {
        let mut engine = Engine {
            store,
            stemmer: Stemmer::default(),
            stories: Vec::new(),
            outlets: BTreeSet::new(),
            languages: OnceLock::new(),
            config,
            online: OnceLock::new(),
            pending: Mutex::new(None),
        };
        engine.load_stories()?;
        Ok(engine)
    }

    /// Loads the stories' aggregates from the store.
    fn load_stories(&mut self) -> Result<()> {
        self.stories = self
            .store
            .story_rows()?
            .into_iter()
            .map(|r| StoryAgg {
                id: r.summary.id,
                headline: r.summary.headline,
                headline_provisional: r.headline_provisional,
                articles: r.summary.articles,
                outlets: r.summary.outlets.into_iter().collect(),
                first_seen: r.summary.first_seen,
                last_seen: r.summary.last_seen,
                independent: r.independent,
                candidates: Vec::new(),
                merged: r.merged,
            })
            .collect();
        self.outlets = self
            .stories
            .iter()
            .flat_map(|s| s.outlets.iter().cloned())
            .collect();
        Ok(())
    }

    /// Whether the replayed state is ready (always, except just after
    /// [`Engine::open_deferred`]).
    pub fn is_ready(&self) -> bool {
        self.online.get().is_some()
    }

    /// The online state, waiting for a deferred replay (or replaying here
    /// when none is running).
    fn online(&self) -> Result<&Online> {
        if let Some(o) = self.online.get() {
            return Ok(o);
        }
        let pending = lock(&self.pending).take();
        let online = match pending {
            Some(h) => h
                .join()
                .map_err(|_| EngineError::Replay("the replay thread panicked".into()))??,
            None => replay(self.store.as_ref(), self.config, self.stories.len())?,
        };
        let _ = self.online.set(online);
        self.online
            .get()
            .ok_or_else(|| EngineError::Replay("the replayed state was lost".into()))
    }

    /// The online state for changes; moves the replayed headline
    /// candidates into the stories.
    fn online_mut(&mut self) -> Result<&mut Online> {
        self.online()?;
        let online = self
            .online
            .get_mut()
            .ok_or_else(|| EngineError::Replay("the replayed state was lost".into()))?;
        if let Some(candidates) = online.candidates.take() {
            for (agg, c) in self.stories.iter_mut().zip(candidates) {
                agg.candidates = c;
            }
        }
        Ok(online)
    }

    /// Rebuilds the in-memory state from the store.
    fn reload(&mut self) -> Result<()> {
        self.load_stories()?;
        self.languages = OnceLock::new();
        self.online = OnceLock::new();
        *lock(&self.pending) = None;
        self.online_mut()?;
        Ok(())
    }

    /// Analyses, clusters and stores a batch of articles in one transaction.
    /// Articles already stored change nothing. If the write fails, nothing of
    /// the batch is kept and the engine's state is restored from the store.
    pub fn ingest_batch(&mut self, articles: Vec<Article>) -> Result<BatchReport> {
        let mut report = BatchReport::default();
        let (fresh, updates, later) = self.fresh(articles, &mut report)?;
        let prepared = Prepared::embedded(fresh, &self.stemmer, self.config.embedder);
        report.timings.analyse = prepared.seconds;
        let staged = self.cluster_fresh(prepared.items, updates, later, report)?;
        self.write_staged(staged)
    }

    /// Ingests a batch analysed beforehand ([`Prepared::new`], e.g. on
    /// another thread while this one clusters the previous batch); the
    /// same as [`Engine::ingest_batch`] otherwise.
    pub fn ingest_prepared(&mut self, batch: Prepared) -> Result<BatchReport> {
        let staged = self.stage(batch, &InFlight::new())?;
        self.write_staged(staged)
    }

    /// Clusters a batch analysed beforehand without writing it: the first
    /// half of [`Engine::ingest_prepared`], for a caller that writes on
    /// another thread ([`Engine::writer`]) while this one clusters the
    /// next batch. Articles stored already or repeated in the batch with
    /// the same wording, or in `in_flight` (staged, not yet written) with
    /// the wording staged there, are counted as unchanged; other wordings
    /// are updates.
    ///
    /// The engine's state then includes the batch: write the staged
    /// batches in order, and if one fails, call [`Engine::recover`].
    pub fn stage(&mut self, batch: Prepared, in_flight: &InFlight) -> Result<Staged> {
        let mut report = BatchReport::default();
        report.timings.analyse = batch.seconds;
        report.unchanged += batch.stored;
        let mut sorter = Sorter::new(in_flight);
        let mut fresh = Vec::with_capacity(batch.items.len());
        for r in batch.items {
            match sorter.fate(&r.article, None, self.store.as_ref())? {
                Fate::Fresh => fresh.push(r),
                fate => sorter.keep(r.article, fate),
            }
        }
        for (a, v) in batch.updates {
            let fate = sorter.fate(&a, Some(v), self.store.as_ref())?;
            sorter.keep(a, fate);
        }
        report.unchanged += sorter.unchanged;
        self.cluster_fresh(fresh, sorter.updates, sorter.later, report)
    }

    /// A writer of staged batches on another handle of the store, to be
    /// moved to another thread; `None` when the backend has no second
    /// handle (then write with [`Engine::write_staged`]).
    pub fn writer(&self) -> Result<Option<BatchWriter>> {
        Ok(self.store.writer()?.map(|store| BatchWriter { store }))
    }

    /// A second handle of the store for [`Prepared::without_stored`] on a
    /// reader thread; `None` when the backend has no second handle.
    pub fn stored_lookup(&self) -> Result<Option<StoredLookup>> {
        Ok(self.store.writer()?.map(|store| StoredLookup { store }))
    }

    /// Writes a staged batch with the engine's own store handle. If the
    /// write fails, nothing of the batch is kept and the engine's state is
    /// restored from the store.
    pub fn write_staged(&mut self, staged: Staged) -> Result<BatchReport> {
        match staged.write_to(self.store.as_mut()) {
            Ok(report) => Ok(report),
            Err(e) => {
                self.reload()?;
                Err(e)
            }
        }
    }

    /// Restores the engine's state from the store after a staged batch
    /// failed to be written by a [`BatchWriter`]: the batches staged since
    /// the last one written are forgotten.
    pub fn recover(&mut self) -> Result<()> {
        self.reload()
    }

    /// The articles of a batch not stored yet, each once, and the newer
    /// versions of stored ones; counts the rest as unchanged.
    #[allow(clippy::type_complexity)]
    fn fresh(
        &self,
        articles: Vec<Article>,
        report: &mut BatchReport,
    ) -> Result<(Vec<Article>, Vec<(Article, StoredVersion)>, Vec<Article>)> {
        let none = InFlight::new();
        let mut sorter = Sorter::new(&none);
        let mut fresh = Vec::with_capacity(articles.len());
        for a in articles {
            match sorter.fate(&a, None, self.store.as_ref())? {
                Fate::Fresh => fresh.push(a),
                fate => sorter.keep(a, fate),
            }
        }
        report.unchanged += sorter.unchanged;
        Ok((fresh, sorter.updates, sorter.later))
    }

    /// Clusters analysed fresh articles into the engine's state, applies
    /// the updates of stored ones, and returns the rows to write. If it
    /// fails, the state is reloaded from the store.
    fn cluster_fresh(
        &mut self,
        fresh: Vec<Ready>,
        updates: Vec<(Article, StoredVersion)>,
        later: Vec<Article>,
        report: BatchReport,
    ) -> Result<Staged> {
        match self.try_cluster_fresh(fresh, updates, later, report) {
            Ok(staged) => Ok(staged),
            Err((e, false)) => Err(e),
            Err((e, true)) => {
                self.reload()?;
                Err(e)
            }
        }
    }

    /// [`Engine::cluster_fresh`]; an error says whether the state had
    /// changed.
    fn try_cluster_fresh(
        &mut self,
        mut fresh: Vec<Ready>,
        updates: Vec<(Article, StoredVersion)>,
        later: Vec<Article>,
        mut report: BatchReport,
    ) -> std::result::Result<Staged, (EngineError, bool)> {
        let before = |e: EngineError| (e, false);
        let after = |e: EngineError| (e, true);
        let clock = Instant::now();
        // An article that cannot be stored fails the batch before any of
        // it changes the state.
        if let Some(i) = fresh.iter().position(|r| r.stored_doc.is_err()) {
            if let Err(e) = fresh.swap_remove(i).stored_doc {
                return Err(before(e.into()));
            }
        }
        let updates = updates
            .into_iter()
            .map(|(a, v)| Ok((parallax_store::encode_article(&a)?, a, v)))
            .map(|r: Result<_>| r.map(|(doc, a, v)| (a, doc, v)))
            .collect::<Result<Vec<_>>>()
            .map_err(before)?;
        self.online_mut().map_err(before)?;
        let Engine {
            store,
            online,
            stories,
            outlets,
            languages,
            stemmer,
            ..
        } = self;
        let online = online
            .get_mut()
            .ok_or_else(|| EngineError::Replay("the replayed state was lost".into()))
            .map_err(before)?;
        let mut parts = Parts {
            online,
            stories,
            outlets,
            languages,
        };
        let (rows, mut story_rows) = parts.cluster(fresh, &mut report);
        // Later versions of an article earlier in the batch, each compared
        // with the version before it: the batch's own or an update's.
        let mut updates = updates;
        let mut current: FxHashMap<ArticleId, StoredVersion> = FxHashMap::default();
        for r in &rows {
            current.insert(
                r.article.id.clone(),
                StoredVersion::of(&r.article, r.story_index),
            );
        }
        for (a, _, v) in &updates {
            current.insert(a.id.clone(), StoredVersion::of(a, v.story_index));
        }
        for article in later {
            let prior = match current.get(&article.id) {
                Some(v) => Some(v.clone()),
                None => store
                    .stored_version(&article.id)
                    .map_err(|e| after(e.into()))?,
            };
            match prior {
                Some(v) if v.key != article.version_key() => {
                    current.insert(
                        article.id.clone(),
                        StoredVersion::of(&article, v.story_index),
                    );
                    let doc =
                        parallax_store::encode_article(&article).map_err(|e| after(e.into()))?;
                    updates.push((article, doc, v));
                }
                _ => report.unchanged += 1,
            }
        }
        let update_stories = updates.iter().map(|(_, _, v)| v.story_index).collect();
        let (updates, update_rows) = parts.update(updates, stemmer, &mut report);
        story_rows.extend(update_rows);
        // The stored sequence of what this write adds is not known here.
        parts.online.last_seq = None;
        report.timings.cluster = clock.elapsed().as_secs_f64();
        Ok(Staged {
            rows,
            updates,
            update_stories,
            story_rows,
            report,
        })
    }
    /// Stories, most recently updated first; `limit` 0 means all.
    pub fn stories(&self, limit: usize) -> Result<Vec<StorySummary>> {
        Ok(self.store.stories(limit)?)
    }

    /// Stories, most recently updated first, `limit` (0: all) after the
    /// first `offset`.
    fn store_stories_from(&self, offset: usize, limit: usize) -> Result<Vec<StorySummary>> {
        Ok(self.store.stories_from(offset, limit)?)
    }

    /// Ids of the stories with an article in `language`.
    fn stories_in_language(&self, language: &str) -> Result<std::collections::HashSet<String>> {
        Ok(self.store.stories_in_language(language)?)
    }

    /// Every distinct language of the stored articles, sorted (read from
    /// the store once, then kept up to date).
    fn language_names(&self) -> Result<Vec<String>> {
        if let Some(l) = self.languages.get() {
            return Ok(l.iter().cloned().collect());
        }
        let set: BTreeSet<String> = self.store.languages()?.into_iter().collect();
        let v = set.iter().cloned().collect();
        let _ = self.languages.set(set);
        Ok(v)
    }

    /// Every distinct outlet of the stored articles, sorted.
    fn outlet_names(&self) -> Vec<String> {
        self.outlets.iter().cloned().collect()
    }

    /// Resolves a story id or unique prefix. The id of a story merged into
    /// another resolves to the story that holds its articles now
    /// ([`Engine::story_redirect`]).
    pub fn resolve_story(&self, key: &str) -> Result<Option<StoryId>> {
        let found = self.store.find_stories(key)?;
        if let Some(exact) = found.iter().find(|s| s.as_str() == key) {
            return Ok(Some(self.live_story(exact)?));
        }
        let mut live = Vec::with_capacity(found.len());
        for id in &found {
            let id = self.live_story(id)?;
            if !live.contains(&id) {
                live.push(id);
            }
        }
        match live.len() {
            0 => Ok(None),
            1 => Ok(live.into_iter().next()),
            _ => Err(EngineError::Ambiguous(
                key.to_string(),
                live.iter()
                    .map(|s| s.to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
            )),
        }
    }

    /// Ids of the stories merged into story `id`, directly or through
    /// later merges, in clustering order.
    fn merged_into(&self, id: &StoryId) -> Vec<StoryId> {
        let Some(index) = self.stories.iter().position(|s| &s.id == id) else {
            return Vec::new();
        };
        self.stories
            .iter()
            .enumerate()
            .filter(|(i, s)| s.merged.is_some() && StoryAgg::live(&self.stories, *i) == index)
            .map(|(_, s)| s.id.clone())
            .collect()
    }

    /// The story an id stands for now: itself, or the story it was merged
    /// into.
    fn live_story(&self, id: &StoryId) -> Result<StoryId> {
        Ok(self.store.story_redirect(id)?.unwrap_or_else(|| id.clone()))
    }

    /// When `id` is exactly the id of a story merged into another: the
    /// story that holds its articles now (old links keep working).
    pub fn story_redirect(&self, id: &str) -> Result<Option<StoryId>> {
        Ok(self.store.story_redirect(&StoryId(id.to_string()))?)
    }

    /// The full view of a story: summary, articles and comparison.
    pub fn story(&self, key: &str) -> Result<Option<StoryView>> {
        let Some(id) = self.resolve_story(key)? else {
            return Ok(None);
        };
        let Some(summary) = self.store.story(&id)? else {
            return Ok(None);
        };
        let members = self.store.story_articles(&id)?;
        let articles: Vec<Article> = members.into_iter().map(|m| m.article).collect();
        let online = self.online()?;
        let idf = |t: &str| online.clusterer.idf(t);
        let mut view = view::build(summary, &articles, &idf, &self.stemmer);
        view.merged_from = self.merged_into(&id);
        Ok(Some(view))
    }

    /// The articles of a story (exact id) in arrival order.
    pub fn story_articles(&self, id: &StoryId) -> Result<Vec<StoredArticle>> {
        Ok(self.store.story_articles(id)?)
    }

    /// Articles whose id, external id or id prefix is `key`.
    pub fn find_articles(&self, key: &str) -> Result<Vec<StoredArticle>> {
        Ok(self.store.find_articles(key)?)
    }

    /// Streams every article in arrival order.
    pub fn for_each_article(&self, f: impl FnMut(StoredArticle) -> bool) -> Result<()> {
        self.for_each_article_from(0, f)
    }

    /// Streams the articles after the first `skip`, in arrival order.
    pub fn for_each_article_from(
        &self,
        skip: usize,
        mut f: impl FnMut(StoredArticle) -> bool,
    ) -> Result<()> {
        Ok(self.store.for_each_article_from(skip, &mut f)?)
    }

    /// Number of stored articles.
    pub fn article_count(&self) -> Result<usize> {
        Ok(self.store.article_count()?)
    }

    /// Number of stories (not counting those merged into another).
    pub fn story_count(&self) -> usize {
        self.stories.iter().filter(|s| s.merged.is_none()).count()
    }

    /// True when an article with this id is stored.
    pub fn contains(&self, id: &ArticleId) -> Result<bool> {
        Ok(self.store.contains(id)?)
    }

    /// The watch state of live ingestion (feeds, validators, seen items),
    /// kept in the store beside the articles. Only the embedded SQLite
    /// store keeps it; other backends give [`EngineError::Unsupported`].
    pub fn feeds(&mut self) -> Result<FeedState<'_>> {
        let backend = self.store.backend();
        match self.store.sqlite() {
            Some(s) => Ok(s.feeds()),
            None => Err(EngineError::Unsupported(format!(
                "feeds and watch state are kept only in the embedded SQLite store, not in {backend}: run `parallax watch` and `parallax feeds` without --store"
            ))),
        }
    }

    /// Whether the store keeps the watch state of live ingestion (the
    /// embedded SQLite store does).
    pub fn keeps_feeds(&mut self) -> bool {
        self.store.sqlite().is_some()
    }

    /// The store's backend (`sqlite`, `postgres`).
    pub fn store_backend(&self) -> &'static str {
        self.store.backend()
    }

    /// The store's integrity check (SQLite's `integrity_check`, or the
    /// backend's own).
    pub fn integrity_check(&self) -> Result<std::result::Result<(), String>> {
        Ok(self.store.integrity_check()?)
    }

    /// Story of each article id, for evaluation and export.
    pub fn assignments(&self) -> Result<FxHashMap<ArticleId, StoryId>> {
        Ok(self.store.assignments()?.into_iter().collect())
    }
}

/// Analyses a set of articles as one story, bypassing clustering and the
/// store (`parallax compare`).
pub fn compare_articles(articles: &[Article]) -> StoryView {
    let stemmer = Stemmer::default();
    let analyses: Vec<Analysis> = articles.iter().map(|a| analyse(a, &stemmer)).collect();
    let refs: Vec<&Analysis> = analyses.iter().collect();
    let idf = parallax_compare::local_idf(&refs);
    let mut agg = StoryAgg::new(StoryId("compare".into()));
    let now = chrono::Utc::now().fixed_offset();
    for a in articles {
        agg.add(a, now);
    }
    view::build(agg.summary(), articles, &idf, &stemmer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use parallax_ingest::ArticleDraft;

    fn article(title: &str, text: &str, outlet: &str) -> Article {
        ArticleDraft {
            title: Some(title.into()),
            text: text.into(),
            outlet: Some(outlet.into()),
            ..Default::default()
        }
        .build()
    }

    fn corpus() -> Vec<Article> {
        vec![
            article("Tarno bridge collapses into river", "The old bridge in Tarno collapsed into the Vell river on Monday. Divers searched for survivors.", "Velmar Daily"),
            article("Mariners win the cup final", "Port Velna Mariners beat Dravnik Union in the cup final on Sunday. The stadium was full.", "Sport Post"),
            article("Divers search river after Tarno bridge collapse", "Divers searched the Vell river after the Tarno bridge collapsed. Two people are missing.", "Tarno Herald"),
        ]
    }

    #[test]
    fn summaries_are_cited_and_deterministic() {
        let arts = vec![
            article("Tarno bridge collapses into the Vell river", "The old bridge in Tarno collapsed into the Vell river on Monday, the mayor said. Divers searched the river for two missing drivers. The bridge had been closed for repairs last year.", "Velmar Daily"),
            article("Divers search river after Tarno bridge collapse", "Divers searched the Vell river after the old Tarno bridge collapsed on Monday. Two drivers are missing, police said. Engineers had warned about cracks in the bridge.", "Tarno Herald"),
            article("Bridge collapse: mayor denies warnings were ignored", "The mayor of Tarno denied that warnings about the bridge were ignored. The old bridge collapsed into the Vell river on Monday. Rescue teams are still searching.", "North Courier"),
        ];
        let a = compare_articles(&arts);
        let b = compare_articles(&arts);
        assert!(!a.digest.is_empty());
        assert_eq!(
            serde_json::to_string(&a.digest).unwrap(),
            serde_json::to_string(&b.digest).unwrap()
        );
        for s in &a.digest {
            assert!(!s.citations.is_empty());
            let c = &s.citations[0];
            assert_eq!(arts[c.n - 1].text[c.start..c.end].trim(), s.text);
        }
        // A fact all three report is cited to all three.
        assert!(
            a.digest.iter().any(|s| s.sources.len() >= 2),
            "{:?}",
            a.digest
        );
        assert!(a.neutral_headline.is_some());
    }

    #[test]
    fn ingest_clusters_and_is_idempotent() {
        let dir = tempfile::tempdir().unwrap();
        let mut e = Engine::open(dir.path(), ClusterConfig::default()).unwrap();
        let r = e.ingest_batch(corpus()).unwrap();
        assert_eq!(r.added.len(), 3);
        assert_eq!(r.new_stories, 2);
        assert_eq!(r.added[0].1, r.added[2].1);
        let again = e.ingest_batch(corpus()).unwrap();
        assert_eq!(again.added.len(), 0);
        assert_eq!(again.unchanged, 3);
        let stories = e.stories(0).unwrap();
        assert_eq!(stories.len(), 2);
        let view = e.story(r.added[0].1.as_str()).unwrap().unwrap();
        assert_eq!(view.articles.len(), 2);
        // The most central title of the members, not simply the first.
        assert!([
            "Tarno bridge collapses into river",
            "Divers search river after Tarno bridge collapse"
        ]
        .contains(&view.summary.headline.as_str()));
    }

    /// Staging on one thread and writing on another handle gives what
    /// sequential ingestion gives, and keeps in-flight ids out.
    #[test]
    fn staged_writes_on_a_second_handle_match_sequential_ingest() {
        let stemmer = Stemmer::default();
        let seq_dir = tempfile::tempdir().unwrap();
        let mut seq = Engine::open(seq_dir.path(), ClusterConfig::default()).unwrap();
        let mut expected = Vec::new();
        for a in corpus() {
            let r = seq
                .ingest_prepared(Prepared::new(vec![a], &stemmer))
                .unwrap();
            expected.extend(r.added);
        }
        let dir = tempfile::tempdir().unwrap();
        let mut e = Engine::open(dir.path(), ClusterConfig::default()).unwrap();
        let mut writer = e
            .writer()
            .unwrap()
            .expect("a file store has a second handle");
        let mut in_flight = InFlight::new();
        let mut staged = Vec::new();
        for a in corpus() {
            let s = e
                .stage(Prepared::new(vec![a], &stemmer), &in_flight)
                .unwrap();
            in_flight.add(&s);
            staged.push(s);
        }
        // The same article again while its batch is not written yet.
        let again = e
            .stage(
                Prepared::new(vec![corpus().remove(0)], &stemmer),
                &in_flight,
            )
            .unwrap();
        assert_eq!(again.ids().count(), 0);
        // A new version of a page whose first version is still in flight:
        // an update, written after it.
        let [v1, v2, _] = ferry_versions();
        let first = e
            .stage(Prepared::new(vec![v1], &stemmer), &in_flight)
            .unwrap();
        in_flight.add(&first);
        let second = e
            .stage(Prepared::new(vec![v2.clone()], &stemmer), &in_flight)
            .unwrap();
        assert_eq!(second.ids().count(), 1);
        in_flight.add(&second);
        let mut got = Vec::new();
        let mut updated = Vec::new();
        for s in staged.into_iter().chain([again, first, second]) {
            let r = writer.write(s).unwrap();
            in_flight.written(&r);
            got.extend(r.added);
            updated.extend(r.updated);
        }
        assert!(in_flight.is_empty());
        assert_eq!(got[..3], expected[..]);
        assert_eq!(updated.len(), 1);
        let reopened = Engine::open(dir.path(), ClusterConfig::default()).unwrap();
        assert_eq!(
            reopened.find_articles(v2.id.as_str()).unwrap()[0]
                .article
                .text,
            v2.text
        );
        assert_eq!(reopened.article_count().unwrap(), 4);
        assert_eq!(reopened.stories(0).unwrap().len(), 3);
        // An in-memory store has no second handle.
        let mem = Engine::in_memory(ClusterConfig::default()).unwrap();
        assert!(mem.writer().unwrap().is_none());
    }

    /// A re-read corpus: the articles stored already are left out before
    /// analysis and counted as unchanged; a new one is still analysed.
    #[test]
    fn stored_articles_are_not_analysed_again() {
        let stemmer = Stemmer::default();
        let dir = tempfile::tempdir().unwrap();
        let mut e = Engine::open(dir.path(), ClusterConfig::default()).unwrap();
        let mut docs = corpus();
        let last = docs.pop().unwrap();
        assert_eq!(e.ingest_batch(docs).unwrap().added.len(), 2);
        let lookup = e
            .stored_lookup()
            .unwrap()
            .expect("a file store has a second handle");
        let p = Prepared::without_stored(corpus(), &stemmer, &lookup, None);
        assert_eq!(p.len(), 3);
        assert_eq!(p.items.len(), 1);
        assert_eq!(p.items[0].article.id, last.id);
        let r = e.ingest_prepared(p).unwrap();
        assert_eq!((r.added.len(), r.unchanged), (1, 2));
        assert!(lookup.contains(&last.id).unwrap());
        assert_eq!(e.article_count().unwrap(), 3);
        let mem = Engine::in_memory(ClusterConfig::default()).unwrap();
        assert!(mem.stored_lookup().unwrap().is_none());
    }

    /// When a staged batch is never written, `recover` forgets it: the
    /// engine clusters the article again as if it had never been seen.
    #[test]
    fn recover_forgets_unwritten_batches() {
        let stemmer = Stemmer::default();
        let dir = tempfile::tempdir().unwrap();
        let mut e = Engine::open(dir.path(), ClusterConfig::default()).unwrap();
        let first = e.ingest_batch(vec![corpus().remove(0)]).unwrap();
        let lost = e
            .stage(
                Prepared::new(vec![corpus().remove(1)], &stemmer),
                &Default::default(),
            )
            .unwrap();
        assert_eq!(lost.ids().count(), 1);
        assert_eq!(e.story_count(), 2);
        drop(lost);
        e.recover().unwrap();
        assert_eq!(e.story_count(), 1);
        let r = e.ingest_batch(vec![corpus().remove(1)]).unwrap();
        assert_eq!(r.added.len(), 1);
        assert_eq!(r.new_stories, 1);
        assert_ne!(r.added[0].1, first.added[0].1);
        assert_eq!(e.article_count().unwrap(), 2);
    }

    #[test]
    fn a_copy_is_linked_to_its_original_and_joins_its_story() {
        let text = "The old bridge in Tarno collapsed into the Vell river on Monday. Divers searched for survivors all night. Two people are missing and the mayor asked for calm. Engineers had warned about the bridge for years.";
        let mut e = Engine::in_memory(ClusterConfig::default()).unwrap();
        let a = article("Tarno bridge collapses", text, "Velmar Daily");
        let copy = article(
            "Bridge collapse in Tarno",
            &format!("{text} Sign up for our newsletter."),
            "Wire Copy",
        );
        let r = e.ingest_batch(vec![a.clone(), copy.clone()]).unwrap();
        assert_eq!(r.copies.len(), 1);
        assert_eq!(r.copies[0].0, copy.id);
        assert_eq!(r.copies[0].1, a.id);
        assert_eq!(r.added[0].1, r.added[1].1);
        let stored = e.find_articles(copy.id.as_str()).unwrap();
        assert_eq!(stored[0].duplicate_of.as_ref().unwrap().0, a.id);
    }

    #[test]
    fn reopened_engine_decides_like_an_uninterrupted_one() {
        let all = corpus();
        let one = {
            let mut e = Engine::in_memory(ClusterConfig::default()).unwrap();
            e.ingest_batch(all.clone()).unwrap().added
        };
        let dir = tempfile::tempdir().unwrap();
        {
            let mut e = Engine::open(dir.path(), ClusterConfig::default()).unwrap();
            e.ingest_batch(all[..2].to_vec()).unwrap();
        }
        let mut e = Engine::open(dir.path(), ClusterConfig::default()).unwrap();
        let rest = e.ingest_batch(all[2..].to_vec()).unwrap().added;
        assert_eq!(rest[0], one[2]);
    }

    /// A join model on the body cosine alone (joins at a cosine of 0.3),
    /// merging two stories that an article fits both.
    fn merging() -> ClusterConfig {
        let mut weights = [0.0; parallax_cluster::NF];
        weights[0] = -3.0;
        weights[1] = 10.0;
        ClusterConfig {
            model: parallax_cluster::Model { weights },
            threshold: 0.5,
            merge_threshold: Some(0.5),
            ..Default::default()
        }
    }

    fn bridged() -> Vec<Article> {
        vec![
            article("Flood closes Pouwa Falls school", "Flood water closed the school in Pouwa Falls. Teachers moved pupils to the library.", "Velmar Daily"),
            article("Ferry strike halts Dravnik crossings", "A ferry strike halted crossings at Dravnik harbour. Sailors want higher pay.", "Tarno Herald"),
            article("Flood and ferry strike", "Flood water closed the school in Pouwa Falls and a ferry strike halted crossings at Dravnik harbour. Teachers moved pupils; sailors want higher pay.", "North Courier"),
            article("Sailors and teachers", "Sailors want higher pay at Dravnik harbour, and teachers moved pupils after the flood in Pouwa Falls.", "Sport Post"),
        ]
    }

    #[test]
    fn a_merged_story_redirects_and_replays() {
        let all = bridged();
        let dir = tempfile::tempdir().unwrap();
        let (first, second, merged) = {
            let mut e = Engine::open(dir.path(), merging()).unwrap();
            let r = e.ingest_batch(all[..3].to_vec()).unwrap();
            assert_eq!(r.new_stories, 2);
            let (first, second) = (r.added[0].1.clone(), r.added[1].1.clone());
            assert_eq!(r.merged, vec![(second.clone(), first.clone())]);
            assert_eq!(r.added[2].1, first, "the bridge joins the older story");
            (first, second, r.merged)
        };
        assert_eq!(merged.len(), 1);
        let e = Engine::open(dir.path(), merging()).unwrap();
        assert_eq!(e.story_count(), 1);
        assert_eq!(e.stories(0).unwrap().len(), 1);
        // The merged story's id redirects; its articles are the older one's.
        assert_eq!(
            e.story_redirect(second.as_str()).unwrap(),
            Some(first.clone())
        );
        assert_eq!(e.story_redirect(first.as_str()).unwrap(), None);
        assert_eq!(
            e.resolve_story(second.as_str()).unwrap(),
            Some(first.clone())
        );
        let view = e.story(second.as_str()).unwrap().unwrap();
        assert_eq!(view.summary.id, first);
        assert_eq!(view.merged_from, vec![second.clone()]);
        assert_eq!(view.summary.articles, 3);
        assert_eq!(view.summary.outlets.len(), 3);
        assert!(e.assignments().unwrap().values().all(|s| *s == first));
        // A reopened engine decides as an uninterrupted one.
        drop(e);
        let mut e = Engine::open(dir.path(), merging()).unwrap();
        let rest = e.ingest_batch(all[3..].to_vec()).unwrap().added;
        let mut one = Engine::in_memory(merging()).unwrap();
        let all_at_once = one.ingest_batch(all.clone()).unwrap();
        assert_eq!(all_at_once.merged.len(), 1);
        assert_eq!(rest[0], all_at_once.added[3]);
        assert_eq!(rest[0].1, first);
    }

    fn at_url(url: &str, title: &str, text: &str, outlet: &str) -> Article {
        ArticleDraft {
            url: Some(url.into()),
            title: Some(title.into()),
            text: text.into(),
            outlet: Some(outlet.into()),
            ..Default::default()
        }
        .build()
    }

    #[test]
    fn an_updated_version_replaces_the_stored_one_in_its_story() {
        let first = at_url(
            "https://velmar.example/tarno-bridge",
            "Tarno bridge collapses into river",
            "The old bridge in Tarno collapsed into the Vell river on Monday. Divers searched for survivors.",
            "Velmar Evening",
        );
        let mut all = corpus();
        all.insert(0, first.clone());
        let newer = at_url(
            "https://velmar.example/tarno-bridge?utm_source=feed",
            "Tarno bridge collapse: two drivers missing",
            "The old bridge in Tarno collapsed into the Vell river on Monday. Divers searched for two missing drivers, police said.",
            "Velmar Evening",
        );
        assert_eq!(newer.id, first.id);
        let dir = tempfile::tempdir().unwrap();
        let (story, next) = {
            let mut e = Engine::open(dir.path(), ClusterConfig::default()).unwrap();
            let added = e.ingest_batch(all.clone()).unwrap().added;
            let story = added[0].1.clone();
            let r = e.ingest_batch(vec![newer.clone()]).unwrap();
            assert!(r.added.is_empty());
            assert_eq!(r.updated, [(newer.id.clone(), story.clone())]);
            assert_eq!(r.unchanged, 0);
            // The same version again changes nothing.
            let again = e.ingest_batch(vec![newer.clone()]).unwrap();
            assert!(again.updated.is_empty() && again.added.is_empty());
            assert_eq!(again.unchanged, 1);
            assert_eq!(e.article_count().unwrap(), 4);
            let stored = e.find_articles(first.id.as_str()).unwrap();
            assert_eq!(stored.len(), 1);
            assert_eq!(stored[0].article.text, newer.text);
            assert_eq!(stored[0].story, story);
            let later = article(
                "Tarno bridge: divers find a car",
                "Divers searching the Vell river after the Tarno bridge collapsed found a car on Tuesday.",
                "Tarno Herald",
            );
            (story, e.ingest_batch(vec![later]).unwrap().added)
        };
        // A reopened engine holds the new text and decides as this one did.
        let e = Engine::open(dir.path(), ClusterConfig::default()).unwrap();
        assert_eq!(
            e.find_articles(first.id.as_str()).unwrap()[0].article.text,
            newer.text
        );
        assert_eq!(next[0].1, story);
        let mut e = e;
        let later = article(
            "Tarno bridge: divers find a car",
            "Divers searching the Vell river after the Tarno bridge collapsed found a car on Tuesday.",
            "Tarno Herald",
        );
        assert_eq!(e.ingest_batch(vec![later]).unwrap().unchanged, 1);
        // Prepared batches (the CLI's reader thread) find the update too.
        let mut third = newer.clone();
        third.text.push_str(" The mayor ordered an inquiry.");
        let third = at_url(
            "https://velmar.example/tarno-bridge",
            third.title.as_deref().unwrap(),
            &third.text,
            "Velmar Evening",
        );
        let lookup = e.stored_lookup().unwrap().expect("a second handle");
        let prepared = Prepared::without_stored(vec![third.clone()], &e.stemmer, &lookup, None);
        let r = e.ingest_prepared(prepared).unwrap();
        assert_eq!(r.updated.len(), 1);
        assert_eq!(
            e.find_articles(first.id.as_str()).unwrap()[0].article.text,
            third.text
        );
    }

    /// Three versions of one page: the first, a longer text, a new title.
    fn ferry_versions() -> [Article; 3] {
        let url = "https://velmar.example/ferry";
        [
            ("Ferry resumes", "The Velmar ferry runs again."),
            (
                "Ferry resumes",
                "The Velmar ferry runs again after the strike.",
            ),
            (
                "Ferry resumes after strike",
                "The Velmar ferry runs again after a two-week strike.",
            ),
        ]
        .map(|(title, text)| at_url(url, title, text, "Velmar Daily"))
    }

    #[test]
    fn a_later_version_in_the_same_batch_replaces_the_earlier_one() {
        let [v1, v2, v3] = ferry_versions();
        let mut e = Engine::in_memory(ClusterConfig::default()).unwrap();
        let r = e
            .ingest_batch(vec![v1.clone(), v2.clone(), v2.clone(), v3.clone()])
            .unwrap();
        assert_eq!(r.added.len(), 1);
        assert_eq!(r.updated.len(), 2);
        assert_eq!(r.unchanged, 1);
        let stored = e.find_articles(v1.id.as_str()).unwrap();
        assert_eq!(stored[0].article.text, v3.text);
        let story = e.story(stored[0].story.as_str()).unwrap().unwrap();
        assert_eq!(story.summary.headline, "Ferry resumes after strike");
    }

    /// A toy sentence encoder: the text's letter frequencies.
    struct Letters;

    impl Embed for Letters {
        fn embed(&self, text: &str) -> Vec<f32> {
            let mut v = [0f32; 26];
            for c in text.chars().filter(char::is_ascii_alphabetic) {
                v[(c.to_ascii_lowercase() as u8 - b'a') as usize] += 1.0;
            }
            let n = v.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-9);
            v.iter().map(|x| x / n).collect()
        }
    }

    static LETTERS: Letters = Letters;

    #[test]
    fn embeddings_are_quantised_stored_and_replayed() {
        let article = corpus().remove(2);
        let v = LETTERS.embed(&lead_text(&article));
        let (e, line) = embed_article(&article, Embedder(&LETTERS));
        let (back, _) = decode_features(Vec::new(), &line);
        let cos: f32 = v.iter().zip(&back.embedding).map(|(a, b)| a * b).sum();
        assert!(cos > 0.995, "{cos}");
        // What the engine clusters with is exactly the stored form.
        assert_eq!(back.embedding, e);
        assert_eq!(embedding_of(&article, Embedder(&LETTERS)), e);
        // A damaged line is dropped, not misread.
        assert!(decode_features(Vec::new(), "e\t0.1\tzz1\n")
            .0
            .embedding
            .is_empty());

        let config = ClusterConfig::dense(Embedder(&LETTERS));
        let all = corpus();
        let dir = tempfile::tempdir().unwrap();
        {
            let mut e = Engine::open(dir.path(), config).unwrap();
            e.ingest_batch(all[..2].to_vec()).unwrap();
        }
        let mut e = Engine::open(dir.path(), config).unwrap();
        let mut stored = 0;
        e.store
            .for_each_replay_after(0, &mut |row: ReplayRow| {
                let (doc, _) = decode_features(row.terms, &row.features);
                assert_eq!(doc.embedding.len(), 26);
                stored += 1;
            })
            .unwrap();
        assert_eq!(stored, 2);
        let rest = e.ingest_batch(all[2..].to_vec()).unwrap().added;
        let one = {
            let mut e = Engine::in_memory(config).unwrap();
            e.ingest_batch(all.clone()).unwrap().added
        };
        assert_eq!(
            rest[0], one[2],
            "a replayed store decides as an uninterrupted run"
        );
    }

    #[test]
    fn a_deferred_replay_reads_at_once_and_decides_like_a_full_open() {
        let all = corpus();
        let dir = tempfile::tempdir().unwrap();
        {
            let mut e = Engine::open(dir.path(), ClusterConfig::default()).unwrap();
            e.ingest_batch(all[..2].to_vec()).unwrap();
        }
        let (full_view, story_id) = {
            let e = Engine::open(dir.path(), ClusterConfig::default()).unwrap();
            let id = e.stories(1).unwrap()[0].id.to_string();
            let view = serde_json::to_value(e.story(&id).unwrap()).unwrap();
            (view, id)
        };
        let mut e = Engine::open_deferred(dir.path(), ClusterConfig::default()).unwrap();
        // Listings come from the store, without the replay.
        assert_eq!(e.stories(0).unwrap().len(), e.story_count());
        assert_eq!(e.outlets().unwrap().len(), 2);
        let view = serde_json::to_value(e.story(&story_id).unwrap()).unwrap();
        assert_eq!(view, full_view, "a story's view waits for the replay");
        assert!(e.is_ready());
        let rest = e.ingest_batch(all[2..].to_vec()).unwrap().added;
        let one = {
            let mut e = Engine::in_memory(ClusterConfig::default()).unwrap();
            e.ingest_batch(all.clone()).unwrap().added
        };
        assert_eq!(rest[0], one[2]);
    }

    #[test]
    fn unfiltered_and_filtered_listings_agree() {
        let mut e = Engine::in_memory(ClusterConfig::default()).unwrap();
        e.ingest_batch(corpus()).unwrap();
        let all = e.list_stories(&query::ListFilter::default(), 0, 0).unwrap();
        let first = e.list_stories(&query::ListFilter::default(), 0, 1).unwrap();
        assert_eq!(first.total, all.total);
        assert_eq!(first.items[0].id, all.items[0].id);
        assert_eq!(first.next, (all.total > 1).then_some(1));
        let outlet = all.items[0].outlets[0].clone();
        let f = query::ListFilter {
            outlet: Some(outlet.clone()),
            ..Default::default()
        };
        let some = e.list_stories(&f, 0, 0).unwrap();
        assert!(some.items.iter().all(|s| s.outlets.contains(&outlet)));
        assert!(e.outlets().unwrap().contains(&outlet));
    }

    #[test]
    fn compare_bypasses_clustering() {
        let v = compare_articles(&corpus());
        assert_eq!(v.articles.len(), 3);
        assert_eq!(v.summary.outlets.len(), 3);
    }
}
