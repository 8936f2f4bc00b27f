//! `parallax-eval`: quality and speed of Parallax on gold data.
//!
//! Every command writes its predictions with `--out` in the dataset's own
//! layout, and still runs when the gold labels are missing (it then reports
//! speed only).

mod attribution;
mod cluster;
mod dedup;
mod extract;
mod ner;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "parallax-eval",
    version,
    about = "Measure Parallax against gold data."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Story clustering on a JSONL file with a gold `event` field: B-cubed and pairwise P/R/F1, articles/s.
    Cluster(cluster::ClusterArgs),
    /// Quotes and attributions on the PolNeAR layout: exact and token-overlap P/R/F1 of source, cue and content, attribution F1, sentences/s.
    Attribution(attribution::AttributionArgs),
    /// Main-text extraction from HTML pages: the benchmark's body P/R/F1, pages/s, metadata coverage.
    Extract(extract::ExtractArgs),
    /// Named entities on a CoNLL file (conlleval P/R/F1 per type, tokens/s), or `ner train` to rebuild the model.
    Ner(ner::NerArgs),
    /// Copy detection on copies generated from a JSONL corpus by seeded edits (boilerplate, a dropped paragraph, changed words): P/R of copy links, false positives, articles/s.
    Dedup(dedup::DedupArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Cluster(a) => cluster::run(a),
        Command::Attribution(a) => attribution::run(a),
        Command::Extract(a) => extract::run(a),
        Command::Ner(a) => ner::run(a),
        Command::Dedup(a) => dedup::run(a),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("parallax-eval: error: {e:#}");
            ExitCode::from(3)
        }
    }
}
