//! Readers: turn files, directories and standard input into [`Article`]s.
//!
//! The pipeline's sources, in Vector's vocabulary. Reading is split in two:
//!
//! - pure parsers that turn bytes into articles: [`decode`] (encodings),
//!   [`layout`] (headline, standfirst, captions, boilerplate, paragraphs and
//!   sentences of a plain text), [`html`] (a web page through
//!   `parallax-extract`), [`jsonl`] (one article per line), [`warc`] (a
//!   streaming reader of WARC archives and the HTTP responses they hold),
//!   [`feed`] (a feed item's metadata merged with its page's);
//! - [`Reader`], which walks the inputs (files, directories recursively, `-`
//!   for standard input; `.warc` and `.warc.gz` archives record by record,
//!   in constant memory) and streams articles, reporting every input it
//!   cannot read as an [`InputError`] naming the input and the problem, then
//!   going on with the rest.
//!
//! [`Article`]: parallax_core::Article

pub mod build;
pub mod decode;
pub mod feed;
pub mod html;
pub mod jsonl;
pub mod layout;
mod reader;
pub mod warc;

pub use build::ArticleDraft;
pub use reader::{Format, Input, InputError, ReadOptions, Reader};
