//! Metrics for `parallax-eval`: pure functions over predicted and gold
//! labels.

pub mod clustering;
