//! `parallax`: the command-line front end. Every command goes through
//! `parallax-engine`; this crate only parses arguments and formats output.
//!
//! Exit codes: 0 success; 1 partial failure (some inputs could not be read,
//! a URL could not be fetched, a feed or an item failed in `watch`, or the
//! story/article asked for does not exist); 2 usage error; 3 fatal error
//! (the store cannot be opened or written, no feed to watch).

mod demo;
mod export;
mod extract;
mod fetch;
mod ingest;
mod search;
mod serve;
mod show;
mod watch;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// mimalloc: the ingest pipeline allocates many small strings and vectors
/// across threads; glibc's allocator spent a fifth of its CPU time.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Exit code for a partial failure or a missing item.
pub const EXIT_PARTIAL: u8 = 1;
/// Exit code for a fatal error.
pub const EXIT_FATAL: u8 = 3;

#[derive(Parser)]
#[command(
    name = "parallax",
    version,
    about = "Parallax: how outlets cover the same event — stories, sources and differences.",
    after_help = "Exit codes: 0 ok · 1 some inputs failed or the item was not found · 2 usage error · 3 fatal error."
)]
struct Cli {
    /// Data directory of the embedded store.
    #[arg(
        long,
        global = true,
        env = "PARALLAX_DATA",
        default_value = "parallax-data"
    )]
    data_dir: PathBuf,
    /// The store: a `postgres://user:password@host/database` URL for
    /// PostgreSQL (shared by several workers), or absent for the embedded
    /// SQLite store in the data directory. Feeds (`watch`, `feeds`), the
    /// web app and search stay on the embedded store.
    #[arg(long, global = true, env = "PARALLAX_STORE")]
    store: Option<String>,
    /// Cosine threshold for joining a story (default: calibrated value).
    #[arg(long, global = true, hide = true)]
    threshold: Option<f32>,
    /// Cluster with the optional dense feature: the MiniLM model in DIR
    /// (fetched by `scripts/fetch-minilm.sh`) embeds each article's title
    /// and lead, and the join model fitted with it decides. Needs a build
    /// with `--features dense`. Use it for the whole life of a store.
    #[arg(long, global = true, env = "PARALLAX_MODEL", value_name = "DIR")]
    model: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Read articles (text, HTML, JSONL, WARC archives, directories, `-` for stdin, http(s) URLs) into the store.
    Ingest(ingest::IngestArgs),
    /// Watch feeds (RSS, Atom, JSON Feed; URLs, URL lists, OPML): fetch and ingest new items as they appear.
    Watch(watch::WatchArgs),
    /// List the watched feeds with their health; add or remove feeds.
    Feeds(watch::FeedsArgs),
    /// List stories, most recently updated first.
    Stories(show::StoriesArgs),
    /// Show one story: its articles and what they share.
    Story(show::StoryArgs),
    /// People, organisations and places with their name variants, across stories or in one.
    Entities(show::EntitiesArgs),
    /// Quotes by speaker, across stories or in one.
    Quotes(show::QuotesArgs),
    /// Show one article by id, external id or id prefix.
    Article(show::ArticleArgs),
    /// Export articles or stories as JSONL or CSV.
    Export(export::ExportArgs),
    /// Extract the main text and metadata of web pages (no store).
    Extract(extract::ExtractArgs),
    /// Analyse the given articles as one story, without the store.
    Compare(show::CompareArgs),
    /// Check the store: SQLite integrity, and article and story counts.
    Check(show::CheckArgs),
    /// Ingest the built-in demo corpus into a fresh data dir and show the stories.
    Demo(demo::DemoArgs),
    /// Serve the web app and JSON API on the store (loopback by default).
    Serve(serve::ServeArgs),
    /// Full-text search over the stored articles (`--reindex` rebuilds the index).
    Search(search::SearchArgs),
}

fn main() -> ExitCode {
    // Piped into `head`: end quietly like other Unix tools, don't panic.
    #[cfg(unix)]
    // SAFETY: restoring the default disposition of SIGPIPE at start-up,
    // before any thread exists, is sound.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = Cli::parse();
    let _ = STORE_URL.set(cli.store.clone().filter(|s| !s.trim().is_empty()));
    let mut config = match parallax_engine::config_for_model(cli.model.as_deref(), false) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("parallax: {e:#}");
            return ExitCode::from(EXIT_FATAL);
        }
    };
    if let Some(t) = cli.threshold {
        config.threshold = t;
    }
    let result = match cli.command {
        Command::Ingest(a) => ingest::run(&cli.data_dir, config, a),
        Command::Watch(a) => watch::watch(&cli.data_dir, config, a),
        Command::Feeds(a) => watch::feeds(&cli.data_dir, config, a),
        Command::Stories(a) => show::stories(&cli.data_dir, config, a),
        Command::Story(a) => show::story(&cli.data_dir, config, a),
        Command::Article(a) => show::article(&cli.data_dir, config, a),
        Command::Quotes(a) => show::quotes(&cli.data_dir, config, a),
        Command::Entities(a) => show::entities(&cli.data_dir, config, a),
        Command::Export(a) => export::run(&cli.data_dir, config, a),
        Command::Compare(a) => show::compare(a),
        Command::Extract(a) => extract::run(a),
        Command::Demo(a) => demo::run(config, a),
        Command::Check(a) => show::check(&cli.data_dir, config, a),
        Command::Serve(a) => serve::run(&cli.data_dir, config, a),
        Command::Search(a) => search::run(&cli.data_dir, config, a),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("parallax: error: {e:#}");
            ExitCode::from(EXIT_FATAL)
        }
    }
}

/// The `--store` URL, when one was given.
static STORE_URL: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();

/// The `--store` URL, when one was given (absent: the embedded store).
pub fn store_url() -> Option<&'static str> {
    STORE_URL.get().and_then(|u| u.as_deref())
}

/// The store in words, for messages: the URL without its password, or
/// the data directory.
pub fn store_label(dir: &std::path::Path) -> String {
    match store_url() {
        Some(url) => without_password(url),
        None => dir.display().to_string(),
    }
}

/// A URL with the password of its user part hidden.
fn without_password(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        _ => url.to_string(),
    }
}

/// Opens the engine on the store (`--store`, else the embedded store in
/// the data dir), with a message naming it on failure.
pub fn open_engine(
    dir: &std::path::Path,
    config: parallax_engine::ClusterConfig,
) -> anyhow::Result<parallax_engine::Engine> {
    use anyhow::Context;
    match store_url() {
        Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
            let label = without_password(url);
            let store = parallax_store_pg::PgStore::connect(url)
                .with_context(|| format!("cannot open the store {label}"))?;
            parallax_engine::Engine::open_store(Box::new(store), config)
                .with_context(|| format!("cannot open the store {label}"))
        }
        Some(url) => anyhow::bail!(
            "unsupported --store `{}`: give a postgres:// URL, or no --store for the embedded store in the data dir",
            without_password(url)
        ),
        None => parallax_engine::Engine::open(dir, config)
            .with_context(|| format!("cannot open the store in {}", dir.display())),
    }
}
