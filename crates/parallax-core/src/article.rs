use crate::{ArticleId, Span};
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

/// One news article, as read and segmented.
///
/// `text` is the text exactly as stored (decoded to UTF-8, line endings
/// normalised to `\n`, nothing else changed); every paragraph, sentence and
/// later annotation points into it by [`Span`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Article {
    /// Stable id (from the URL when known, else from the content).
    pub id: ArticleId,
    /// The id the input gave the article (e.g. the `id` field of a JSONL
    /// line), kept so users can join results to their own records.
    pub external_id: Option<String>,
    /// Where the article was published, when known.
    pub url: Option<String>,
    /// The publisher's name, when known.
    pub outlet: Option<String>,
    /// Authors as named by the input.
    pub authors: Vec<String>,
    /// The headline; see [`Article::title_source`] for where it came from.
    pub title: Option<String>,
    /// How the title was obtained.
    pub title_source: TitleSource,
    /// The standfirst (dek, subheading), when one was recognised or given.
    pub standfirst: Option<String>,
    /// Publication time with its offset, when known.
    pub published: Option<DateTime<FixedOffset>>,
    /// ISO 639-1 language code, given or identified.
    pub language: Option<String>,
    /// The stored text.
    pub text: String,
    /// Paragraphs of `text`, in order, each with its role.
    pub paragraphs: Vec<Paragraph>,
    /// Sentences of the body paragraphs, in order.
    pub sentences: Vec<Sentence>,
    /// Where the article was read from (`path`, `path:line`, `-`).
    pub source: Option<String>,
    /// Input fields Parallax does not interpret, kept verbatim.
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// Where an article's title came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum TitleSource {
    /// The input named the title (e.g. a JSONL `title` field).
    Given,
    /// The first line of a plain-text file, recognised as a headline.
    FirstLine,
    /// No headline was found: the first sentence stands in for it.
    FirstSentence,
    /// The article has no title at all (empty body).
    #[default]
    None,
}

/// The role a paragraph plays in the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ParagraphKind {
    /// The headline line of a plain-text article.
    Headline,
    /// The standfirst under the headline.
    Standfirst,
    /// A photo caption or credit.
    Caption,
    /// The article's own text.
    Body,
    /// Site furniture: "More information", share and subscribe lines,
    /// recommendation blocks. Kept in `text`, kept out of the body.
    Boilerplate,
}

/// A paragraph of an article: a span of its text and its role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Paragraph {
    /// The paragraph's text in [`Article::text`].
    pub span: Span,
    /// Its role.
    pub kind: ParagraphKind,
}

/// A sentence of a body paragraph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sentence {
    /// The sentence's text in [`Article::text`].
    pub span: Span,
    /// Index into [`Article::paragraphs`] of the paragraph holding it.
    pub paragraph: usize,
}

impl Article {
    /// The text a span covers (empty when the span does not fit).
    pub fn slice(&self, span: Span) -> &str {
        span.slice(&self.text).unwrap_or("")
    }

    /// The body paragraphs' texts, in order.
    pub fn body_paragraphs(&self) -> impl Iterator<Item = &str> {
        self.paragraphs
            .iter()
            .filter(|p| p.kind == ParagraphKind::Body)
            .map(|p| self.slice(p.span))
    }

    /// The body as one string, paragraphs separated by blank lines.
    pub fn body(&self) -> String {
        self.body_paragraphs().collect::<Vec<_>>().join("\n\n")
    }

    /// The sentences' texts, in order.
    pub fn sentence_texts(&self) -> impl Iterator<Item = &str> {
        self.sentences.iter().map(|s| self.slice(s.span))
    }

    /// The title, or an empty string.
    pub fn title_or_empty(&self) -> &str {
        self.title.as_deref().unwrap_or("")
    }

    /// A key of this version's wording: 16 hex digits hashed from the
    /// title, standfirst and text exactly as read. Two reads of one page
    /// (one [`ArticleId`](crate::ArticleId), from its URL) with the same
    /// key are the same version; a different key is an updated version.
    pub fn version_key(&self) -> String {
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        for part in [
            self.title_or_empty(),
            self.standfirst.as_deref().unwrap_or(""),
            &self.text,
        ] {
            h.update(part.as_bytes());
            h.update(b"\x1f");
        }
        format!("{:016x}", h.digest())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An article with only a title and a text.
    fn titled(title: &str, text: &str) -> Article {
        Article {
            id: ArticleId("x".into()),
            external_id: None,
            url: None,
            outlet: None,
            authors: vec![],
            title: Some(title.into()),
            title_source: TitleSource::Given,
            standfirst: None,
            published: None,
            language: None,
            paragraphs: vec![],
            sentences: vec![],
            text: text.into(),
            source: None,
            extra: Default::default(),
        }
    }

    #[test]
    fn version_key_follows_the_wording() {
        let a = titled("Ferry resumes", "The ferry runs again.");
        let mut b = a.clone();
        assert_eq!(a.version_key(), b.version_key());
        b.text = "The ferry runs again, the mayor said.".into();
        assert_ne!(a.version_key(), b.version_key());
        let mut c = a.clone();
        c.title = None;
        c.standfirst = Some("Ferry resumes".into());
        assert_ne!(a.version_key(), c.version_key());
    }

    #[test]
    fn body_skips_boilerplate() {
        let text = "Head\n\nBody one.\n\nMore information".to_string();
        let a = Article {
            title_source: TitleSource::FirstLine,
            paragraphs: vec![
                Paragraph {
                    span: Span::new(0, 4),
                    kind: ParagraphKind::Headline,
                },
                Paragraph {
                    span: Span::new(6, 15),
                    kind: ParagraphKind::Body,
                },
                Paragraph {
                    span: Span::new(17, 33),
                    kind: ParagraphKind::Boilerplate,
                },
            ],
            sentences: vec![Sentence {
                span: Span::new(6, 15),
                paragraph: 1,
            }],
            ..titled("Head", &text)
        };
        assert_eq!(a.body(), "Body one.");
        assert_eq!(a.sentence_texts().collect::<Vec<_>>(), vec!["Body one."]);
    }
}
