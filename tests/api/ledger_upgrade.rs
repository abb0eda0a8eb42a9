//! Upgrading a store written before consent requests existed: the ledger table is rebuilt
//! (SQLite) or altered (PostgreSQL), and every chain written before still verifies unchanged,
//! stays append-only, and goes on with the events of requests.

use crate::helpers::{Engine, empty_database};
use std::borrow::Cow;
use who_can_see::domain::ledger_hash::{GENESIS, NewEvent};
use who_can_see::domain::request_decision::{AccessChoice, Term};
use who_can_see::server::storage::Store;
use who_can_see::server::storage::consent::ledger::event_hash;
use who_can_see::server::storage::consent::requests::{AskedItem, NewRequest};

/// The first migration that knows consent requests.
const FIRST_WITH_REQUESTS: i64 = 20261220000001;

/// Migrates an empty database to the version just before consent requests.
async fn migrate_to_before_requests(url: &str, engine: Engine) -> sqlx::AnyPool {
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(url).await.unwrap();
    let mut migrator = match engine {
        Engine::Sqlite => sqlx::migrate!("./migrations/sqlite"),
        Engine::Postgres => sqlx::migrate!("./migrations/postgres"),
    };
    let older: Vec<_> = migrator
        .migrations
        .iter()
        .filter(|m| m.version < FIRST_WITH_REQUESTS)
        .cloned()
        .collect();
    migrator.migrations = Cow::Owned(older);
    migrator.run(&pool).await.unwrap();
    pool
}

/// Writes a person, a grant and its two events as the version before requests wrote them.
/// Returns the person's id and the events' hashes.
async fn write_an_old_chain(pool: &sqlx::AnyPool) -> (i64, Vec<String>) {
    let (user_id,): (i64,) = sqlx::query_as(
        "INSERT INTO users (handle, email, display_name, password_hash, created_at) \
         VALUES ('olga', 'olga@example.com', 'Olga Old', 'not a hash', 1) RETURNING id",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    let (grant_id, partner_id, category_id): (i64, i64, i64) = sqlx::query_as(
        "INSERT INTO grants (user_id, partner_id, category_id, access, purpose, status, granted_at, changed_at) \
         SELECT $1, p.id, c.id, 'read', 'Old purpose', 'withdrawn', 10, 20 FROM partners p, categories c \
         WHERE p.slug = 'spotify' AND c.slug = 'messages' RETURNING id, partner_id, category_id",
    )
    .bind(user_id)
    .fetch_one(pool)
    .await
    .unwrap();
    let mut prev_hash = GENESIS.to_owned();
    let mut hashes = Vec::new();
    for (status, purpose, at) in [("granted", Some("Old purpose"), 10), ("withdrawn", None, 20)] {
        let event = NewEvent {
            user_id,
            grant_id: Some(grant_id),
            partner_id,
            category_id,
            access: "read",
            status,
            actor_kind: "user",
            actor_id: Some(user_id),
            purpose,
            reason: None,
            at,
            request_id: None,
            through_friends: false,
        };
        let hash = event_hash(&event, &prev_hash);
        sqlx::query(
            "INSERT INTO consent_events (user_id, grant_id, partner_id, category_id, access, status, actor_kind, \
             actor_id, purpose, reason, at, prev_hash, hash) \
             VALUES ($1, $2, $3, $4, 'read', $5, 'user', $1, $6, NULL, $7, $8, $9)",
        )
        .bind(user_id)
        .bind(grant_id)
        .bind(partner_id)
        .bind(category_id)
        .bind(status)
        .bind(purpose)
        .bind(at)
        .bind(&prev_hash)
        .bind(&hash)
        .execute(pool)
        .await
        .unwrap();
        prev_hash = hash.clone();
        hashes.push(hash);
    }
    (user_id, hashes)
}

async fn an_upgraded_ledger_verifies_every_old_chain_and_goes_on(engine: Engine) {
    let database = empty_database(engine).await;
    let url = match engine {
        Engine::Sqlite => format!("{}?mode=rwc", database.url),
        Engine::Postgres => database.url.clone(),
    };
    let old = migrate_to_before_requests(&url, engine).await;
    let (olga, old_hashes) = write_an_old_chain(&old).await;
    old.close().await;

    let store = Store::connect(&database.url).await.unwrap();
    store.migrate().await.unwrap();
    let report = store.verify_ledger().await.unwrap();
    assert_eq!(
        (report.events, report.broken),
        (2, None),
        "the old chain verifies as it was"
    );

    let pool = sqlx::AnyPool::connect(&url).await.unwrap();
    let kept: Vec<(String,)> = sqlx::query_as("SELECT hash FROM consent_events ORDER BY id")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(kept.into_iter().map(|(h,)| h).collect::<Vec<_>>(), old_hashes);
    for statement in [
        "UPDATE consent_events SET status = 'granted'",
        "DELETE FROM consent_events",
    ] {
        let refused = sqlx::query(statement).execute(&pool).await.unwrap_err();
        assert!(refused.to_string().contains("append-only"), "{statement}: {refused}");
    }
    pool.close().await;

    // The chain goes on with a request and its answer.
    let catalog = store.catalog().await.unwrap();
    let items = [AskedItem {
        category_id: catalog.category_id("messages").unwrap(),
        access: who_can_see::domain::access::Access::Read,
    }];
    let request = NewRequest {
        user_id: olga,
        partner_id: catalog.partner_id("spotify").unwrap(),
        items: &items,
        purpose: "to send songs",
        duration_days: None,
    };
    let id = store.ask_consent(&request, 1_000).await.unwrap();
    let chosen = [AccessChoice::parse("messages:read").unwrap()];
    store
        .approve_request(olga, &id, &chosen, Term::UntilTakenBack, 2_000)
        .await
        .unwrap();
    let report = store.verify_ledger().await.unwrap();
    assert_eq!((report.events, report.broken), (4, None));
    assert_eq!(
        store.replay_ledger().await.unwrap(),
        store.current_grant_statuses().await.unwrap()
    );
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upgraded_sqlite_ledger_verifies_every_old_chain_and_goes_on() {
    an_upgraded_ledger_verifies_every_old_chain_and_goes_on(Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upgraded_postgres_ledger_verifies_every_old_chain_and_goes_on() {
    an_upgraded_ledger_verifies_every_old_chain_and_goes_on(Engine::Postgres).await;
}
