//! SIGTERM under load: the server stops taking connections, finishes the requests in flight,
//! writes the counts it holds in memory and exits 0. Every revocation it acknowledged is kept,
//! and every check it answered "allow" is counted on the person's Activity.

use crate::helpers::TempSqliteFolder;
use crate::real_server::{allowed_uses, revoke_grant, sign_in, start_server, stop_cleanly};
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use who_can_see::domain::decision::GrantStatus;
use who_can_see::server::tools::demo::add_demo_user;

const PASSWORD: &str = "graceful-password";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_under_load_keeps_every_acknowledged_revocation_and_every_count() {
    let folder = TempSqliteFolder::new();
    let store = folder.migrated_store().await;
    let mut revokers = Vec::new();
    for n in 0..4 {
        let email = format!("graceful{n}@example.test");
        let handle = add_demo_user(&store, &email, PASSWORD, "Graceful").await.unwrap();
        revokers.push((email, handle));
    }
    let checked = add_demo_user(&store, "checked@example.test", PASSWORD, "Checked")
        .await
        .unwrap();
    let checked_id = store.user_id_by_handle(&checked).await.unwrap().unwrap();
    let (server, address) = start_server(&folder.url());
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();

    let acknowledged: Arc<Mutex<Vec<i64>>> = Arc::default();
    let allowed = Arc::new(AtomicU64::new(0));
    let mut load = tokio::task::JoinSet::new();
    for (email, handle) in &revokers {
        let cookie = sign_in(&client, &address, email, PASSWORD).await;
        let user = store.user_id_by_handle(handle).await.unwrap().unwrap();
        let grants: Vec<i64> = store
            .grants_of_user(user)
            .await
            .unwrap()
            .into_iter()
            .filter(|g| g.status == GrantStatus::Active)
            .map(|g| g.id)
            .collect();
        let (client, address, acknowledged) = (client.clone(), address.clone(), acknowledged.clone());
        load.spawn(async move {
            for grant in grants {
                if !revoke_grant(&client, &address, &cookie, grant).await {
                    return;
                }
                acknowledged.lock().unwrap().push(grant);
            }
        });
    }
    for _ in 0..4 {
        let (client, address, allowed, checked) = (client.clone(), address.clone(), allowed.clone(), checked.clone());
        load.spawn(async move {
            loop {
                let answer = client
                    .post(format!("{address}/api/v1/check"))
                    .bearer_auth("demo-key-spotify")
                    .json(&serde_json::json!({"user": checked, "category": "messages", "access": "read"}))
                    .send()
                    .await;
                let Ok(response) = answer else { return };
                if response.status() != 200 {
                    return;
                }
                let Ok(body) = response.json::<serde_json::Value>().await else {
                    return;
                };
                assert_eq!(body["decision"], "allow");
                allowed.fetch_add(1, Ordering::SeqCst);
            }
        });
    }
    while acknowledged.lock().unwrap().len() < 20 || allowed.load(Ordering::SeqCst) < 300 {
        tokio::time::sleep(Duration::from_millis(2)).await;
    }

    // Waits for the exit, which must be 0, within the grace (the test's own timeout bounds it).
    tokio::task::spawn_blocking(move || stop_cleanly(server)).await.unwrap();
    while let Some(task) = load.join_next().await {
        task.unwrap();
    }

    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(acknowledged.len() >= 20);
    for (_, handle) in &revokers {
        let user = store.user_id_by_handle(handle).await.unwrap().unwrap();
        for grant in store.grants_of_user(user).await.unwrap() {
            if acknowledged.contains(&grant.id) {
                assert_eq!(
                    grant.status.as_str(),
                    "withdrawn",
                    "acknowledged revocation of {}",
                    grant.id
                );
            }
        }
    }
    assert_eq!(
        allowed_uses(&store, checked_id).await,
        i64::try_from(allowed.load(Ordering::SeqCst)).unwrap(),
        "every allowed check the server answered is counted"
    );
    store.close().await;
}
