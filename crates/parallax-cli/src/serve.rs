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
/// few threads, few malloc arenas and prompt purging (see
/// [`bound_allocator_memory`]).
fn runtime() -> Result<tokio::runtime::Runtime> {
    bound_allocator_memory();
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
///
/// mimalloc returns freed pages to the system after a delay (10 ms); with
/// threads that come and go (tokio's blocking pool) that left the soak
/// test at 96 MB -> 197 MB in 60 s. Purging at once keeps it near glibc's
/// figure (73 MB -> 102 MB) at a cost only a long-running process pays:
/// `ingest` keeps the default. `MIMALLOC_PURGE_DELAY` set by the user wins.
pub(crate) fn bound_allocator_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
        // SAFETY: mallopt only sets a tunable of the allocator; it is called
        // before the runtime starts its threads.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, 2);
        }
    }
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: sets one of mimalloc's options (an integer), before the
        // runtime starts its threads.
        unsafe {
            libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0);
        }
    }
}

/// `mi_option_purge_delay` in mimalloc's `mi_option_t` (v2 and v3 of the
/// C library alike; `libmimalloc-sys` names the options around it, 14 and
/// 16, but not this one).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

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
