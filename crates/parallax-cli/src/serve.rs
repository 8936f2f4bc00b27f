//! `parallax serve`: the web app and JSON API on the store.

use anyhow::{Context, Result};
use clap::Args;
use parallax_engine::ClusterConfig;
use parallax_server::ServeOptions;
use std::net::SocketAddr;
use std::path::Path;

#[derive(Args)]
pub struct ServeArgs {
    /// Address to listen on (loopback by default; another address makes
    /// the app reachable from other machines).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Bearer token that allows POST /api/v1/articles; without one,
    /// writing is off.
    #[arg(long, env = "PARALLAX_WRITE_TOKEN", hide_env_values = true)]
    pub write_token: Option<String>,
}

/// Blocking threads the server may run at once. Its blocking work (the
/// engine behind one mutex, page builds, ingests) gains nothing from more,
/// and every extra thread can cost a malloc arena of its own.
const MAX_BLOCKING_THREADS: usize = 16;

/// The server's runtime. A long-lived process: memory is kept bounded by
/// few threads and few malloc arenas (see [`limit_malloc_arenas`]).
fn runtime() -> Result<tokio::runtime::Runtime> {
    limit_malloc_arenas();
    tokio::runtime::Builder::new_multi_thread()
        .max_blocking_threads(MAX_BLOCKING_THREADS)
        .enable_all()
        .build()
        .context("cannot start the server's runtime")
}

/// glibc gives each thread that allocates an arena of its own, up to eight
/// per core, and hands freed memory back to the system only from the top of
/// each. Under a mixed load of reads and ingests across many threads that
/// shows as resident memory that keeps growing (the soak test measured
/// 48 MB -> 306 MB in 300 s, when Rust's allocations went to glibc too)
/// while the heap in use stays flat. Rust's allocations now go to mimalloc
/// (see `main.rs`); SQLite and other C code still use glibc's allocator,
/// which two arenas keep bounded at no measurable cost in throughput.
/// `MALLOC_ARENA_MAX` set by the user wins.
pub(crate) fn limit_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
        // SAFETY: mallopt only sets a tunable of the allocator; it is called
        // before the runtime starts its threads.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, 2);
        }
    }
}

pub fn run(data_dir: &Path, config: ClusterConfig, args: ServeArgs) -> Result<u8> {
    let options = ServeOptions {
        write_token: args.write_token,
        cluster: config,
        max_body: 0,
    };
    runtime()?.block_on(parallax_server::serve(
        args.addr,
        data_dir.to_path_buf(),
        options,
    ))?;
    Ok(0)
}

/// Serves a data dir read-only on `addr`, or on a free loopback port when
/// `addr` is taken (`parallax demo`).
pub fn serve_read_only(data_dir: &Path, config: ClusterConfig, addr: SocketAddr) -> Result<()> {
    let rt = runtime()?;
    rt.block_on(async {
        let listener = match tokio::net::TcpListener::bind(addr).await {
            Ok(l) => l,
            Err(_) => tokio::net::TcpListener::bind((addr.ip(), 0))
                .await
                .with_context(|| format!("cannot listen on {}", addr.ip()))?,
        };
        let options = ServeOptions {
            write_token: None,
            cluster: config,
            max_body: 0,
        };
        parallax_server::serve_on(listener, data_dir.to_path_buf(), options).await
    })
}
