//! Readers: turn files, directories and standard input into [`Article`]s.
//!
//! The pipeline's sources, in Vector's vocabulary. Reading is split in two:
//!
//! - pure parsers that turn bytes into articles: [`decode`] (encodings),
//!   [`layout`] (headline, standfirst, captions, boilerplate, paragraphs and
//!   sentences of a plain text), [`html`] (a web page through
//!   `parallax-extract`), [`jsonl`] (one article per line);
//! - [`Reader`], which walks the inputs (files, directories recursively, `-`
//!   for standard input) and streams articles, reporting every input it
//!   cannot read as an [`InputError`] naming the input and the problem, then
//!   going on with the rest.
//!
//! [`Article`]: parallax_core::Article

pub mod build;
pub mod decode;
pub mod html;
pub mod jsonl;
pub mod layout;
mod reader;

pub use build::ArticleDraft;
pub use reader::{Format, Input, InputError, ReadOptions, Reader};
