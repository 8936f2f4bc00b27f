//! The page's own statement of its article text: JSON-LD `articleBody`,
//! used as a second opinion on the DOM extraction.
//!
//! News sites publish the story's text in their JSON-LD for search engines.
//! When the DOM extraction holds most of that text, the DOM wins: it has
//! the paragraphs, headings and quotes as laid out. When it does not (the
//! scorer picked a comment thread, or the page renders its story with
//! script and the HTML holds only the JSON-LD), the blocks of the page that
//! the stated text contains are taken instead, in page order; and when the
//! page has no such blocks, the stated text itself, paragraph by paragraph.
//! A stated text under [`MIN_TOKENS`] words is a teaser and is ignored.

use crate::{Block, BlockKind};
use scraper::{Html, Selector};
use std::collections::{HashMap, HashSet};

/// Fewer words than this and `articleBody` is a teaser, not the story.
pub(crate) const MIN_TOKENS: u32 = 40;

/// The share of the stated words an extraction must hold to be kept.
const AGREEMENT: f64 = 0.8;

/// A page block is the story's when this share of its words is stated.
const BLOCK_SHARE: f64 = 0.8;

/// A page block needs this many words to be matched (shorter ones, such as
/// "Share this story", match any text by chance).
const BLOCK_MIN_TOKENS: usize = 6;

/// The `articleBody` of a page: its paragraphs and word counts.
pub(crate) struct StatedBody {
    paragraphs: Vec<String>,
    counts: HashMap<String, u32>,
    total: u32,
}

/// Lowercase word tokens (letters, digits, underscore: the body metric's
/// `\w+`).
fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
}

/// Collapses runs of whitespace to one space.
fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl StatedBody {
    /// Reads `articleBody` (plain text, or HTML as some sites write it).
    /// `None` when it holds fewer than [`MIN_TOKENS`] words.
    pub(crate) fn new(raw: &str) -> Option<StatedBody> {
        let paragraphs: Vec<String> = if raw.contains('<') && raw.contains('>') {
            // The same nesting guard as for the page itself.
            let frag = Html::parse_fragment(&crate::guard::limit_depth(raw));
            let sel = Selector::parse("p, h1, h2, h3, h4, h5, h6, li, blockquote").ok()?;
            let mut ps: Vec<String> = frag
                .select(&sel)
                .map(|e| squash(&e.text().collect::<String>()))
                .filter(|p| !p.is_empty())
                .collect();
            if ps.is_empty() {
                ps = vec![squash(&frag.root_element().text().collect::<String>())];
            }
            ps
        } else {
            raw.lines().map(squash).filter(|p| !p.is_empty()).collect()
        };
        let mut counts: HashMap<String, u32> = HashMap::new();
        let mut total = 0u32;
        for p in &paragraphs {
            for w in words(p) {
                *counts.entry(w).or_insert(0) += 1;
                total += 1;
            }
        }
        (total >= MIN_TOKENS).then_some(StatedBody {
            paragraphs,
            counts,
            total,
        })
    }

    /// The share of the stated words (with repeats) that `texts` hold.
    pub(crate) fn recall<'a>(&self, texts: impl Iterator<Item = &'a str>) -> f64 {
        let mut seen: HashMap<String, u32> = HashMap::new();
        for t in texts {
            for w in words(t) {
                *seen.entry(w).or_insert(0) += 1;
            }
        }
        let hit: u32 = self
            .counts
            .iter()
            .map(|(w, &c)| c.min(seen.get(w).copied().unwrap_or(0)))
            .sum();
        hit as f64 / self.total.max(1) as f64
    }

    /// Whether a page block is part of the stated story.
    fn states(&self, text: &str) -> bool {
        let (mut n, mut hit) = (0usize, 0usize);
        for w in words(text) {
            n += 1;
            hit += usize::from(self.counts.contains_key(&w));
        }
        n >= BLOCK_MIN_TOKENS && hit as f64 >= BLOCK_SHARE * n as f64
    }

    /// The body to keep: `extracted` when it agrees with the stated text;
    /// else the page blocks (`page`, in order) the stated text contains,
    /// when they hold most of it; else the stated paragraphs.
    pub(crate) fn reconcile<'a>(
        &self,
        extracted: Vec<Block>,
        page: impl Iterator<Item = (&'a str, BlockKind)>,
    ) -> Vec<Block> {
        if self.recall(extracted.iter().map(|b| b.text.as_str())) >= AGREEMENT {
            return extracted;
        }
        let mut picked: Vec<Block> = Vec::new();
        let mut seen: HashSet<&str> = HashSet::new();
        for (text, kind) in page {
            if self.states(text) && seen.insert(text) {
                picked.push(Block {
                    text: text.to_string(),
                    kind,
                });
            }
        }
        if self.recall(picked.iter().map(|b| b.text.as_str())) >= AGREEMENT {
            return picked;
        }
        self.paragraphs
            .iter()
            .map(|p| Block {
                text: p.clone(),
                kind: BlockKind::Paragraph,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STORY: &str =
        "The Varnholt ferry resumed its crossings on Tuesday after a week of storms.\n\
        Harbour master Ilse Brenner said the pier had been repaired overnight and that \
        the first boat left at seven with forty passengers on board.\n\
        Islanders had relied on a single fishing boat for medicine and post during the closure.";

    fn para(t: &str) -> Block {
        Block {
            text: t.to_string(),
            kind: BlockKind::Paragraph,
        }
    }

    #[test]
    fn teasers_are_ignored() {
        assert!(StatedBody::new("The ferry is back.").is_none());
        assert!(StatedBody::new(STORY).is_some());
    }

    #[test]
    fn html_article_body_is_read_as_paragraphs() {
        let html = format!(
            "<p>{}</p><p>{}</p>",
            STORY.lines().next().unwrap(),
            STORY.lines().skip(1).collect::<Vec<_>>().join(" ")
        );
        let s = StatedBody::new(&html).unwrap();
        assert_eq!(s.paragraphs.len(), 2);
        assert!(!s.paragraphs[0].contains('<'));
    }

    #[test]
    fn deep_nesting_in_article_body_is_harmless() {
        let raw = format!("{}{STORY}", "<div>".repeat(100_000));
        let s = StatedBody::new(&raw).unwrap();
        assert!(s.paragraphs.concat().contains("Harbour master"));
    }

    #[test]
    fn an_agreeing_extraction_is_kept() {
        let s = StatedBody::new(STORY).unwrap();
        let dom: Vec<Block> = STORY.lines().map(para).collect();
        assert_eq!(s.reconcile(dom.clone(), std::iter::empty()), dom);
    }

    #[test]
    fn a_wrong_extraction_gives_way_to_the_page_blocks_stated() {
        let s = StatedBody::new(STORY).unwrap();
        let comment =
            "Great article, I have taken that ferry many times and never once was it late.";
        let mut page: Vec<(&str, BlockKind)> = vec![("Share this story", BlockKind::Paragraph)];
        page.extend(STORY.lines().map(|l| (l, BlockKind::Paragraph)));
        page.push((comment, BlockKind::Paragraph));
        let got = s.reconcile(vec![para(comment)], page.into_iter());
        let texts: Vec<&str> = got.iter().map(|b| b.text.as_str()).collect();
        assert_eq!(texts, STORY.lines().collect::<Vec<_>>());
    }

    #[test]
    fn a_page_without_the_story_gives_the_stated_text() {
        let s = StatedBody::new(STORY).unwrap();
        let got = s.reconcile(Vec::new(), [("Loading…", BlockKind::Paragraph)].into_iter());
        assert_eq!(got.len(), 3);
        assert!(got[1].text.starts_with("Harbour master Ilse Brenner"));
    }
}
