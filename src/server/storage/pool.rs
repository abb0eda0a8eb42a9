//! Opening the database named by `DATABASE_URL`, tuned per engine, and running migrations.

use super::grant_cache::GrantCache;
use super::key_cache::KeyCache;
use anyhow::Context;
use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyPool, Executor};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

#[derive(Clone)]
pub struct Store {
    pub(super) pool: AnyPool,
    engine: Engine,
    pub(super) keys: Arc<KeyCache>,
    /// Only on SQLite, which one process serves; see `grant_cache`.
    pub(super) grants: Option<Arc<GrantCache>>,
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

/// SQLite creates the file, not its folder: make the folder so the app runs with no set-up.
fn ensure_sqlite_folder(url: &str) -> anyhow::Result<()> {
    let path = url.trim_start_matches("sqlite://").trim_start_matches("sqlite:");
    let path = path.split('?').next().unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        return Ok(());
    }
    if let Some(folder) = Path::new(path).parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(folder).with_context(|| format!("Failed to create the folder {}", folder.display()))?;
    }
    Ok(())
}

impl Store {
    pub async fn connect(url: &str) -> anyhow::Result<Self> {
        install_default_drivers();
        let engine = Engine::of_url(url)?;
        let options = AnyPoolOptions::new().acquire_timeout(Duration::from_secs(5));
        let pool = match engine {
            Engine::Sqlite => {
                ensure_sqlite_folder(url)?;
                let url = if url.contains('?') {
                    url.to_owned()
                } else {
                    format!("{url}?mode=rwc")
                };
                // synchronous=FULL: an acknowledged revocation survives power loss, not just a crash.
                options
                    .max_connections(8)
                    .after_connect(|conn, _| {
                        Box::pin(async move {
                            conn.execute(
                                "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                                 PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;",
                            )
                            .await?;
                            Ok(())
                        })
                    })
                    .connect(&url)
                    .await
            }
            Engine::Postgres => options.max_connections(16).connect(url).await,
        }
        .context("Failed to open the database named by DATABASE_URL")?;
        Ok(Store {
            pool,
            engine,
            keys: Arc::default(),
            grants: (engine == Engine::Sqlite).then(Arc::default),
        })
    }

    pub async fn migrate(&self) -> anyhow::Result<()> {
        match self.engine {
            Engine::Sqlite => sqlx::migrate!("./migrations/sqlite").run(&self.pool).await,
            Engine::Postgres => sqlx::migrate!("./migrations/postgres").run(&self.pool).await,
        }
        .context("Failed to run database migrations")
    }

    pub fn engine(&self) -> Engine {
        self.engine
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}
