//! Metrics for `parallax-eval`: pure functions over predicted and gold
//! labels.

pub mod clustering;
pub mod porter;
pub mod rouge;
pub mod synth;
