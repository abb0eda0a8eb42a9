//! Thin entry point: read the configuration, set up logging, hand over to the subcommand.

/// See Cargo.toml for why not the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    use clap::Parser;
    use std::io::IsTerminal;
    use tracing_subscriber::EnvFilter;
    use who_can_see::server::config::{Cli, LogFormat};

    let cli = Cli::parse();
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("who_can_see=info,tower_http=warn"));
    // Fields are written with Debug (or as JSON strings), which escape newlines and control
    // characters, so client input cannot forge a log line. Colour codes go only to a terminal.
    let logs = tracing_subscriber::fmt().with_env_filter(filter);
    match cli.log_format {
        LogFormat::Text => logs.with_ansi(std::io::stdout().is_terminal()).init(),
        LogFormat::Json => logs.json().init(),
    }
    who_can_see::server::cli::run(cli).await
}
