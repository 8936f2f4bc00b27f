//! Several workers on one database: the engine's side of the shared inbox
//! ([`parallax_store::SharedInbox`], implemented by the PostgreSQL store).
//!
//! A worker analyses rows of the inbox that no other worker holds (the
//! expensive part, in parallel across workers), then, under the store's
//! clustering lock, catches its in-memory clusterer up with the articles
//! other workers stored since it last looked and clusters the analysed
//! rows strictly in stream order. Clustering order is therefore always
//! stream order, and any number of workers gives the stories one would.

use crate::{
    decode_features, encode_features, BatchReport, Engine, EngineError, HeadlineCandidate, Parts,
    Ready, Result, StoryAgg,
};
use parallax_analyse::analyse;
use parallax_cluster::dedup::{self, DedupConfig};
use parallax_core::{Article, StoryId, TitleSource};
use parallax_store::{
    AnalysedForm, ClusterRows, ClusterStep, InboxArticle, InboxCounts, SharedInbox,
};
use parallax_text::Stemmer;
use rayon::prelude::*;
use std::time::{Duration, Instant};

/// What a worker did on the shared inbox.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct WorkReport {
    /// Articles this worker analysed.
    pub analysed: usize,
    /// Articles other workers stored that this worker's clusterer caught
    /// up with.
    pub caught_up: usize,
    /// What this worker clustered and stored, as one batch report.
    pub batch: BatchReport,
}

/// How long a worker waits when the next rows are being analysed by
/// another worker.
const IDLE_WAIT: Duration = Duration::from_millis(20);

/// The analysed form of an article, as the inbox keeps it.
fn analysed_form(article: &Article, stemmer: &Stemmer) -> AnalysedForm {
    let analysis = analyse(article, stemmer);
    let doc = crate::doc_of(article, &analysis);
    let signature = dedup::signature(&analysis.shingles, DedupConfig::default().min_shingles);
    let real = matches!(
        article.title_source,
        TitleSource::Given | TitleSource::FirstLine
    );
    AnalysedForm {
        features: encode_features(&doc, real),
        terms: doc.terms,
        fingerprint: (analysis.words > 0).then_some(analysis.fingerprint),
        minhash: dedup::encode_signature(&signature),
    }
}

/// An inbox article made ready for the clusterer from its stored form.
fn ready_from(a: InboxArticle, stemmer: &Stemmer) -> Ready {
    let InboxArticle {
        article, analysed, ..
    } = a;
    let (doc, real) = decode_features(analysed.terms, &analysed.features);
    Ready {
        headline: HeadlineCandidate::of_title(article.title.as_deref(), real, stemmer),
        stored_doc: parallax_store::encode_article(&article),
        stored_terms: parallax_store::encode_terms(&doc.terms),
        signature: dedup::decode_signature(&analysed.minhash),
        fingerprint: analysed.fingerprint,
        features: analysed.features,
        minhash: analysed.minhash,
        doc,
        article,
    }
}

impl Parts<'_> {
    /// Replays what other workers stored into the online state and takes
    /// their stories' rows as they are now. Returns how many articles.
    fn catch_up(
        &mut self,
        step: &mut ClusterStep,
        stemmer: &Stemmer,
    ) -> parallax_store::Result<usize> {
        let rows = std::mem::take(&mut step.catch_up);
        let n = rows.len();
        // Merges other workers made, by the article that caused them.
        let merges = crate::merges_by_article(&step.catch_up_stories);
        for row in rows {
            if row.story_index > self.stories.len() {
                return Err(parallax_store::StoreError::Aborted(format!(
                    "article {} is in story {} but only {} stories are known",
                    row.id,
                    row.story_index,
                    self.stories.len()
                )));
            }
            self.online.last_seq = self.online.last_seq.max(Some(row.seq));
            let (doc, real) = decode_features(row.terms, &row.features);
            match merges.get(&row.id) {
                Some(&(from, into)) if from < self.stories.len() && into < self.stories.len() => {
                    self.online.clusterer.replay_merged(&doc, from, into);
                    StoryAgg::merge(self.stories, from, into, &row.id);
                }
                _ => self.online.clusterer.replay(&doc, row.story_index),
            }
            self.online
                .dedup
                .add(row.fingerprint, dedup::decode_signature(&row.minhash));
            if row.story_index == self.stories.len() {
                self.stories
                    .push(StoryAgg::new(StoryId::founded_by(&row.id)));
            }
            self.stories[row.story_index].add_candidate(row.title.as_deref(), real, stemmer);
            self.online.seen.push((row.id, row.story_index));
        }
        for r in std::mem::take(&mut step.catch_up_stories) {
            let Some(agg) = self.stories.get_mut(r.story_index) else {
                continue;
            };
            agg.id = r.summary.id;
            agg.headline = r.summary.headline;
            agg.headline_provisional = r.headline_provisional;
            agg.articles = r.summary.articles;
            agg.outlets = r.summary.outlets.into_iter().collect();
            agg.first_seen = r.summary.first_seen;
            agg.last_seen = r.summary.last_seen;
            agg.independent = r.independent;
            agg.merged = r.merged;
            self.outlets.extend(agg.outlets.iter().cloned());
        }
        if n > 0 {
            // Read again from the store when next asked.
            *self.languages = std::sync::OnceLock::new();
        }
        Ok(n)
    }
}

impl Engine {
    fn inbox(&mut self) -> Result<&mut dyn SharedInbox> {
        let backend = self.store.backend();
        self.store.shared_inbox().ok_or_else(|| {
            EngineError::Unsupported(format!(
                "the {backend} store has no shared inbox: several workers need PostgreSQL (--store postgres://...)"
            ))
        })
    }

    /// Whether the store has a shared inbox for several workers.
    pub fn has_shared_inbox(&mut self) -> bool {
        self.store.shared_inbox().is_some()
    }

    /// Puts articles into the shared inbox in order (an article already
    /// there is skipped). Returns how many were added.
    pub fn enqueue(&mut self, articles: &[Article]) -> Result<usize> {
        Ok(self.inbox()?.enqueue(articles)?)
    }

    /// How many inbox rows are new, analysed and done.
    pub fn inbox_counts(&mut self) -> Result<InboxCounts> {
        Ok(self.inbox()?.inbox_counts()?)
    }

    /// Analyses up to `limit` inbox rows no other worker holds, across
    /// cores. Returns how many and the seconds spent.
    pub fn analyse_inbox(&mut self, limit: usize) -> Result<(usize, f64)> {
        let clock = Instant::now();
        self.inbox()?;
        let Engine { store, stemmer, .. } = self;
        let inbox = store
            .shared_inbox()
            .ok_or_else(|| EngineError::Unsupported("the store has no shared inbox".into()))?;
        let n = inbox.analyse_next(limit, &mut |articles| {
            articles
                .par_iter()
                .map(|a| analysed_form(a, stemmer))
                .collect()
        })?;
        Ok((n, clock.elapsed().as_secs_f64()))
    }

    /// Under the store's clustering lock: catches up with what other
    /// workers stored, clusters up to `limit` analysed inbox rows in
    /// stream order and stores them. Returns the batch report and how many
    /// articles were caught up with. On failure nothing is written and the
    /// in-memory state is rebuilt from the store.
    pub fn cluster_inbox(&mut self, limit: usize) -> Result<(BatchReport, usize)> {
        self.online_mut()?;
        if self.online.get().and_then(|o| o.last_seq).is_none() {
            // Written through a path that does not report sequences.
            self.reload()?;
        }
        let clock = Instant::now();
        let mut report = BatchReport::default();
        let mut caught_up = 0;
        let mut cluster_seconds = 0.0;
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
            .ok_or_else(|| EngineError::Replay("the replayed state was lost".into()))?;
        let after = online.last_seq.unwrap_or(0);
        let mut parts = Parts {
            online,
            stories,
            outlets,
            languages,
        };
        let inbox = store
            .shared_inbox()
            .ok_or_else(|| EngineError::Unsupported("the store has no shared inbox".into()))?;
        let outcome = inbox.cluster_next(after, limit, &mut |mut step| {
            let started = Instant::now();
            caught_up = parts.catch_up(&mut step, stemmer)?;
            let fresh: Vec<Ready> = step
                .ready
                .into_iter()
                .map(|a| ready_from(a, stemmer))
                .collect();
            let (articles, mut stories) = parts.cluster(fresh, &mut report);
            let mut updates = Vec::with_capacity(step.updates.len());
            for (article, stored) in step.updates {
                let doc = parallax_store::encode_article(&article)?;
                updates.push((article, doc, stored));
            }
            let (updates, update_stories) = parts.update(updates, stemmer, &mut report);
            stories.extend(update_stories);
            cluster_seconds = started.elapsed().as_secs_f64();
            Ok(ClusterRows {
                articles,
                updates,
                stories,
            })
        });
        match outcome {
            Ok(o) => {
                parts.online.last_seq = Some(o.last_seq);
                report.unchanged += o.done.saturating_sub(o.written + o.updated);
            }
            Err(e) => {
                self.reload()?;
                return Err(e.into());
            }
        }
        report.timings.cluster = cluster_seconds;
        report.timings.store = clock.elapsed().as_secs_f64() - cluster_seconds;
        Ok((report, caught_up))
    }

    /// Works on the shared inbox until no row is left to analyse or
    /// cluster: analyses rows no other worker holds, clusters in stream
    /// order, and waits briefly while the next rows are being analysed
    /// elsewhere. `limit` rows per step; `on_step` sees each step's
    /// report.
    pub fn work_inbox(
        &mut self,
        limit: usize,
        mut on_step: impl FnMut(&BatchReport),
    ) -> Result<WorkReport> {
        let limit = limit.max(1);
        let mut work = WorkReport::default();
        loop {
            let (analysed, seconds) = self.analyse_inbox(limit)?;
            work.analysed += analysed;
            work.batch.timings.analyse += seconds;
            let (mut step, caught_up) = self.cluster_inbox(limit)?;
            work.caught_up += caught_up;
            step.timings.analyse = 0.0;
            on_step(&step);
            let progressed = analysed > 0
                || !step.added.is_empty()
                || !step.updated.is_empty()
                || step.unchanged > 0;
            let BatchReport {
                added,
                unchanged,
                updated,
                new_stories,
                copies,
                merged,
                timings,
            } = step;
            work.batch.merged.extend(merged);
            work.batch.added.extend(added);
            work.batch.updated.extend(updated);
            work.batch.unchanged += unchanged;
            work.batch.new_stories += new_stories;
            work.batch.copies.extend(copies);
            work.batch.timings += timings;
            if !progressed {
                let counts = self.inbox_counts()?;
                if counts.new + counts.analysed == 0 {
                    break;
                }
                std::thread::sleep(IDLE_WAIT);
            }
        }
        Ok(work)
    }
}
