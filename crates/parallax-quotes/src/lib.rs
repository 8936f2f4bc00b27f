//! Quote and attribution extraction for Parallax.
//!
//! [`extract`] finds, in one article's text:
//!
//! - direct quotes (straight and curly marks, nested quotes, quotes running
//!   across paragraphs, quotes before, after or around their cue);
//! - reported speech ("X said (that) …", "X told reporters …", "according to
//!   X, …", "…, X noted."), with content, cue and source spans;
//! - the speaker of each attribution ([`Speaker`]), with pronouns and role
//!   descriptions ("the Russian minister") resolved to named people met
//!   earlier in the text;
//! - scare quotes and titles: quoted words that are not speech;
//! - citations ([`CitationEdge`]): claims resting on an outlet, agency,
//!   organisation, official body or document.
//!
//! Spans are byte ranges into the text ([`Span`]). The crate does no I/O;
//! [`polnear`] parses and writes PolNeAR brat files from strings and scores
//! predictions, and [`graph`] summarises who is cited across articles.
//!
//! Entity mentions from a recogniser can be passed in [`Options::mentions`]
//! to sharpen source classification; without them, capitalisation and word
//! lists are used.

#![warn(missing_docs)]

pub mod cuemodel;
mod extent;
mod extract;
pub mod graph;
mod lexicon;
pub mod polnear;
mod speaker;

pub use cuemodel::CueModel;
pub use extract::{extract, sentences};
pub use parallax_core::EntityKind as Kind;
use parallax_core::{ArticleId, Citation, Quote, Span};
use serde::{Deserialize, Serialize};

/// Settings and optional context for [`extract`].
#[derive(Debug, Clone, Copy)]
pub struct Options<'a> {
    /// Entity mentions found by a recogniser, as byte spans of the text with
    /// their kind. May be empty; used to classify sources (person versus
    /// organisation) and to name speakers.
    pub mentions: &'a [(Span, Kind)],
    /// Report quotes that no cue introduces (e.g. a quoted paragraph after
    /// an attributed one) as attributions whose speaker is carried over.
    pub carry_over_quotes: bool,
    /// A quote with fewer words than this, and no cue, is a scare quote.
    pub min_quote_words: usize,
    /// The learned cue detector for cues outside the cue-verb list
    /// ([`cuemodel`]); [`CueModel::empty`] turns it off.
    pub cues: &'a CueModel,
}

impl Default for Options<'_> {
    fn default() -> Self {
        Options {
            mentions: &[],
            carry_over_quotes: true,
            min_quote_words: 4,
            cues: CueModel::builtin(),
        }
    }
}

/// How an attribution is worded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttributionKind {
    /// The content is entirely inside quotation marks.
    Direct,
    /// Paraphrase without quotation marks ("X said that …").
    Reported,
    /// Paraphrase holding a partial quote ("X said they “agreed …”").
    Mixed,
    /// "according to X".
    According,
    /// A position, belief, intention or act attributed through a cue
    /// outside the speech-verb list, found by the learned cue model
    /// ("Clinton disagrees with her former boss", "Trump has complimented
    /// the moderator"): attributed, but not words anyone said, so never
    /// listed as a quote.
    Stance,
}

/// Who an attribution's words belong to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum Speaker {
    /// A named person or body ("Dmytro Kuleba", "Reuters", "Red Cross").
    Named {
        /// The name, titles stripped, short forms expanded to the fullest
        /// form met earlier in the text.
        name: String,
    },
    /// A description of a role ("the Russian minister").
    Role {
        /// The description as written.
        description: String,
        /// The named person or body it refers to, when found earlier.
        resolved: Option<String>,
    },
    /// A pronoun ("he", "they").
    Pronoun {
        /// The pronoun as written.
        pronoun: String,
        /// The nearest compatible named speaker or subject before it.
        resolved: Option<String>,
    },
    /// Unnamed sources ("officials", "a source familiar with the talks").
    Anonymous {
        /// The description as written.
        description: String,
    },
    /// No source was found.
    Unknown,
}

impl Speaker {
    /// The speaker's name when it is named or resolved to a name.
    pub fn name(&self) -> Option<&str> {
        match self {
            Speaker::Named { name } => Some(name),
            Speaker::Role { resolved, .. } | Speaker::Pronoun { resolved, .. } => {
                resolved.as_deref()
            }
            _ => None,
        }
    }
}

/// What kind of thing a source is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// A person.
    Person,
    /// A newspaper, broadcaster or website.
    Outlet,
    /// A news agency / wire service.
    Agency,
    /// A non-governmental organisation, company, party or campaign.
    Organisation,
    /// A government, ministry, council, police, court, military.
    OfficialBody,
    /// A report, poll, statement, study or other document.
    Document,
    /// Unnamed people ("officials", "sources").
    Anonymous,
    /// Not known.
    Unknown,
}

impl SourceKind {
    /// True for the kinds that make a citation edge (everything but people,
    /// anonymous and unknown sources).
    pub fn is_citable(self) -> bool {
        matches!(
            self,
            SourceKind::Outlet
                | SourceKind::Agency
                | SourceKind::Organisation
                | SourceKind::OfficialBody
                | SourceKind::Document
        )
    }
}

/// Words attributed to a source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attribution {
    /// The attributed content: the covering span of all its parts.
    pub content: Span,
    /// The content's parts when it is discontinuous (“…,” he said, “…”);
    /// one element when it is continuous.
    pub content_parts: Vec<Span>,
    /// The cue ("said", "according to", "has said"), when there is one.
    pub cue: Option<Span>,
    /// The source span as written ("the Russian minister"), when present.
    pub source: Option<Span>,
    /// How the attribution is worded.
    pub kind: AttributionKind,
    /// Who the content is attributed to.
    pub speaker: Speaker,
    /// What kind of source it is.
    pub source_kind: SourceKind,
}

/// How a citation is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CitationVia {
    /// "according to X".
    According,
    /// X is the subject of a reporting verb: "X reported", "X noted",
    /// "X claims that", "described by X as".
    Reported,
    /// Someone "told X": X is the outlet the words were given to.
    ToldTo,
}

/// A claim in the article resting on an outlet, agency, organisation,
/// official body or document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CitationEdge {
    /// The cited source's name ("Reuters", "The New York Times", "local
    /// authorities"); role phrases are resolved when possible ("the news
    /// service" → "Reuters").
    pub name: String,
    /// What the cited source is.
    pub kind: SourceKind,
    /// Where the source is named.
    pub span: Span,
    /// The cue, when there is one.
    pub cue: Option<Span>,
    /// The content resting on the source.
    pub content: Span,
    /// How the citation is made.
    pub via: CitationVia,
}

/// Everything [`extract`] finds in one text.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Analysis {
    /// Attributions in text order (by content start).
    pub attributions: Vec<Attribution>,
    /// Quoted words that are not speech: scare quotes, titles, terms.
    pub scare_quotes: Vec<Span>,
    /// Citations of outlets, agencies, organisations, bodies and documents.
    pub citations: Vec<CitationEdge>,
}

impl Analysis {
    /// The attributions as [`parallax_core::Quote`]s of `article` (stances
    /// are not quotes).
    pub fn to_quotes(&self, article: &ArticleId) -> Vec<Quote> {
        self.attributions
            .iter()
            .filter(|a| a.kind != AttributionKind::Stance)
            .map(|a| Quote {
                article: article.clone(),
                content: a.content,
                cue: a.cue,
                source: a.source,
                speaker: a.speaker.name().map(str::to_string),
                direct: a.kind == AttributionKind::Direct,
            })
            .collect()
    }

    /// The citations as [`parallax_core::Citation`]s of `article`.
    pub fn to_citations(&self, article: &ArticleId) -> Vec<Citation> {
        self.citations
            .iter()
            .map(|c| Citation {
                article: article.clone(),
                cited: c.name.clone(),
                span: c.span,
            })
            .collect()
    }
}
