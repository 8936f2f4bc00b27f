//! The optional dense feature's encoder (cargo feature `dense`):
//! all-MiniLM-L6-v2 from a model directory (`scripts/fetch-minilm.sh`) as
//! the clusterer's [`Embed`].

use parallax_cluster::{Embed, Embedder};
use parallax_embed::Encoder;
use rustc_hash::FxHashMap;
use std::path::Path;
use std::sync::Mutex;

/// Word pieces of an article's lead text the encoder reads: the title and
/// the first sentence or two. On ECB+, 128 gave the same stories as 64
/// at three quarters of the speed (ARCHITECTURE.md).
pub const LEAD_TOKENS: usize = 64;

/// MiniLM as an [`Embed`], optionally remembering every text it encoded
/// (for evaluation, which clusters the same articles many times).
pub struct MiniLm {
    encoder: Encoder,
    memo: Option<Mutex<FxHashMap<String, Vec<f32>>>>,
}

impl Embed for MiniLm {
    fn embed(&self, text: &str) -> Vec<f32> {
        let Some(memo) = &self.memo else {
            return self.encoder.embed(text);
        };
        if let Some(v) = memo.lock().unwrap_or_else(|p| p.into_inner()).get(text) {
            return v.clone();
        }
        let v = self.encoder.embed(text);
        memo.lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(text.to_string(), v.clone());
        v
    }
}

/// Loads the model in `dir` as a process-wide [`Embedder`] (it lives until
/// the process ends); `memo` keeps every embedding computed.
pub fn load(dir: &Path, memo: bool) -> Result<Embedder, parallax_embed::Error> {
    let encoder = Encoder::load(dir)?.with_max_tokens(LEAD_TOKENS);
    let model: &'static MiniLm = Box::leak(Box::new(MiniLm {
        encoder,
        memo: memo.then(Default::default),
    }));
    Ok(Embedder(model))
}
