//! Learned parameters of the summariser. Written by
//! `parallax-eval summary ../shared/data/neus/train.jsonl --fit --write-model crates/parallax-summary/src/model.rs`
//! (2452 stories, 245443 words); do not edit by hand.

use crate::importance::{Features, NF};

/// Weights of the word-importance model (see `importance::StoryWords`).
pub const WORD_WEIGHTS: Features = [
    -1.1200, -0.1152, 0.6168, 0.1018, 0.6549, 0.4980, 0.7340, -0.2291, 0.1665, 0.1531, -0.1086,
    -0.4058, 0.3736, -0.0711, 0.2468, 0.0403, 0.1034, 0.4472, -1.1836, 0.1645, -0.0917, 0.6294,
    0.1507, -0.4568, -0.9787, 1.9512,
];

/// Weights of the repeat model: the probability that a summary that
/// uses a word uses it again (see `importance::StoryWords::again`).
pub const AGAIN_WEIGHTS: Features = [
    -1.4457, -0.3793, 0.0510, -0.1890, 0.3191, 0.1176, 2.0941, -0.5738, 0.0283, 0.4181, -0.4644,
    -0.0561, -0.3919, -0.1457, -0.1969, -0.3522, -0.0197, 1.4871, -0.8307, -0.1946, -0.3603,
    0.3320, 0.1076, -0.3584, -0.7336, 1.3327,
];

/// Expected summary length in words: `LENGTH[0] + LENGTH[1] * input words`.
pub const LENGTH: [f32; 2] = [8.7592, 0.3332];

const _: () = assert!(WORD_WEIGHTS.len() == NF);
