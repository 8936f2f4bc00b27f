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

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the server's runtime")
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
