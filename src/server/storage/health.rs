//! What readiness and metrics read of the store: whether the database answers with every
//! migration this build knows applied, and how its connections are used.

use super::error::StoreResult;
use super::pool::{POSTGRES_MIGRATIONS, SQLITE_COUNTS_MIGRATIONS, SQLITE_MIGRATIONS};
use super::{Engine, Store};
use sqlx::AnyPool;

/// How many migrations of `migrator` are applied on `pool`, against how many it has.
async fn applied(pool: &AnyPool, known: usize) -> StoreResult<bool> {
    let done: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations WHERE success")
        .fetch_one(pool)
        .await?;
    Ok(usize::try_from(done).unwrap_or(0) >= known)
}

impl Store {
    /// The database answers, and every migration of this build is applied (a newer build may
    /// have applied more). An error means the database did not answer.
    pub async fn migrations_applied(&self) -> StoreResult<bool> {
        match self.engine() {
            Engine::Sqlite => Ok(applied(&self.pool, SQLITE_MIGRATIONS.iter().count()).await?
                && applied(&self.counts_pool, SQLITE_COUNTS_MIGRATIONS.iter().count()).await?),
            Engine::Postgres => applied(&self.pool, POSTGRES_MIGRATIONS.iter().count()).await,
        }
    }

    /// The consent store's connections: (in use, idle).
    pub fn pool_connections(&self) -> (u32, u32) {
        let idle = u32::try_from(self.pool.num_idle()).unwrap_or(u32::MAX);
        (self.pool.size().saturating_sub(idle), idle)
    }
}
