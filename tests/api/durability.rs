//! An acknowledged revocation survives the server being killed: every revocation that got a
//! success answer is in the ledger and enforced after a restart.

use crate::helpers::TempSqliteFolder;
use crate::notify_receiver::Receiver;
use crate::real_server::{allowed_uses, revoke_grant, sign_in, start_server, start_server_with, stop_cleanly};

/// The demo receiver's settings: events go over plain http to this machine.
const TELLING: &[(&str, &str)] = &[("WCS_ALLOW_HTTP_ENDPOINTS", "true")];
use std::sync::{Arc, Mutex};
use who_can_see::server::storage::Store;
use who_can_see::server::tools::demo::add_demo_user;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_acknowledged_revocation_survives_sigkill() {
    let folder = TempSqliteFolder::new();
    let url = folder.url();
    let store = folder.migrated_store().await;
    let mut people = Vec::new();
    for n in 0..6 {
        let email = format!("durable{n}@example.test");
        let handle = add_demo_user(&store, &email, "durable-password", "Durable")
            .await
            .unwrap();
        people.push((email, handle));
    }

    // Every partner is told at a receiver of the test's own, through the kill and the restart.
    let receiver = Receiver::start().await;
    for partner in store.catalog().await.unwrap().partners {
        store
            .set_partner_endpoint(&partner.slug, Some(&receiver.url))
            .await
            .unwrap();
    }
    let (mut server, address) = start_server_with(&url, TELLING);
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut streams = Vec::new();
    let acknowledged: Arc<Mutex<Vec<(String, i64)>>> = Arc::default();
    for (email, handle) in &people {
        let cookie = sign_in(&client, &address, email, "durable-password").await;
        let user = store.user_id_by_handle(handle).await.unwrap().unwrap();
        let grants: Vec<i64> = store
            .grants_of_user(user)
            .await
            .unwrap()
            .into_iter()
            // The demo grant that expired in 2017 has nothing left to revoke.
            .filter(|g| g.status == who_can_see::domain::decision::GrantStatus::Active)
            .map(|g| g.id)
            .collect();
        let (client, address, acknowledged, handle) =
            (client.clone(), address.clone(), acknowledged.clone(), handle.clone());
        streams.push(tokio::spawn(async move {
            for grant in grants {
                if !revoke_grant(&client, &address, &cookie, grant).await {
                    return;
                }
                acknowledged.lock().unwrap().push((handle.clone(), grant));
            }
        }));
    }
    // Kill the server partway through the stream, without warning.
    while acknowledged.lock().unwrap().len() < 30 {
        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    }
    server.kill().unwrap();
    server.wait().unwrap();
    for stream in streams {
        stream.await.unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(acknowledged.len() >= 30);

    let (mut server, address) = start_server_with(&url, TELLING);
    let catalog = store.catalog().await.unwrap();
    for (handle, grant_id) in &acknowledged {
        let user = store.user_id_by_handle(handle).await.unwrap().unwrap();
        let grant = store
            .grants_of_user(user)
            .await
            .unwrap()
            .into_iter()
            .find(|g| g.id == *grant_id)
            .unwrap();
        assert_eq!(
            grant.status.as_str(),
            "withdrawn",
            "acknowledged revocation of grant {grant_id} was lost"
        );
        let answer: serde_json::Value = client
            .post(format!("{address}/api/v1/check"))
            .bearer_auth(format!("demo-key-{}", catalog.partner(grant.partner_id).unwrap().slug))
            .json(&serde_json::json!({
                "user": handle,
                "category": catalog.category(grant.category_id).unwrap().slug,
                "access": grant.access.as_str(),
            }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            answer["decision"], "deny",
            "grant {grant_id} is enforced after the restart"
        );
    }
    assert_eq!(
        store.replay_ledger().await.unwrap(),
        store.current_grant_statuses().await.unwrap()
    );
    assert_eq!(store.verify_ledger().await.unwrap().broken, None);
    let pool = sqlx::AnyPool::connect(&url).await.unwrap();
    let mut withdrawals = Vec::new();
    for (_, grant_id) in &acknowledged {
        let event: i64 = sqlx::query_scalar("SELECT MAX(id) FROM consent_events WHERE grant_id = $1")
            .bind(*grant_id)
            .fetch_one(&pool)
            .await
            .unwrap();
        withdrawals.push(event);
    }
    pool.close().await;
    receiver.expect_each_told_with_one_jti(&withdrawals).await;
    server.kill().unwrap();
    server.wait().unwrap();
    store.close().await;
}

/// A store in `folder` with one demo user: the store, the user's handle and id.
async fn store_with_user(folder: &TempSqliteFolder, email: &str, name: &str) -> (Store, String, i64) {
    let store = folder.migrated_store().await;
    let handle = add_demo_user(&store, email, "durable-password-1", name).await.unwrap();
    let user = store.user_id_by_handle(&handle).await.unwrap().unwrap();
    (store, handle, user)
}

/// Asks the server at `address` whether `partner` may read `handle`'s messages; the status.
async fn ask_read_messages(client: &reqwest::Client, address: &str, partner: &str, handle: &str) -> u16 {
    client
        .post(format!("{address}/api/v1/check"))
        .bearer_auth(format!("demo-key-{partner}"))
        .json(&serde_json::json!({"user": handle, "category": "messages", "access": "read"}))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// Decision records and a crash: every refused attempt on a withdrawn grant was written before
/// its answer, so none is lost; allowed decisions are counted in memory and written every
/// second, so a crash loses at most the last second of them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_attempts_survive_sigkill_and_counts_lose_at_most_a_second() {
    use who_can_see::domain::revocation::RevocationScope;
    use who_can_see::server::storage::consent::grants::Actor;
    let folder = TempSqliteFolder::new();
    let url = folder.url();
    let (store, handle, user) = store_with_user(&folder, "crash@example.test", "Crash").await;
    let catalog = store.catalog().await.unwrap();
    let (spotify, messages) = (
        catalog.partner_id("spotify").unwrap(),
        catalog.category_id("messages").unwrap(),
    );
    let spotify_read = store
        .grants_of_user(user)
        .await
        .unwrap()
        .into_iter()
        .find(|g| g.partner_id == spotify && g.category_id == messages && g.access.as_str() == "read")
        .unwrap()
        .id;
    store
        .revoke(user, &RevocationScope::Grant(spotify_read), Actor::User(user), 1_000)
        .await
        .unwrap();

    let (mut server, address) = start_server(&url);
    let client = reqwest::Client::new();
    let ask = |partner: &'static str| ask_read_messages(&client, &address, partner, &handle);
    for _ in 0..20 {
        assert_eq!(ask("spotify").await, 200);
        assert_eq!(ask("netflix").await, 200);
    }
    // Longer than the recorder's flush interval: the 20 allowed checks are written by now.
    tokio::time::sleep(std::time::Duration::from_millis(1_500)).await;
    for _ in 0..10 {
        assert_eq!(ask("spotify").await, 200);
    }
    server.kill().unwrap();
    server.wait().unwrap();

    let refused = store.refused_attempts_of_user(user, 0).await.unwrap();
    assert_eq!(
        refused.len(),
        30,
        "every refused attempt that was answered is on record"
    );
    assert_eq!(
        allowed_uses(&store, user).await,
        20,
        "counts older than a second were already written"
    );
    store.close().await;
}

/// A second's counts that cannot be written (the counts table's write lock is held by another
/// writer for longer than SQLite waits) stay in memory and are written with a later second's,
/// each once: after a clean stop and a restart with more checks, every allowed check is counted
/// exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn counts_a_write_could_not_take_are_written_later_and_never_twice() {
    use sqlx::{Connection, Executor};
    let folder = TempSqliteFolder::new();
    let url = folder.url();
    let (store, handle, user) = store_with_user(&folder, "retry@example.test", "Retry").await;
    let (server, address) = start_server(&url);
    let client = reqwest::Client::new();
    let ask_netflix = || ask_read_messages(&client, &address, "netflix", &handle);
    let counts_file = folder.store_file().with_extension("counts.db");
    let mut holder = sqlx::sqlite::SqliteConnection::connect(&format!("sqlite://{}", counts_file.display()))
        .await
        .unwrap();
    holder.execute("BEGIN IMMEDIATE").await.unwrap();
    for _ in 0..20 {
        assert_eq!(ask_netflix().await, 200);
    }
    // Longer than SQLite's busy timeout (5 s): at least one write of these counts fails.
    tokio::time::sleep(std::time::Duration::from_millis(6_500)).await;
    for _ in 0..10 {
        assert_eq!(ask_netflix().await, 200);
    }
    assert_eq!(
        allowed_uses(&store, user).await,
        0,
        "nothing was written while the lock was held"
    );
    holder.execute("ROLLBACK").await.unwrap();
    holder.close().await.unwrap();
    stop_cleanly(server);
    assert_eq!(
        allowed_uses(&store, user).await,
        30,
        "every check counted once, none lost"
    );

    let (server, address) = start_server(&url);
    for _ in 0..5 {
        assert_eq!(ask_read_messages(&client, &address, "netflix", &handle).await, 200);
    }
    stop_cleanly(server);
    assert_eq!(allowed_uses(&store, user).await, 35, "a restart counts nothing twice");
    store.close().await;
}
