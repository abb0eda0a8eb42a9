//! `who-can-see seed-load`: fills DATABASE_URL with many users holding realistic grants, each
//! grant with its ledger events on a correct per-user hash chain (so `verify-ledger` passes),
//! for the load benchmark. For a database nobody else writes to while it runs: it numbers the
//! new rows itself, which is what lets it hash each chain before inserting it.

mod friends;
mod generate;

use crate::server::auth::sign_in::hash_password;
use crate::server::clock::now_ms;
use crate::server::storage::sql_lists::{self, AnyQuery};
use crate::server::storage::{Engine, Store};
use anyhow::Context;
use generate::{Batch, GrantKind, NextIds, generate, grant_kinds};
use sqlx::any::AnyConnectOptions;
use sqlx::{AnyConnection, ConnectOptions, Connection, Executor};
use std::str::FromStr;
use std::time::Instant;

#[derive(Debug, clap::Args)]
pub struct SeedLoadArgs {
    /// How many load users the database should hold; those already there are kept.
    #[arg(long, default_value_t = 100_000)]
    pub users: u32,
    /// Friends of each load user on either side (75: about 150 friends each, the through-friends
    /// benchmark's data); written once, when the first load user has none.
    #[arg(long, default_value_t = 75)]
    pub friends_per_side: u32,
}

/// The password of every load user. Its Argon2 hash is computed once and shared by all of them:
/// hashing 100,000 passwords one by one would take far longer than the rest of the seeding.
pub const LOAD_USER_PASSWORD: &str = "load-user-password";

/// The handle of the `n`th load user (from 0): predictable, so a load generator can pick any.
pub fn load_user_handle(n: u32) -> String {
    format!("load-user-{n:05}")
}

/// Users written per transaction: about 50,000 grants and 54,000 events.
const USERS_PER_TRANSACTION: u32 = 2_000;

/// Inserts `rows` into the table `head` names, with context for the error.
async fn insert_rows<T>(
    conn: &mut AnyConnection,
    engine: Engine,
    head: &str,
    columns: usize,
    rows: &[T],
    bind: impl for<'q> Fn(AnyQuery<'q>, &T) -> AnyQuery<'q>,
) -> anyhow::Result<()> {
    sql_lists::insert_rows(conn, engine, head, "", columns, rows, bind)
        .await
        .with_context(|| format!("Failed to run {head}"))
}

async fn write_batch(
    conn: &mut AnyConnection,
    batch: &Batch,
    kinds: &[GrantKind],
    password_hash: &str,
    engine: Engine,
) -> anyhow::Result<()> {
    let mut tx = conn.begin().await?;
    insert_rows(
        &mut tx,
        engine,
        "INSERT INTO users (id, handle, email, display_name, password_hash, created_at)",
        6,
        &batch.users,
        |q, u| {
            q.bind(u.id)
                .bind(u.handle.clone())
                .bind(u.email.clone())
                .bind(u.name.clone())
                .bind(password_hash.to_owned())
                .bind(u.created_at)
        },
    )
    .await?;
    insert_rows(
        &mut tx,
        engine,
        "INSERT INTO grants (id, user_id, partner_id, category_id, access, purpose, status, granted_at, \
         expires_at, changed_at)",
        10,
        &batch.grants,
        |q, g| {
            let kind = &kinds[g.kind];
            q.bind(g.id)
                .bind(g.user_id)
                .bind(kind.partner_id)
                .bind(kind.category_id)
                .bind(kind.access.as_str())
                .bind(kind.purpose.clone())
                .bind(g.status)
                .bind(g.granted_at)
                .bind(None::<i64>)
                .bind(g.changed_at)
        },
    )
    .await?;
    insert_rows(
        &mut tx,
        engine,
        "INSERT INTO consent_events (id, user_id, grant_id, partner_id, category_id, access, status, actor_kind, \
         actor_id, purpose, reason, at, prev_hash, hash)",
        14,
        &batch.events,
        |q, e| {
            let kind = &kinds[e.kind];
            q.bind(e.id)
                .bind(e.user_id)
                .bind(e.grant_id)
                .bind(kind.partner_id)
                .bind(kind.category_id)
                .bind(kind.access.as_str())
                .bind(e.status)
                .bind("user")
                .bind(Some(e.user_id))
                .bind((e.status == "granted").then(|| kind.purpose.clone()))
                .bind(None::<String>)
                .bind(e.at)
                .bind(e.prev_hash.clone())
                .bind(e.hash.clone())
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

async fn next_ids(conn: &mut AnyConnection) -> anyhow::Result<NextIds> {
    let next = |table: &'static str| {
        // `table` is one of three fixed names, never input.
        sqlx::query_as::<_, (i64,)>(sqlx::AssertSqlSafe(format!(
            "SELECT CAST(COALESCE(MAX(id), 0) + 1 AS BIGINT) FROM {table}"
        )))
    };
    Ok(NextIds {
        user: next("users").fetch_one(&mut *conn).await?.0,
        grant: next("grants").fetch_one(&mut *conn).await?.0,
        event: next("consent_events").fetch_one(&mut *conn).await?.0,
    })
}

/// Seeds load users until `args.users` of them exist, and prints how long it took.
pub async fn seed_load(database_url: &str, args: &SeedLoadArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    let store = Store::connect(database_url).await?;
    store.migrate().await?;
    let kinds = grant_kinds(&store.partners().await?, &store.categories().await?);
    let engine = store.engine();
    store.close().await;

    // One connection tuned for bulk writing: a crash mid-seed means seeding again, so SQLite
    // need not sync each commit, and a large page cache keeps the hash index's random inserts in memory.
    // Statement logging off: a slow bulk INSERT would otherwise be logged with all its placeholders.
    let mut conn = AnyConnectOptions::from_str(database_url)?
        .disable_statement_logging()
        .connect()
        .await
        .context("Failed to open the database named by DATABASE_URL")?;
    match engine {
        Engine::Sqlite => {
            conn.execute("PRAGMA synchronous = OFF; PRAGMA cache_size = -1000000; PRAGMA temp_store = MEMORY;")
                .await?
        }
        Engine::Postgres => conn.execute("SET synchronous_commit = off").await?,
    };
    let (existing,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users WHERE handle LIKE 'load-user-%'")
        .fetch_one(&mut conn)
        .await?;
    let from = u32::try_from(existing).context("Too many load users")?;
    if from >= args.users {
        let friendships = seed_friendships(&mut conn, engine, args).await?;
        println!("seed-load: the database already holds {existing} load users; {friendships} friendships written.");
        return Ok(());
    }
    let password_hash = hash_password(LOAD_USER_PASSWORD)?;
    let mut ids = next_ids(&mut conn).await?;
    let kinds = std::sync::Arc::new(kinds);

    // Generating and hashing runs on a blocking thread while the database writes the batch before.
    let (sender, mut batches) = tokio::sync::mpsc::channel::<Batch>(2);
    let generator = {
        let (kinds, to) = (kinds.clone(), args.users);
        tokio::task::spawn_blocking(move || {
            let now = now_ms();
            let mut start = from;
            while start < to {
                let end = (start + USERS_PER_TRANSACTION).min(to);
                if sender
                    .blocking_send(generate(&kinds, start, end, &mut ids, now))
                    .is_err()
                {
                    break;
                }
                start = end;
            }
        })
    };
    let (mut users, mut grants, mut events) = (0usize, 0usize, 0usize);
    while let Some(batch) = batches.recv().await {
        write_batch(&mut conn, &batch, &kinds, &password_hash, engine).await?;
        users += batch.users.len();
        grants += batch.grants.len();
        events += batch.events.len();
    }
    generator.await.context("The seed generator failed")?;
    if engine == Engine::Postgres {
        // Rows were numbered here: move each sequence past them so the app's inserts do not collide.
        for table in ["users", "grants", "consent_events"] {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
            )))
            .execute(&mut conn)
            .await?;
        }
    }
    let friendships = seed_friendships(&mut conn, engine, args).await?;
    conn.close().await?;
    println!(
        "seed-load: {users} users, {grants} grants, {events} ledger events, {friendships} friendships (both ways) written in {:.1}s \
         (load users now: {}; password of each: {LOAD_USER_PASSWORD})",
        started.elapsed().as_secs_f64(),
        args.users,
    );
    Ok(())
}

/// The load users' friendships, written once.
async fn seed_friendships(conn: &mut AnyConnection, engine: Engine, args: &SeedLoadArgs) -> anyhow::Result<usize> {
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM users WHERE handle LIKE 'load-user-%' ORDER BY handle")
        .fetch_all(&mut *conn)
        .await?;
    friends::write_friendships(conn, engine, &ids, args.friends_per_side, now_ms()).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_sort_in_the_order_they_are_numbered() {
        assert_eq!(load_user_handle(42), "load-user-00042");
    }
}
