//! Two instances on one PostgreSQL database, both sending: each notification is claimed by one
//! of them (`FOR UPDATE … SKIP LOCKED` and a lease), so the partner gets every change exactly
//! once while both run, with none left behind.

use crate::helpers::{ALICE, Engine, serve_args, spawn_second_instance_with};
use crate::notifications::{app_telling_partners, settle_earlier_notifications};
use crate::notify_receiver::Receiver;
use std::collections::HashSet;
use std::time::Duration;

const PARTNERS: [&str; 6] = ["spotify", "netflix", "rbc", "bing", "amazon", "apple"];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_send_each_change_once() {
    let app = app_telling_partners(Engine::Postgres).await;
    settle_earlier_notifications(&app.database_url).await;
    let mut args = serve_args(false);
    args.allow_http_endpoints = true;
    let _second = spawn_second_instance_with(&app, args).await;
    let receiver = Receiver::start().await;
    for partner in PARTNERS {
        app.store
            .set_partner_endpoint(partner, Some(&receiver.url))
            .await
            .unwrap();
    }

    let cookie = app.sign_in(ALICE).await;
    for partner in PARTNERS {
        app.revoke(&cookie, &[("partner", partner)]).await;
    }
    let pool = sqlx::AnyPool::connect(&app.database_url).await.unwrap();
    let count = |state: &'static str| {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM notifications WHERE state = $1 AND tries > 0")
                .bind(state)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    // The earlier ones were settled untried; these were made now (and may be sent already).
    let changes: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM notifications WHERE state = 'pending' OR tries > 0")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(changes >= 8, "Alice's grants with those partners: {changes}");
    for _ in 0..100 {
        if count("pending").await == 0 && count("delivered").await >= changes {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Both instances ran their dispatchers all along; give a duplicate time to show up.
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let got = receiver.received();
    let jtis: HashSet<String> = got
        .iter()
        .map(|r| {
            let payload = r.body.split('.').nth(1).unwrap();
            let claims: serde_json::Value = serde_json::from_slice(
                &base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, payload).unwrap(),
            )
            .unwrap();
            claims["jti"].as_str().unwrap().to_owned()
        })
        .collect();
    assert_eq!(jtis.len() as i64, changes, "every change reached the partner");
    assert_eq!(got.len(), jtis.len(), "and none twice");
    pool.close().await;
}
