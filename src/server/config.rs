//! Command-line flags with environment fallbacks, read once at start-up.

use clap::{ArgAction, Args, Parser, Subcommand};
use std::net::SocketAddr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

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
    /// How logs are written: text for people, json (one object a line) for log shippers.
    #[arg(long, env = "WCS_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text, global = true)]
    pub log_format: LogFormat,
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
    /// Benchmark: events delivered per second to a local receiving partner, and how long a
    /// change waits until its partner confirms.
    BenchEvents(BenchEventsArgs),
    /// Benchmark data: fill DATABASE_URL with many users holding realistic grants.
    SeedLoad(crate::server::tools::load_seed::SeedLoadArgs),
    /// Send realistic partner traffic to a running instance's partner API, with the demo keys.
    Simulate(crate::server::tools::simulate::SimulateArgs),
    /// The platform's signing keys: `signing-key rotate` adds a new one.
    #[command(subcommand)]
    SigningKey(SigningKeyCommand),
    /// Where a partner is told of consent changes: `partner-endpoint set <slug> <url>`.
    #[command(subcommand)]
    PartnerEndpoint(PartnerEndpointCommand),
    /// Check a downloaded consent receipt offline against the platform's keys, and say what it proves.
    VerifyReceipt(crate::server::tools::verify_receipt::VerifyReceiptArgs),
    /// A small receiving partner for the demo: verifies each event, answers 202, logs it.
    PartnerReceiver(crate::server::tools::partner_receiver::PartnerReceiverArgs),
    /// The load `scripts/scale-out` sends through its balancer; reports stale allows and lost
    /// revocations, and fails unless both are 0.
    ScaleOutLoad(crate::server::tools::scale_out_load::ScaleOutLoadArgs),
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
    /// The platform's own URL, as partners know it: the `iss` of every event it signs. Unset:
    /// http:// and the address it listens on.
    #[arg(long, env = "WCS_PUBLIC_URL", global = true)]
    pub public_url: Option<String>,
    /// Allow partner event endpoints over plain http to this machine (the demo's receiver).
    /// Otherwise only https, and never a private, loopback or link-local address.
    #[arg(long, env = "WCS_ALLOW_HTTP_ENDPOINTS", default_value_t = false, action = ArgAction::Set, global = true)]
    pub allow_http_endpoints: bool,
    /// The file of the platform's signing keys. Unset: beside a SQLite store, or
    /// who-can-see.signing-keys.json here for PostgreSQL. WCS_SIGNING_KEYS (the keys' JSON) wins.
    #[arg(long, env = "WCS_SIGNING_KEYS_FILE", global = true)]
    pub signing_keys_file: Option<std::path::PathBuf>,
    /// With the demo data: point the demo partners without an endpoint at this receiver
    /// (`partner-receiver`), at URL/events/<slug>, all but one whose endpoint is down.
    #[arg(long, env = "WCS_DEMO_RECEIVER", global = true)]
    pub demo_receiver: Option<String>,
    /// Serve Prometheus metrics at http://ADDR/metrics (off unless set; keep it off the internet).
    #[arg(long, env = "WCS_METRICS_ADDR", global = true)]
    pub metrics_addr: Option<std::net::SocketAddr>,
    /// On SIGTERM or SIGINT, how long requests in flight may take to finish before the server
    /// stops anyway (the counts held in memory are written either way).
    #[arg(long, env = "WCS_SHUTDOWN_GRACE_SECONDS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(0..=3600), global = true)]
    pub shutdown_grace_seconds: u64,
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

#[derive(Debug, Args)]
pub struct BenchEventsArgs {
    /// How many consent changes to tell, once as a backlog and once while sending.
    #[arg(long, default_value_t = 5000)]
    pub events: usize,
    /// How many users change their consent at the same time.
    #[arg(long, default_value_t = 8)]
    pub concurrency: usize,
}

#[derive(Debug, Subcommand)]
pub enum SigningKeyCommand {
    /// Add a new signing key, which signs from now on; the earlier keys still verify.
    Rotate,
}

#[derive(Debug, Subcommand)]
pub enum PartnerEndpointCommand {
    /// Where a partner is told of consent changes (RFC 8935 push); turns a disabled one on again.
    Set { slug: String, url: String },
    /// Stop telling a partner; its notifications wait.
    Clear { slug: String },
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

impl ServeArgs {
    /// Where the signing keys of the store at `database_url` live.
    pub fn signing_keys_file(&self, database_url: &str) -> std::path::PathBuf {
        self.signing_keys_file
            .clone()
            .unwrap_or_else(|| crate::server::notify::signing_keys::key_file_for(database_url))
    }

    pub fn endpoint_policy(&self) -> crate::server::notify::endpoint::EndpointPolicy {
        crate::server::notify::endpoint::EndpointPolicy {
            allow_http_loopback: self.allow_http_endpoints,
        }
    }

    /// The `iss` of the events this instance signs.
    pub fn issuer(&self, listening_on: std::net::SocketAddr) -> String {
        self.public_url
            .clone()
            .unwrap_or_else(|| format!("http://{listening_on}"))
            .trim_end_matches('/')
            .to_owned()
    }
}
