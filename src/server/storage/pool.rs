//! Opening the database named by `DATABASE_URL`, tuned per engine, and running migrations.

use super::consent::friend_cache::FriendCache;
use super::consent::grant_cache::GrantCache;
use super::consent::key_cache::KeyCache;
use super::consent::shared_grant_reads::SharedGrantReads;
use anyhow::Context;
use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyPool, Executor};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// The migrations of each store, embedded once: `migrate` runs them, readiness counts them.
pub(super) static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
pub(super) static SQLITE_COUNTS_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite-counts");
pub(super) static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

#[derive(Clone)]
pub struct Store {
    pub(super) pool: AnyPool,
    /// Where decision counts live: on SQLite a file of their own, on PostgreSQL `pool` itself.
    pub(super) counts_pool: AnyPool,
    /// Where refused attempts are committed: on SQLite one connection of the consent store
    /// whose commits do not wait for the disk (see `REFUSAL_PRAGMAS`), on PostgreSQL `pool`.
    pub(super) refusals_pool: AnyPool,
    engine: Engine,
    pub(super) keys: Arc<KeyCache>,
    /// How the partner check reads grants.
    pub(super) grant_reads: GrantReads,
    /// Only on SQLite, like `grants`; see `friend_cache`.
    pub(super) friends: Option<Arc<FriendCache>>,
    /// Woken after each write that may have added a partner notification, so the dispatcher
    /// sends it at once instead of at its next look.
    pub(super) outbox_waker: Arc<Notify>,
}

/// How the partner check reads grants.
#[derive(Clone)]
pub(super) enum GrantReads {
    /// SQLite, which one process serves: from memory (see `grant_cache`).
    Cached(Arc<GrantCache>),
    /// PostgreSQL, which several instances share: read for each check, in statements the checks
    /// waiting together share (see `shared_grant_reads`).
    Shared(Arc<SharedGrantReads>),
}

impl Engine {
    pub fn of_url(url: &str) -> anyhow::Result<Self> {
        if url.starts_with("sqlite:") {
            Ok(Engine::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Ok(Engine::Postgres)
        } else {
            anyhow::bail!("DATABASE_URL must start with sqlite: or postgres:")
        }
    }
}

fn with_create_mode(url: &str) -> String {
    if url.contains('?') {
        url.to_owned()
    } else {
        format!("{url}?mode=rwc")
    }
}

/// Where a SQLite store keeps its decision counts: beside it, `consent.db` → `consent.counts.db`.
pub fn counts_url(url: &str) -> String {
    let (path, query) = match url.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (url, None),
    };
    let counts = match path.strip_suffix(".db") {
        Some(stem) => format!("{stem}.counts.db"),
        None => format!("{path}.counts"),
    };
    match query {
        Some(query) => format!("{counts}?{query}"),
        None => counts,
    }
}

/// How every SQLite connection is set up; the two stores differ in `synchronous` and cache.
macro_rules! sqlite_pragmas {
    ($settings:literal) => {
        concat!(
            "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; ",
            $settings
        )
    };
}

/// Refused attempts are committed before their partner is answered; waiting for the disk on
/// each group commit (about one check in twenty under the load benchmark) put an fsync in the
/// check's tail latency. Committed with synchronous=NORMAL they survive a crash of the app, and
/// reach the disk with the next commit that syncs (any revocation) or checkpoint; a power cut
/// can lose the latest of them.
const REFUSAL_PRAGMAS: &str = sqlite_pragmas!("PRAGMA synchronous = NORMAL;");

/// synchronous=FULL: an acknowledged revocation survives power loss, not just a crash.
const CONSENT_PRAGMAS: &str = sqlite_pragmas!("PRAGMA synchronous = FULL;");
/// Counts may lose the last second on a crash by design: no need to wait for the disk. A 64 MB
/// page cache and a memory map: each second's upserts touch pages all over the current hour,
/// and with SQLite's default 2 MB cache most of them were copied in from the kernel each time.
const COUNTS_PRAGMAS: &str =
    sqlite_pragmas!("PRAGMA synchronous = NORMAL; PRAGMA cache_size = -65536; PRAGMA mmap_size = 268435456;");

async fn sqlite_pool(url: &str, pragmas: &'static str, connections: u32) -> Result<AnyPool, sqlx::Error> {
    AnyPoolOptions::new()
        .acquire_timeout(Duration::from_secs(5))
        .max_connections(connections)
        .after_connect(move |conn, _| {
            Box::pin(async move {
                conn.execute(pragmas).await?;
                Ok(())
            })
        })
        .connect(url)
        .await
}

/// The file a SQLite URL names, if it names one (not `:memory:`).
pub fn sqlite_file(url: &str) -> Option<&Path> {
    let path = url.trim_start_matches("sqlite://").trim_start_matches("sqlite:");
    let path = path.split('?').next().unwrap_or_default();
    (!path.is_empty() && path != ":memory:").then(|| Path::new(path))
}

/// SQLite creates the file, not its folder: make the folder so the app runs with no set-up.
fn ensure_sqlite_folder(url: &str) -> anyhow::Result<()> {
    let Some(path) = sqlite_file(url) else {
        return Ok(());
    };
    if let Some(folder) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(folder).with_context(|| format!("Failed to create the folder {}", folder.display()))?;
    }
    Ok(())
}

impl Store {
    pub async fn connect(url: &str) -> anyhow::Result<Self> {
        install_default_drivers();
        let engine = Engine::of_url(url)?;
        let store = match engine {
            Engine::Sqlite => {
                ensure_sqlite_folder(url)?;
                let pool = sqlite_pool(&with_create_mode(url), CONSENT_PRAGMAS, 8)
                    .await
                    .context("Failed to open the database named by DATABASE_URL")?;
                let counts_pool = sqlite_pool(&with_create_mode(&counts_url(url)), COUNTS_PRAGMAS, 2)
                    .await
                    .context("Failed to open the decision counts beside the database named by DATABASE_URL")?;
                let refusals_pool = sqlite_pool(&with_create_mode(url), REFUSAL_PRAGMAS, 1)
                    .await
                    .context("Failed to open the database named by DATABASE_URL")?;
                Store {
                    pool,
                    counts_pool,
                    refusals_pool,
                    engine,
                    keys: Arc::default(),
                    grant_reads: GrantReads::Cached(Arc::default()),
                    friends: Some(Arc::default()),
                    outbox_waker: Arc::default(),
                }
            }
            Engine::Postgres => {
                let pool = AnyPoolOptions::new()
                    .acquire_timeout(Duration::from_secs(5))
                    .max_connections(16)
                    .connect(url)
                    .await
                    .context("Failed to open the database named by DATABASE_URL")?;
                Store {
                    grant_reads: GrantReads::Shared(Arc::new(
                        SharedGrantReads::start(url).context("Failed to read DATABASE_URL")?,
                    )),
                    counts_pool: pool.clone(),
                    refusals_pool: pool.clone(),
                    pool,
                    engine,
                    keys: Arc::default(),
                    friends: None,
                    outbox_waker: Arc::default(),
                }
            }
        };
        Ok(store)
    }

    pub async fn migrate(&self) -> anyhow::Result<()> {
        match self.engine {
            Engine::Sqlite => {
                SQLITE_MIGRATIONS.run(&self.pool).await?;
                SQLITE_COUNTS_MIGRATIONS.run(&self.counts_pool).await
            }
            Engine::Postgres => POSTGRES_MIGRATIONS.run(&self.pool).await,
        }
        .context("Failed to run database migrations")
    }

    /// Begins a write on `pool` (the consent store's or the counts'). On SQLite the write lock
    /// is taken at BEGIN, so writers queue instead of failing when a read turns into a write.
    pub(super) async fn begin_write(
        &self,
        pool: &AnyPool,
    ) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
        match self.engine {
            Engine::Sqlite => pool.begin_with("BEGIN IMMEDIATE").await,
            Engine::Postgres => pool.begin().await,
        }
    }

    /// The grant cache, on SQLite.
    pub(super) fn grant_cache(&self) -> Option<&Arc<GrantCache>> {
        match &self.grant_reads {
            GrantReads::Cached(cache) => Some(cache),
            GrantReads::Shared(_) => None,
        }
    }

    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// Notified after each write that may have queued a partner notification.
    pub fn outbox_waker(&self) -> Arc<Notify> {
        self.outbox_waker.clone()
    }

    pub async fn close(&self) {
        self.pool.close().await;
        self.counts_pool.close().await;
        self.refusals_pool.close().await;
        if let GrantReads::Shared(reads) = &self.grant_reads {
            reads.close().await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::counts_url;

    #[test]
    fn counts_live_beside_the_store() {
        assert_eq!(
            counts_url("sqlite://data/consent.db"),
            "sqlite://data/consent.counts.db"
        );
        assert_eq!(
            counts_url("sqlite:/tmp/x/load.db?mode=rwc"),
            "sqlite:/tmp/x/load.counts.db?mode=rwc"
        );
        assert_eq!(counts_url("sqlite://data/store"), "sqlite://data/store.counts");
    }
}
