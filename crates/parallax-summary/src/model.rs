//! Learned parameters of the summariser. Written by
//! `parallax-eval summary ../shared/data/neus/train.jsonl --fit --write-model crates/parallax-summary/src/model.rs`
//! (2452 stories, 245443 words); do not edit by hand.

use crate::importance::{Features, NF};

/// Weights of the word-importance model (see `importance::StoryWords`).
pub const WORD_WEIGHTS: Features = [
    -1.1367, -0.1237, 0.5705, 0.1061, 0.6763, 0.4932, 1.1148, -0.2128, 0.1995, 0.4168, -0.2007, -0.2169, 0.3015, 0.1094, 0.4895, 0.1028, -0.0395, 0.7294, -1.2255, 0.1990, -0.0952, 0.6330, 0.1688, -0.3881
];

/// Weights of the repeat model: the probability that a summary that
/// uses a word uses it again (see `importance::StoryWords::again`).
pub const AGAIN_WEIGHTS: Features = [
    -1.4072, -0.3857, -0.0248, -0.2009, 0.3018, 0.0998, 2.3009, -0.5378, 0.0559, 0.6509, -0.5896, 0.0875, -0.4882, -0.0511, -0.0240, -0.3018, -0.1528, 1.8028, -0.8494, -0.1679, -0.3622, 0.3269, 0.1132, -0.3117
];

/// Expected summary length in words: `LENGTH[0] + LENGTH[1] * input words`.
pub const LENGTH: [f32; 2] = [8.7592, 0.3332];

const _: () = assert!(WORD_WEIGHTS.len() == NF);
