//! `who-can-see seed-load`: fills DATABASE_URL with many users holding realistic grants, each
//! grant with its ledger events on a correct per-user hash chain (so `verify-ledger` passes),
//! for the load benchmark. For a database nobody else writes to while it runs: it numbers the
//! new rows itself, which is what lets it hash each chain before inserting it.

use crate::domain::access::Access;
use crate::domain::ledger_hash::{GENESIS, NewEvent};
use crate::server::auth::sign_in::hash_password;
use crate::server::clock::{date_ms, now_ms};
use crate::server::storage::consent::catalog::CatalogEntry;
use crate::server::storage::consent::ledger::event_hash;
use crate::server::storage::sql_lists::{self, AnyQuery};
use crate::server::storage::{Engine, Store};
use anyhow::Context;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sqlx::any::AnyConnectOptions;
use sqlx::{AnyConnection, ConnectOptions, Connection, Executor};
use std::str::FromStr;
use std::time::Instant;

#[derive(Debug, clap::Args)]
pub struct SeedLoadArgs {
    /// How many load users the database should hold; those already there are kept.
    #[arg(long, default_value_t = 100_000)]
    pub users: u32,
}

/// The password of every load user. Its Argon2 hash is computed once and shared by all of them:
/// hashing 100,000 passwords one by one would take far longer than the rest of the seeding.
pub const LOAD_USER_PASSWORD: &str = "load-user-password";

/// The handle of the `n`th load user (from 0): predictable, so a load generator can pick any.
pub fn load_user_handle(n: u32) -> String {
    format!("load-user-{n:05}")
}

/// The average number of grants a load user holds.
const GRANTS_PER_USER: f64 = 25.0;
/// The share of grants the user has withdrawn since (a second ledger event each).
const WITHDRAWN_SHARE: f64 = 0.08;
/// Users written per transaction: about 50,000 grants and 54,000 events.
const USERS_PER_TRANSACTION: u32 = 2_000;

/// One partner, category and access a grant can be for, and how likely a user is to hold it.
struct GrantKind {
    partner_id: i64,
    category_id: i64,
    access: Access,
    probability: f64,
    purpose: String,
}

/// What the 2018 reports said each partner could do: these grants are the common ones.
fn reported(partner: &str, category: &str, access: Access) -> bool {
    use Access::Read;
    matches!(
        (partner, category, access),
        ("spotify", "messages", _)
            | ("netflix" | "rbc", "messages", Read)
            | ("bing" | "amazon" | "nytimes" | "yandex", "friends", Read)
            | ("amazon" | "apple", "contacts", Read)
            | ("yandex", "profile", Read)
            | ("apple", "calendar", Read)
            | ("yahoo", "posts", Read)
    )
}

/// Every partner × category × access, weighted so a user holds `GRANTS_PER_USER` on average:
/// reading is common, writing rarer, deleting rarest, and the reported patterns four times as likely.
fn grant_kinds(partners: &[CatalogEntry], categories: &[CatalogEntry]) -> Vec<GrantKind> {
    let weight = |partner: &CatalogEntry, category: &CatalogEntry, access: Access| {
        let base = match access {
            Access::Read => 1.0,
            Access::Write => 0.35,
            Access::Delete => 0.15,
        };
        if reported(&partner.slug, &category.slug, access) {
            base * 4.0
        } else {
            base
        }
    };
    let mut kinds = Vec::new();
    let mut total = 0.0;
    for partner in partners {
        for category in categories {
            for access in Access::ALL {
                let w = weight(partner, category, access);
                total += w;
                kinds.push(GrantKind {
                    partner_id: partner.id,
                    category_id: category.id,
                    access,
                    probability: w,
                    purpose: format!(
                        "{} features that use your {}",
                        partner.name,
                        category.name.to_lowercase()
                    ),
                });
            }
        }
    }
    for kind in &mut kinds {
        kind.probability = (kind.probability * GRANTS_PER_USER / total).min(0.95);
    }
    kinds
}

struct UserRow {
    id: i64,
    handle: String,
    email: String,
    name: String,
    created_at: i64,
}

struct GrantRow {
    id: i64,
    user_id: i64,
    kind: usize,
    status: &'static str,
    granted_at: i64,
    changed_at: i64,
}

struct EventRow {
    id: i64,
    user_id: i64,
    grant_id: i64,
    kind: usize,
    status: &'static str,
    at: i64,
    prev_hash: String,
    hash: String,
}

#[derive(Default)]
struct Batch {
    users: Vec<UserRow>,
    grants: Vec<GrantRow>,
    events: Vec<EventRow>,
}

/// The next free id of each table: rows are numbered here so events can name their grant.
#[derive(Clone, Copy)]
struct NextIds {
    user: i64,
    grant: i64,
    event: i64,
}

/// Makes users `from..to` with their grants and their chained ledger events.
fn generate(kinds: &[GrantKind], from: u32, to: u32, ids: &mut NextIds, now: i64) -> Batch {
    let mut rng = StdRng::seed_from_u64(u64::from(from));
    let (first_grant_day, last_grant_day) = (date_ms(2010, 1, 1), date_ms(2018, 12, 1));
    let mut batch = Batch::default();
    for n in from..to {
        let user_id = ids.user;
        ids.user += 1;
        let handle = load_user_handle(n);
        batch.users.push(UserRow {
            id: user_id,
            email: format!("{handle}@load.example"),
            name: format!("Load User {n}"),
            handle,
            created_at: date_ms(2009, 1, 1) + rng.gen_range(0..365 * 86_400_000),
        });
        // (at, grant id, kind, status) of each event, put in time order before chaining.
        let mut events: Vec<(i64, i64, usize, &'static str)> = Vec::new();
        for (kind, grant_kind) in kinds.iter().enumerate() {
            if !rng.gen_bool(grant_kind.probability) {
                continue;
            }
            let grant_id = ids.grant;
            ids.grant += 1;
            let granted_at = rng.gen_range(first_grant_day..last_grant_day);
            events.push((granted_at, grant_id, kind, "granted"));
            let (status, changed_at) = if rng.gen_bool(WITHDRAWN_SHARE) {
                let withdrawn_at = rng.gen_range(granted_at + 1..now);
                events.push((withdrawn_at, grant_id, kind, "withdrawn"));
                ("withdrawn", withdrawn_at)
            } else {
                ("active", granted_at)
            };
            batch.grants.push(GrantRow {
                id: grant_id,
                user_id,
                kind,
                status,
                granted_at,
                changed_at,
            });
        }
        events.sort_unstable();
        let mut prev_hash = GENESIS.to_owned();
        for (at, grant_id, kind, status) in events {
            let grant_kind = &kinds[kind];
            let event = NewEvent {
                user_id,
                grant_id: Some(grant_id),
                partner_id: grant_kind.partner_id,
                category_id: grant_kind.category_id,
                access: grant_kind.access.as_str(),
                status,
                actor_kind: "user",
                actor_id: Some(user_id),
                purpose: (status == "granted").then_some(grant_kind.purpose.as_str()),
                reason: None,
                at,
                request_id: None,
            };
            let hash = event_hash(&event, &prev_hash);
            batch.events.push(EventRow {
                id: ids.event,
                user_id,
                grant_id,
                kind,
                status,
                at,
                prev_hash: std::mem::replace(&mut prev_hash, hash.clone()),
                hash,
            });
            ids.event += 1;
        }
    }
    batch
}

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
        println!("seed-load: the database already holds {existing} load users; nothing to do.");
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
    conn.close().await?;
    println!(
        "seed-load: {users} users, {grants} grants, {events} ledger events written in {:.1}s \
         (load users now: {}; password of each: {LOAD_USER_PASSWORD})",
        started.elapsed().as_secs_f64(),
        args.users,
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_sort_in_the_order_they_are_numbered() {
        assert_eq!(load_user_handle(42), "load-user-00042");
    }
}
