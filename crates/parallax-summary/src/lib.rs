//! Multi-source summaries of a story.
//!
//! - [`summarise`]: an extractive summary built from the story's facts.
//!   Sentences are chosen by [`select`] (expected overlap with an editor's
//!   summary, from learned word importance in [`importance`]; loaded words
//!   penalised; the main disagreement shown from both sides). Every
//!   sentence keeps links to every statement that supports it: the
//!   statements of the facts it states, in every article, with offsets.
//! - [`headline`]: a neutral headline among the articles' titles.
//! - [`timeline`]: dated developments with their sources.
//!
//! Nothing is reworded: a summary sentence is an article's sentence as
//! written, so a quote in it stays the speaker's exact words.

pub mod background;
pub mod headline;
pub mod importance;
pub mod loaded;
pub mod model;
pub mod select;
pub mod timeline;

use importance::StoryWords;
use parallax_compare::facts::{names, ConflictKind, FactReport};
use parallax_core::{Article, Span};
use parallax_text::Stemmer;
use rustc_hash::FxHashSet;
pub use select::{Length, Params};
use serde::Serialize;

/// A statement supporting a summary sentence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Citation {
    /// The source's number in the story's source list (`[n]`).
    pub n: usize,
    /// The article (its external id when it has one).
    pub article: String,
    /// Its outlet.
    pub outlet: String,
    /// Byte offsets of the supporting statement in the article text.
    pub start: usize,
    /// End of the statement (exclusive).
    pub end: usize,
    /// The fact the statement belongs to, when it was aligned into one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fact: Option<String>,
}

/// One sentence of a summary.
#[derive(Debug, Clone, Serialize)]
pub struct SummarySentence {
    /// The sentence, as the article wrote it.
    pub text: String,
    /// Every statement supporting it; the sentence itself first.
    pub citations: Vec<Citation>,
    /// The distinct source numbers cited, ascending.
    pub sources: Vec<usize>,
}

/// A source of a story, as numbered in citations.
#[derive(Debug, Clone, Serialize)]
pub struct Source {
    /// `[n]`.
    pub n: usize,
    /// The article.
    pub article: String,
    /// Its outlet.
    pub outlet: String,
    /// Its title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

/// A story's summary.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Summary {
    /// The sentences, in narrative order.
    pub sentences: Vec<SummarySentence>,
    /// Words in the summary.
    pub words: usize,
    /// The sources cited, numbered as in the citations.
    pub sources: Vec<Source>,
}

impl Summary {
    /// The summary as one paragraph with `[1][3]`-style citations.
    pub fn text(&self) -> String {
        self.sentences
            .iter()
            .map(|s| format!("{} {}", s.text, marks(&s.sources)))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The summary's sentences without citation marks.
    pub fn plain(&self) -> String {
        self.sentences
            .iter()
            .map(|s| s.text.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// `[1][3]`.
pub fn marks(sources: &[usize]) -> String {
    sources.iter().map(|n| format!("[{n}]")).collect()
}

/// A story's articles with their display ids, and which are originals.
/// Copies add nothing to a summary: their sentences are not candidates
/// (they are still cited through the facts they share).
struct Story<'a> {
    refs: Vec<&'a Article>,
    ids: Vec<(String, String)>,
    use_article: Vec<bool>,
    originals: Vec<&'a Article>,
}

impl<'a> Story<'a> {
    fn new(articles: &'a [Article], report: &FactReport) -> Story<'a> {
        let refs: Vec<&Article> = articles.iter().collect();
        let ids: Vec<(String, String)> = articles.iter().map(names).collect();
        let copies: FxHashSet<&str> = report.copies.iter().map(|c| c.article.as_str()).collect();
        let use_article: Vec<bool> = ids
            .iter()
            .map(|(id, _)| !copies.contains(id.as_str()))
            .collect();
        let originals = refs
            .iter()
            .zip(&use_article)
            .filter(|(_, u)| **u)
            .map(|(a, _)| *a)
            .collect();
        Story {
            refs,
            ids,
            use_article,
            originals,
        }
    }
}

/// The story's main speakers: the (at most three) named speakers with the
/// most quoted or reported statements, at least two each.
fn main_speakers(report: &FactReport) -> Vec<String> {
    use parallax_compare::statements::Voice;
    let mut counts: rustc_hash::FxHashMap<&str, usize> = Default::default();
    for f in &report.facts {
        for s in &f.statements {
            if matches!(s.voice, Voice::Quoted | Voice::Reported) {
                if let Some(who) = s.attributed_to.as_deref() {
                    *counts.entry(who).or_default() += 1;
                }
            }
        }
    }
    let mut v: Vec<(&str, usize)> = counts.into_iter().filter(|c| c.1 >= 2).collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    v.into_iter().take(3).map(|(w, _)| w.to_string()).collect()
}

/// The neutral headline of a story: [`headline::choose`] over the
/// articles that are not copies.
pub fn neutral_headline(
    articles: &[Article],
    report: &FactReport,
    stemmer: &Stemmer,
) -> Option<headline::Headline> {
    let Story {
        refs,
        ids,
        use_article,
        originals,
    } = Story::new(articles, report);
    let words = StoryWords::build(&originals, stemmer);
    let outlets: Vec<String> = ids.into_iter().map(|(_, o)| o).collect();
    headline::choose(&refs, &use_article, &words, &outlets, stemmer)
}

/// Summarises a story from its articles and their fact report.
pub fn summarise(
    articles: &[Article],
    report: &FactReport,
    length: Length,
    stemmer: &Stemmer,
) -> Summary {
    summarise_with(articles, report, length, stemmer, &Params::default())
}

/// [`summarise`] with explicit selection constants.
pub fn summarise_with(
    articles: &[Article],
    report: &FactReport,
    length: Length,
    stemmer: &Stemmer,
    params: &Params,
) -> Summary {
    let Story {
        refs,
        ids,
        use_article,
        originals,
    } = Story::new(articles, report);
    let words = StoryWords::build(&originals, stemmer);
    let mut cands = select::candidates(&refs, &use_article, &words, stemmer);
    let facts_of = |c: &select::Candidate| -> Vec<usize> {
        report
            .facts
            .iter()
            .enumerate()
            .filter(|(_, f)| {
                f.statements
                    .iter()
                    .any(|s| s.article_index == c.article && c.span.contains(s.span))
            })
            .map(|(i, _)| i)
            .collect()
    };
    let main = report
        .conflicts
        .iter()
        .filter(|c| c.kind == ConflictKind::Parties && c.sides.len() == 2)
        .max_by_key(|c| {
            let o: FxHashSet<&String> = c.sides.iter().flat_map(|s| &s.outlets).collect();
            o.len()
        });
    let cand_facts: Vec<Vec<usize>> = cands.iter().map(facts_of).collect();
    let speakers = main_speakers(report);
    for (c, fs) in cands.iter_mut().zip(&cand_facts) {
        c.support = fs
            .iter()
            .map(|&f| report.facts[f].independent_sources)
            .max()
            .unwrap_or(1);
        for f in fs {
            for st in &report.facts[*f].statements {
                if st.article_index != c.article || !c.span.contains(st.span) {
                    continue;
                }
                if let Some(rank) = st
                    .attributed_to
                    .as_deref()
                    .and_then(|who| speakers.iter().position(|s| s == who))
                {
                    c.speakers |= 1 << rank;
                }
            }
        }
        if main.is_none() {
            // No dispute between parties was aligned: fall back to the
            // wording, an accusation on one side and a rebuttal on the other.
            let text = refs[c.article].slice(c.span);
            c.sides = [select::accuses(text), select::rebuts(text)];
        }
        if let Some(m) = main {
            for (side, s) in m.sides.iter().enumerate() {
                c.sides[side] = fs.iter().any(|&f| s.facts.contains(&report.facts[f].id));
            }
        }
    }
    let input_words: usize = originals
        .iter()
        .map(|a| {
            a.sentence_texts()
                .map(|s| s.split_whitespace().count())
                .sum::<usize>()
        })
        .sum();
    let mut chosen = select::select(&cands, &words, input_words, length, params);
    // Narrative order: earlier in the articles first.
    chosen.sort_by_key(|&k| (cands[k].sentence, cands[k].article));
    let mut cited: Vec<usize> = Vec::new();
    let mut sentences = Vec::new();
    let mut total = 0;
    for k in chosen {
        let c = &cands[k];
        let a = refs[c.article];
        let text = a.slice(c.span).trim().to_string();
        total += text.split_whitespace().count();
        let mut citations = vec![Citation {
            n: c.article + 1,
            article: ids[c.article].0.clone(),
            outlet: ids[c.article].1.clone(),
            start: c.span.start,
            end: c.span.end,
            fact: None,
        }];
        let mut seen: FxHashSet<(usize, Span)> = FxHashSet::default();
        seen.insert((c.article, c.span));
        for &f in &cand_facts[k] {
            let fact = &report.facts[f];
            for s in &fact.statements {
                if s.article_index == c.article && c.span.contains(s.span) {
                    if citations[0].fact.is_none() {
                        citations[0].fact = Some(fact.id.clone());
                    }
                    continue;
                }
                if seen.insert((s.article_index, s.span)) {
                    citations.push(Citation {
                        n: s.article_index + 1,
                        article: s.article.clone(),
                        outlet: s.outlet.clone(),
                        start: s.span.start,
                        end: s.span.end,
                        fact: Some(fact.id.clone()),
                    });
                }
            }
        }
        let mut sources: Vec<usize> = citations.iter().map(|c| c.n).collect();
        sources.sort_unstable();
        sources.dedup();
        cited.extend(&sources);
        sentences.push(SummarySentence {
            text,
            citations,
            sources,
        });
    }
    cited.sort_unstable();
    cited.dedup();
    let sources = cited
        .into_iter()
        .map(|n| Source {
            n,
            article: ids[n - 1].0.clone(),
            outlet: ids[n - 1].1.clone(),
            title: refs[n - 1].title.clone(),
        })
        .collect();
    Summary {
        sentences,
        words: total,
        sources,
    }
}
