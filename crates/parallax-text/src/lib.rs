//! Text primitives shared by every analysis stage.
//!
//! - [`normalise`]: Unicode NFC, line endings, invisible characters.
//! - [`sentences`]: a rule-based sentence splitter that knows news
//!   abbreviations (Mr., U.S., Fla., a.m., Jan.), quotes and dashes.
//! - [`tokens`]: word tokens with byte spans.
//! - [`stem`] and [`stopwords`]: English Snowball stemming and stop words.
//! - [`language`]: language identification.
//! - [`calendar`]: month and weekday names.
//! - [`shingles`]: hashed word n-grams for near-duplicate detection.
//! - [`wordstats`]: corpus-wide case habits, frequency and Brown clusters
//!   of 227,000 English words (a table embedded in the binary).
//!
//! Every function is pure: no I/O, no global mutable state.

pub mod calendar;
pub mod language;
pub mod normalise;
pub mod sentences;
pub mod shingles;
pub mod stem;
pub mod stopwords;
pub mod tokens;
pub mod wordstats;

pub use language::detect_language;
pub use normalise::normalise;
pub use sentences::split_sentences;
pub use shingles::shingles;
pub use stem::Stemmer;
pub use stopwords::is_stopword;
pub use tokens::{tokenize, Token};
