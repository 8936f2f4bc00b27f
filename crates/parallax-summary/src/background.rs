//! How stories use words in general: for each word stem, in how many
//! training stories the articles use it, and in how many of those the
//! editor's summary used it too. Two of the word model's features come
//! from it (how rare the word is across stories, and how readily editors
//! keep it). Counted by `parallax-eval summary --fit` on NeuS train and
//! embedded as `background.tsv`. The fit itself sees these features
//! cross-fitted: a story's counts come from the other folds of train, never
//! from the story itself (its own summary would leak into its features).

use rustc_hash::{FxHashMap, FxHashSet};
use std::sync::OnceLock;

/// Stems used by fewer stories than this are not kept (too rare to say
/// anything, and they would double the table).
pub const MIN_STORIES: u32 = 2;

/// Word counts over a collection of stories.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Background {
    stories: u32,
    words: FxHashMap<Box<str>, Counts>,
}

/// One stem's counts.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    /// Stories whose articles use the stem.
    pub stories: u32,
    /// Of those, stories whose summary uses it.
    pub summaries: u32,
}

impl Background {
    /// The table learned on NeuS train, parsed once.
    pub fn embedded() -> &'static Background {
        static TABLE: OnceLock<Background> = OnceLock::new();
        TABLE.get_or_init(|| Background::parse(include_str!("background.tsv")))
    }

    /// Parses the TSV layout of [`Background::to_tsv`]; malformed lines are
    /// skipped.
    pub fn parse(text: &str) -> Background {
        let mut b = Background::default();
        for line in text.lines() {
            if let Some(n) = line.strip_prefix("#stories\t") {
                b.stories = n.trim().parse().unwrap_or(0);
                continue;
            }
            let mut f = line.split('\t');
            let (Some(stem), Some(s), Some(m)) = (f.next(), f.next(), f.next()) else {
                continue;
            };
            let (Ok(stories), Ok(summaries)) = (s.parse(), m.parse()) else {
                continue;
            };
            b.words.insert(stem.into(), Counts { stories, summaries });
        }
        b
    }

    /// Counts stories: each item is the stems of one story's articles and
    /// the stems of its summary.
    pub fn count<'a, I>(stories: I) -> Background
    where
        I: IntoIterator<Item = (&'a FxHashSet<String>, &'a FxHashSet<String>)>,
    {
        let mut b = Background::default();
        for (articles, summary) in stories {
            b.stories += 1;
            for stem in articles {
                let c = b.words.entry(stem.as_str().into()).or_default();
                c.stories += 1;
                c.summaries += summary.contains(stem) as u32;
            }
        }
        b.words.retain(|_, c| c.stories >= MIN_STORIES);
        b
    }

    /// The table as TSV: a `#stories` line, then `stem, stories,
    /// summaries` by stem.
    pub fn to_tsv(&self) -> String {
        let mut rows: Vec<(&str, &Counts)> = self.words.iter().map(|(k, v)| (&**k, v)).collect();
        rows.sort_unstable_by_key(|r| r.0);
        let mut out = format!("#stories\t{}\n", self.stories);
        for (stem, c) in rows {
            out.push_str(&format!("{stem}\t{}\t{}\n", c.stories, c.summaries));
        }
        out
    }

    /// Number of stories counted.
    pub fn stories(&self) -> u32 {
        self.stories
    }

    /// A stem's counts (zero for a stem the table does not have).
    pub fn get(&self, stem: &str) -> Counts {
        self.words.get(stem).copied().unwrap_or_default()
    }

    /// Number of stems in the table.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// The table has no stems.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(words: &[&str]) -> FxHashSet<String> {
        words.iter().map(|w| w.to_string()).collect()
    }

    #[test]
    fn counts_round_trip() {
        let a = (set(&["bridg", "the", "mayor"]), set(&["bridg", "the"]));
        let b = (set(&["bridg", "the", "flood"]), set(&["the"]));
        let c = (set(&["the", "flood"]), set(&["flood"]));
        let bg = Background::count([(&a.0, &a.1), (&b.0, &b.1), (&c.0, &c.1)]);
        assert_eq!(bg.stories(), 3);
        assert_eq!(
            bg.get("the"),
            Counts {
                stories: 3,
                summaries: 2
            }
        );
        assert_eq!(
            bg.get("flood"),
            Counts {
                stories: 2,
                summaries: 1
            }
        );
        // "mayor" is in one story only: not kept.
        assert_eq!(bg.get("mayor"), Counts::default());
        assert_eq!(Background::parse(&bg.to_tsv()), bg);
    }

    #[test]
    fn the_embedded_table_loads() {
        let bg = Background::embedded();
        assert!(bg.len() > 1000 && bg.stories() > 1000);
        assert!(bg.get("the").stories > 1000);
    }
}
