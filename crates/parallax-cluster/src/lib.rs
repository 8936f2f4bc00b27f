//! Online story clustering, one pass in arrival order.
//!
//! Each article is a TF-IDF vector (sub-linear term frequency, smoothed
//! IDF from the document frequencies seen so far), L2-normalised. Each story
//! keeps the sum of its members' vectors (the centroid up to scale) and the
//! exact norm of that sum, updated incrementally. A new article is compared
//! by cosine only with the stories an inverted index proposes (stories that
//! share one of its top terms), never with all stories; it joins the best
//! one when the cosine reaches the threshold, else it founds a new story.
//!
//! Invariants:
//! - deterministic: the same articles in the same order give the same
//!   stories (no randomised hashing, ties broken by story age);
//! - incremental: adding an article costs time proportional to its own size
//!   and the number of candidates, not to the number of stories;
//! - replayable: [`Clusterer::replay`] rebuilds exactly the state an
//!   uninterrupted run would have, from the stored assignments.

use rustc_hash::FxHashMap;

/// Tuning of the clusterer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Config {
    /// Cosine similarity at or above which an article joins a story.
    pub threshold: f32,
    /// How many of an article's heaviest terms query the inverted index and
    /// index the story it joins.
    pub index_terms: usize,
    /// Most candidate stories scored per article.
    pub max_candidates: usize,
    /// Longest posting list kept per term (most recent stories win).
    pub max_postings: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            threshold: DEFAULT_THRESHOLD,
            index_terms: 16,
            max_candidates: 64,
            max_postings: 4096,
        }
    }
}

/// The cosine threshold calibrated on ECB+ dev (odd topics; see
/// ARCHITECTURE.md and `parallax-eval cluster --sweep`).
pub const DEFAULT_THRESHOLD: f32 = 0.26;

/// The decision taken for one article.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Assignment {
    /// Index of the story (in creation order) the article belongs to.
    pub story: usize,
    /// True when the article founded the story.
    pub founded: bool,
    /// Cosine with the chosen story before joining (0 when founded).
    pub score: f32,
}

struct Story {
    /// Sum of member vectors: term id -> weight.
    sum: FxHashMap<u32, f32>,
    /// Squared L2 norm of `sum`.
    norm2: f32,
    /// Members so far.
    size: u32,
}

/// The online clusterer's state.
pub struct Clusterer {
    config: Config,
    vocab: FxHashMap<String, u32>,
    df: Vec<u32>,
    docs: u32,
    stories: Vec<Story>,
    postings: FxHashMap<u32, Vec<u32>>,
}

impl Clusterer {
    /// An empty clusterer.
    pub fn new(config: Config) -> Self {
        Clusterer {
            config,
            vocab: FxHashMap::default(),
            df: Vec::new(),
            docs: 0,
            stories: Vec::new(),
            postings: FxHashMap::default(),
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

    /// Assigns an article, given its weighted terms, to a story and updates
    /// the state.
    pub fn add(&mut self, terms: &[(String, f32)]) -> Assignment {
        let vector = self.observe(terms);
        let best = self.best_story(&vector);
        match best {
            Some((story, score)) if score >= self.config.threshold => {
                self.join(story, &vector);
                Assignment {
                    story,
                    founded: false,
                    score,
                }
            }
            _ => {
                let story = self.found(&vector);
                Assignment {
                    story,
                    founded: true,
                    score: 0.0,
                }
            }
        }
    }

    /// Scores an article against the current stories without changing any
    /// state: the best candidate story and its cosine.
    pub fn peek(&self, terms: &[(String, f32)]) -> Option<(usize, f32)> {
        let ids: Vec<(u32, f32)> = terms
            .iter()
            .filter_map(|(t, w)| self.vocab.get(t).map(|&id| (id, *w)))
            .collect();
        let vector = self.weigh(&ids, self.docs + 1);
        self.best_story(&vector)
    }

    /// Replays an article whose story is already known (from the store):
    /// the state ends exactly as after the original [`Clusterer::add`].
    /// `story` must be an existing story index or the next new one.
    pub fn replay(&mut self, terms: &[(String, f32)], story: usize) {
        let vector = self.observe(terms);
        if story < self.stories.len() {
            self.join(story, &vector);
        } else {
            self.found(&vector);
        }
    }

    /// Interns terms, updates document frequencies, and returns the
    /// article's normalised TF-IDF vector sorted by weight (heaviest first).
    fn observe(&mut self, terms: &[(String, f32)]) -> Vec<(u32, f32)> {
        self.docs += 1;
        let mut ids = Vec::with_capacity(terms.len());
        for (t, w) in terms {
            let next = self.vocab.len() as u32;
            let id = *self.vocab.entry(t.clone()).or_insert(next);
            if id as usize == self.df.len() {
                self.df.push(0);
            }
            self.df[id as usize] += 1;
            ids.push((id, *w));
        }
        self.weigh(&ids, self.docs)
    }

    fn weigh(&self, ids: &[(u32, f32)], docs: u32) -> Vec<(u32, f32)> {
        let n = docs as f32;
        let mut v: Vec<(u32, f32)> = ids
            .iter()
            .map(|&(id, tf)| {
                let df = self.df.get(id as usize).copied().unwrap_or(0) as f32;
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

    fn best_story(&self, vector: &[(u32, f32)]) -> Option<(usize, f32)> {
        let mut hits: FxHashMap<u32, u32> = FxHashMap::default();
        for (id, _) in vector.iter().take(self.config.index_terms) {
            if let Some(list) = self.postings.get(id) {
                for &s in list {
                    *hits.entry(s).or_default() += 1;
                }
            }
        }
        let mut candidates: Vec<(u32, u32)> = hits.into_iter().collect();
        // Most shared terms first, then the most recent story.
        candidates.sort_by(|a, b| b.1.cmp(&a.1).then(b.0.cmp(&a.0)));
        candidates.truncate(self.config.max_candidates);
        let mut best: Option<(usize, f32)> = None;
        for (s, _) in candidates {
            let score = self.cosine(s as usize, vector);
            let better = match best {
                None => true,
                Some((bs, bscore)) => score > bscore || (score == bscore && (s as usize) < bs),
            };
            if better {
                best = Some((s as usize, score));
            }
        }
        best
    }

    fn cosine(&self, story: usize, vector: &[(u32, f32)]) -> f32 {
        let s = &self.stories[story];
        if s.norm2 <= 0.0 {
            return 0.0;
        }
        let dot: f32 = vector
            .iter()
            .map(|(id, w)| w * s.sum.get(id).copied().unwrap_or(0.0))
            .sum();
        dot / s.norm2.sqrt()
    }

    fn join(&mut self, story: usize, vector: &[(u32, f32)]) {
        let s = &mut self.stories[story];
        let mut dot = 0.0;
        let mut self2 = 0.0;
        for &(id, w) in vector {
            let e = s.sum.entry(id).or_insert(0.0);
            dot += *e * w;
            self2 += w * w;
            *e += w;
        }
        s.norm2 += 2.0 * dot + self2;
        s.size += 1;
        self.index(story as u32, vector);
    }

    fn found(&mut self, vector: &[(u32, f32)]) -> usize {
        let story = self.stories.len();
        self.stories.push(Story {
            sum: vector.iter().copied().collect(),
            norm2: vector.iter().map(|(_, w)| w * w).sum(),
            size: 1,
        });
        self.index(story as u32, vector);
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

    /// The inverse document frequency of a term in the articles seen so
    /// far (smoothed; an unseen term gets the highest value).
    pub fn idf(&self, term: &str) -> f32 {
        let df = self
            .vocab
            .get(term)
            .and_then(|&id| self.df.get(id as usize))
            .copied()
            .unwrap_or(0) as f32;
        ((self.docs as f32 + 1.0) / (df + 1.0)).ln() + 1.0
    }

    /// Members of a story so far.
    pub fn story_size(&self, story: usize) -> u32 {
        self.stories.get(story).map(|s| s.size).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(s: &str) -> Vec<(String, f32)> {
        let mut m: std::collections::BTreeMap<String, f32> = Default::default();
        for w in s.split_whitespace() {
            *m.entry(w.to_string()).or_default() += 1.0;
        }
        m.into_iter().collect()
    }

    fn run(docs: &[&str]) -> Vec<usize> {
        let mut c = Clusterer::new(Config {
            threshold: 0.3,
            ..Default::default()
        });
        docs.iter().map(|d| c.add(&terms(d)).story).collect()
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
    fn deterministic() {
        assert_eq!(run(DOCS), run(DOCS));
    }

    #[test]
    fn replay_rebuilds_the_same_state() {
        let mut a = Clusterer::new(Config {
            threshold: 0.3,
            ..Default::default()
        });
        let stories: Vec<usize> = DOCS[..4].iter().map(|d| a.add(&terms(d)).story).collect();
        let mut b = Clusterer::new(Config {
            threshold: 0.3,
            ..Default::default()
        });
        for (d, s) in DOCS[..4].iter().zip(&stories) {
            b.replay(&terms(d), *s);
        }
        assert_eq!(a.add(&terms(DOCS[4])), b.add(&terms(DOCS[4])));
    }

    #[test]
    fn peek_changes_nothing() {
        let mut c = Clusterer::new(Config::default());
        c.add(&terms(DOCS[0]));
        let before = c.articles();
        assert!(c.peek(&terms(DOCS[2])).is_some());
        assert_eq!(c.articles(), before);
    }
}
