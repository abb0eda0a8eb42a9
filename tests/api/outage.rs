//! When the database goes away, requests get a clear 503, nothing is half-written, and the
//! app recovers by itself. Uses a PostgreSQL cluster of its own, never the machine's shared one.

use crate::helpers::{ALICE, serve_args};
use crate::own_cluster::OwnCluster;
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stopped_database_gets_503s_and_the_app_recovers_by_itself() {
    let cluster = OwnCluster::create();
    let app = cluster.serve(serve_args(true)).await;
    let cookie = app.sign_in(ALICE).await;
    let before = app.ledger_length("alice").await;

    let ready = app.client.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(ready.status(), 200, "ready before the outage");

    cluster.stop();

    let ready = app.client.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(ready.status(), 503, "a balancer sends nothing here during the outage");
    let body: serde_json::Value = ready.json().await.unwrap();
    assert_eq!(body["database"], "unavailable");
    let alive = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(alive.status(), 200, "the process itself is alive");

    let check = app
        .check(
            "demo-key-spotify",
            serde_json::json!({"user": "alice", "category": "messages", "access": "read"}),
        )
        .await;
    assert_eq!(check.status(), 503);
    let body: serde_json::Value = check.json().await.unwrap();
    assert_eq!(body["error"], "unavailable");
    let revoke = app.revoke(&cookie, &[("partner", "spotify")]).await;
    assert_eq!(revoke.status(), 503);
    assert!(
        revoke.text().await.unwrap().contains("Unavailable"),
        "the typed error the page shows as a sentence"
    );
    let page = app.dashboard(&cookie).await;
    assert_eq!(page.status(), 503);
    assert!(page.text().await.unwrap().contains("Nothing was changed"));

    cluster.start();

    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let check = app
            .check(
                "demo-key-spotify",
                serde_json::json!({"user": "alice", "category": "messages", "access": "read"}),
            )
            .await;
        if check.status() == 200 {
            let answer: serde_json::Value = check.json().await.unwrap();
            assert_eq!(answer["decision"], "allow", "the failed revocation changed nothing");
            break;
        }
        assert!(Instant::now() < deadline, "the app did not recover within 30 s");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(app.ledger_length("alice").await, before, "nothing was half-written");
    let ready = app.client.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(ready.status(), 200, "ready again by itself");
    assert_eq!(app.revoke(&cookie, &[("partner", "spotify")]).await.status(), 200);
    assert_eq!(app.ledger_length("alice").await, before + 3);
}
