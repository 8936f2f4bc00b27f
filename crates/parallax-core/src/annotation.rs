//! Annotations that later stages attach to articles. Each points into the
//! article's text by [`Span`]; none copies text it can point to.

use crate::{ArticleId, Span};
use serde::{Deserialize, Serialize};

/// The type of a named entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    /// A person.
    Person,
    /// An organisation, agency, outlet or company.
    Organisation,
    /// A place.
    Location,
    /// Other names: nationalities, events, works.
    Misc,
    /// A name whose type is not (yet) known, e.g. a capitalised phrase.
    Unknown,
}

/// One occurrence of an entity in an article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mention {
    /// The article holding the mention.
    pub article: ArticleId,
    /// Where in its text.
    pub span: Span,
}

/// A person, organisation, place or other named thing, with every name
/// variant under which it appears.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entity {
    /// The preferred (most frequent, then longest) name.
    pub name: String,
    /// Its type.
    pub kind: EntityKind,
    /// Every distinct surface form seen, including `name`.
    pub variants: Vec<String>,
    /// Number of mentions.
    pub mentions: usize,
    /// Articles that mention it.
    pub articles: Vec<ArticleId>,
}

/// Words attributed to a speaker: a direct quote or reported speech.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Quote {
    /// The article holding it.
    pub article: ArticleId,
    /// The quoted or reported content.
    pub content: Span,
    /// The cue ("said", "according to").
    pub cue: Option<Span>,
    /// The source span as written ("the Russian minister").
    pub source: Option<Span>,
    /// The resolved speaker's name, when known.
    pub speaker: Option<String>,
    /// True for words inside quotation marks.
    pub direct: bool,
}

/// A claim an article rests on another source for ("according to Reuters").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Citation {
    /// The citing article.
    pub article: ArticleId,
    /// The cited source's name as resolved.
    pub cited: String,
    /// Where the citation is made.
    pub span: Span,
}

/// How a fact stands across the outlets of a story.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FactStatus {
    /// Reported by several independent outlets.
    Corroborated,
    /// Reported by one outlet only.
    SingleSource,
    /// Outlets give different values for the same quantity or attribute.
    Conflicting,
    /// A party's claim disputed by another party.
    Contested,
}

/// A statement made by one or more articles of a story.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fact {
    /// Representative wording.
    pub text: String,
    /// Status across outlets.
    pub status: FactStatus,
    /// The sentences stating it: article and span.
    pub statements: Vec<(ArticleId, Span)>,
}
