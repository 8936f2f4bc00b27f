//! `parallax-eval`: quality and speed of Parallax on gold data.
//!
//! Every command writes its predictions with `--out` in the dataset's own
//! layout, and still runs when the gold labels are missing (it then reports
//! speed only).

mod cluster;

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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Cluster(a) => cluster::run(a),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("parallax-eval: error: {e:#}");
            ExitCode::from(3)
        }
    }
}
