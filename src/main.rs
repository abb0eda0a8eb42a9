//! Thin entry point: read the configuration, set up logging, hand over to the subcommand.

/// See Cargo.toml for why not the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    use clap::Parser;
    use std::io::IsTerminal;
    use tracing_subscriber::EnvFilter;

    // Fields are written with Debug, which escapes newlines and control characters, so client
    // input cannot forge a log line. Colour codes go only to a terminal, not into log files.
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("who_can_see=info,tower_http=warn")),
        )
        .with_ansi(std::io::stdout().is_terminal())
        .init();
    who_can_see::server::cli::run(who_can_see::server::config::Cli::parse()).await
}
