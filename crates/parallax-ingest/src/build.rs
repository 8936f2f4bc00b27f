//! From a draft (what a reader found) to a segmented [`Article`].

use crate::layout::{self, LayoutOptions};
use chrono::{DateTime, FixedOffset};
use parallax_core::{Article, ArticleId, Paragraph, ParagraphKind, Sentence, Span, TitleSource};

/// What a reader knows about an article before segmentation.
#[derive(Debug, Clone, Default)]
pub struct ArticleDraft {
    /// The raw text (normalised by [`ArticleDraft::build`]).
    pub text: String,
    /// A title named by the input, if any.
    pub title: Option<String>,
    /// A standfirst named by the input, if any.
    pub standfirst: Option<String>,
    /// URL, if known.
    pub url: Option<String>,
    /// Publisher, if known.
    pub outlet: Option<String>,
    /// Authors.
    pub authors: Vec<String>,
    /// Publication time, if known.
    pub published: Option<DateTime<FixedOffset>>,
    /// Declared language, if any.
    pub language: Option<String>,
    /// The input's own id.
    pub external_id: Option<String>,
    /// Where it was read from.
    pub source: Option<String>,
    /// Uninterpreted input fields.
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// Longest provisional title taken from a first sentence, in characters.
const MAX_TITLE_CHARS: usize = 200;

impl ArticleDraft {
    /// Normalises the text, finds its layout, splits body paragraphs into
    /// sentences, identifies the language when none was declared, and
    /// derives the stable id.
    pub fn build(self) -> Article {
        let text = parallax_text::normalise(&self.text);
        let given_title = self
            .title
            .as_deref()
            .map(|t| collapse_ws(&parallax_text::normalise(t)))
            .filter(|t| !t.is_empty());
        let blocks = layout::analyse(
            &text,
            LayoutOptions {
                has_title: given_title.is_some(),
            },
        );
        let mut paragraphs = Vec::with_capacity(blocks.len());
        let mut sentences = Vec::new();
        for (i, (span, kind)) in blocks.iter().enumerate() {
            paragraphs.push(Paragraph {
                span: *span,
                kind: *kind,
            });
            if *kind == ParagraphKind::Body {
                for s in parallax_text::split_sentences(&text[span.range()]) {
                    sentences.push(Sentence {
                        span: Span::new(span.start + s.start, span.start + s.end),
                        paragraph: i,
                    });
                }
            }
        }
        let find = |k: ParagraphKind| {
            blocks
                .iter()
                .find(|(_, kind)| *kind == k)
                .map(|(s, _)| collapse_ws(&text[s.range()]))
        };
        let (title, title_source) = match given_title {
            Some(t) => (Some(t), TitleSource::Given),
            None => match find(ParagraphKind::Headline) {
                Some(t) => (Some(t), TitleSource::FirstLine),
                None => match sentences.first() {
                    Some(s) => (
                        Some(truncate_words(
                            &collapse_ws(&text[s.span.range()]),
                            MAX_TITLE_CHARS,
                        )),
                        TitleSource::FirstSentence,
                    ),
                    None => (None, TitleSource::None),
                },
            },
        };
        let standfirst = self
            .standfirst
            .map(|s| collapse_ws(&s))
            .filter(|s| !s.is_empty())
            .or_else(|| find(ParagraphKind::Standfirst));
        let body: String = blocks
            .iter()
            .filter(|(_, k)| *k == ParagraphKind::Body)
            .map(|(s, _)| &text[s.range()])
            .collect::<Vec<_>>()
            .join("\n\n");
        let language = self
            .language
            .map(|l| l.trim().to_lowercase())
            .filter(|l| !l.is_empty())
            .or_else(|| parallax_text::detect_language(&body));
        let url = self
            .url
            .map(|u| u.trim().to_string())
            .filter(|u| !u.is_empty());
        let id = match &url {
            Some(u) => ArticleId::from_url(u),
            None => ArticleId::from_content(title.as_deref().unwrap_or(""), &body),
        };
        Article {
            id,
            external_id: self.external_id,
            url,
            outlet: self
                .outlet
                .map(|o| collapse_ws(&o))
                .filter(|o| !o.is_empty()),
            authors: self
                .authors
                .into_iter()
                .map(|a| collapse_ws(&a))
                .filter(|a| !a.is_empty())
                .collect(),
            title,
            title_source,
            standfirst,
            published: self.published,
            language,
            text,
            paragraphs,
            sentences,
            source: self.source,
            extra: self.extra,
        }
    }
}

fn collapse_ws(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn truncate_words(s: &str, max_chars: usize) -> String {
    if s.chars().count() <= max_chars {
        return s.to_string();
    }
    let mut out = String::new();
    for w in s.split_whitespace() {
        if out.chars().count() + w.chars().count() + 1 > max_chars {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headline_and_sentences() {
        let a = ArticleDraft {
            text: "Bridge reopens in Tarno\n\nThe bridge reopened on Monday. Traffic was light.\n\nShare this".into(),
            ..Default::default()
        }
        .build();
        assert_eq!(a.title.as_deref(), Some("Bridge reopens in Tarno"));
        assert_eq!(a.title_source, TitleSource::FirstLine);
        assert_eq!(
            a.sentence_texts().collect::<Vec<_>>(),
            vec!["The bridge reopened on Monday.", "Traffic was light."]
        );
        assert_eq!(
            a.body(),
            "The bridge reopened on Monday. Traffic was light."
        );
    }

    #[test]
    fn provisional_title_from_first_sentence() {
        let a = ArticleDraft {
            text: "The bridge reopened on Monday. Traffic was light.".into(),
            ..Default::default()
        }
        .build();
        assert_eq!(a.title.as_deref(), Some("The bridge reopened on Monday."));
        assert_eq!(a.title_source, TitleSource::FirstSentence);
    }

    #[test]
    fn same_content_same_id() {
        let a = ArticleDraft {
            text: "Title line\n\nBody here.".into(),
            ..Default::default()
        }
        .build();
        let b = ArticleDraft {
            text: "Title line\r\n\r\nBody  here.\n".into(),
            ..Default::default()
        }
        .build();
        assert_eq!(a.id, b.id);
    }
}
