//! Command-line flags with environment fallbacks, read once at start-up.

use clap::{ArgAction, Args, Parser, Subcommand};
use std::net::SocketAddr;

#[derive(Debug, Parser)]
#[command(
    name = "who-can-see",
    about = "Who can see your data, and one click to take it back."
)]
pub struct Cli {
    /// Where the consent store lives: sqlite://path or postgres://...
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://data/who-can-see.db",
        global = true
    )]
    pub database_url: String,
    #[command(flatten)]
    pub serve: ServeArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the web app and the partner API (the default).
    Serve,
    /// Create a user who holds the demo grants (or none), and print their handle.
    AddDemoUser(AddDemoUserArgs),
    /// Check every user's consent-ledger hash chain; exits non-zero at the first broken link.
    VerifyLedger,
    /// Partner API keys: `partner-key create <slug>` makes (or rotates) a partner's key.
    #[command(subcommand)]
    PartnerKey(PartnerKeyCommand),
    /// Benchmark: revocation commits per second and commit latency on DATABASE_URL.
    BenchLedger(BenchLedgerArgs),
    /// Benchmark data: fill DATABASE_URL with many users holding realistic grants.
    SeedLoad(crate::server::tools::load_seed::SeedLoadArgs),
    /// Send realistic partner traffic to a running instance's partner API, with the demo keys.
    Simulate(crate::server::tools::simulate::SimulateArgs),
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    #[arg(long, env = "LEPTOS_SITE_ADDR", default_value = "127.0.0.1:3000", global = true)]
    pub addr: SocketAddr,
    /// Folder holding the built /pkg files (JS, WASM, CSS) and public assets.
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site", global = true)]
    pub site_root: String,
    /// Seed the demo users and demo partner API keys, and print the keys.
    #[arg(long, env = "WCS_DEMO", default_value_t = true, action = ArgAction::Set, global = true)]
    pub demo: bool,
    /// How long a sign-in lasts.
    #[arg(long, env = "WCS_SESSION_HOURS", default_value_t = 12, global = true)]
    pub session_hours: u32,
    /// A session unused for this long ends.
    #[arg(long, env = "WCS_SESSION_IDLE_MINUTES", default_value_t = 30, global = true)]
    pub session_idle_minutes: u32,
    /// How often the app looks for grants whose time ran out, to record their expiry.
    #[arg(long, env = "WCS_EXPIRY_SWEEP_SECONDS", default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..=3600), global = true)]
    pub expiry_sweep_seconds: u64,
    /// An access its partner has not used for this many days expires ("unused for 90 days").
    #[arg(long, env = "WCS_UNUSED_DAYS", default_value_t = 90, value_parser = clap::value_parser!(u32).range(1..=3650), global = true)]
    pub unused_days: u32,
    /// The platform's key for its friendships API (not a partner key). Unset: with `--demo`,
    /// `demo-key-platform`; otherwise the friendships API refuses every request.
    #[arg(long, env = "WCS_PLATFORM_KEY", hide_env_values = true, global = true)]
    pub platform_key: Option<String>,
    /// Record every partner check decision (the Activity page). Off only to measure its cost.
    #[arg(long, env = "WCS_RECORD_DECISIONS", default_value_t = true, action = ArgAction::Set, global = true)]
    pub record_decisions: bool,
    /// Served over HTTPS (directly or behind a TLS-terminating proxy): `__Host-` Secure session
    /// cookie and Strict-Transport-Security. Off for plain HTTP, where browsers drop Secure cookies.
    #[arg(long, env = "WCS_HTTPS", value_parser = clap::builder::BoolishValueParser::new(), global = true)]
    pub https: bool,
    /// Mount the no-op `POST /api/v1/noop`, the load benchmark's floor. Never in production.
    #[arg(long, env = "WCS_BENCH_FLOOR", default_value_t = false, action = ArgAction::Set, global = true)]
    pub bench_floor: bool,
}

#[derive(Debug, Args)]
pub struct AddDemoUserArgs {
    #[arg(long)]
    pub email: String,
    #[arg(long)]
    pub password: String,
    #[arg(long)]
    pub name: String,
    /// Create the user without any grant (to see the empty states).
    #[arg(long)]
    pub no_grants: bool,
}

#[derive(Debug, Args)]
pub struct BenchLedgerArgs {
    /// How many revocations to commit (each followed by an untimed "allow again").
    #[arg(long, default_value_t = 2000)]
    pub revocations: usize,
    /// How many users revoke at the same time.
    #[arg(long, default_value_t = 1)]
    pub concurrency: usize,
}

#[derive(Debug, Subcommand)]
pub enum PartnerKeyCommand {
    /// Make a new random API key for a partner and print it, once. Its previous key stops
    /// working at once; only the new key's hash is stored.
    Create {
        /// The partner's slug, e.g. spotify.
        slug: String,
    },
}
