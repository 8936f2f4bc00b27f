//! The Parallax data model.
//!
//! Everything the pipeline produces is a plain value defined here: an
//! [`Article`] with its [`Paragraph`]s and [`Sentence`]s, the [`Story`] it
//! belongs to, and the annotations later stages attach to it ([`Entity`],
//! [`Quote`], [`Citation`], [`Fact`]). Annotations never copy text: they point
//! into [`Article::text`] through [`Span`]s.
//!
//! This crate does no I/O and depends on nothing but serde, chrono and a hash.

mod annotation;
mod article;
mod id;
mod span;
mod story;

pub use annotation::{Citation, Entity, EntityKind, Fact, FactStatus, Mention, Quote};
pub use article::{Article, Paragraph, ParagraphKind, Sentence, TitleSource};
pub use id::{normalise_url, ArticleId, StoryId};
pub use span::Span;
pub use story::{Story, StorySummary};
