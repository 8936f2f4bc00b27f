//! Learned parameters of the summariser. Written by
//! `parallax-eval summary ../shared/data/neus/train.jsonl --fit --write-model crates/parallax-summary/src/model.rs`
//! (2452 stories, 245443 words); do not edit by hand.

use crate::importance::{Features, NF};

/// Weights of the word-importance model (see `importance::StoryWords`).
pub const WORD_WEIGHTS: Features = [
    -1.9787, -0.0623, 0.8246, 0.5725, 0.7709, 0.7597, 1.4021, -0.1340, 0.3723, 0.3419, -0.3089,
    -0.2373, 0.2856, 0.0679, 0.4924, 0.3587,
];

/// Expected summary length in words: `LENGTH[0] + LENGTH[1] * input words`.
pub const LENGTH: [f32; 2] = [8.7592, 0.3332];

const _: () = assert!(WORD_WEIGHTS.len() == NF);
