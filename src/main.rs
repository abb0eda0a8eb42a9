//! Thin entry point: read the configuration, set up logging, hand over to the subcommand.

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    use clap::Parser;
    use tracing_subscriber::EnvFilter;

    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("who_can_see=info,tower_http=warn")),
        )
        .init();
    who_can_see::server::cli::run(who_can_see::server::config::Cli::parse()).await
}
