//! The demo's receiving partner (`who-can-see partner-receiver`), run as its own process:
//! it verifies each event against the platform's JWKS, confirms it with 202 and logs what the
//! partner learned; an event meant for another partner is refused for good (RFC 8935
//! `invalid_audience`), which the person then reads as turned down.

use crate::helpers::{ALICE, Engine, TestApp};
use crate::notifications::{app_telling_partners, settle_earlier_notifications};
use std::process::Stdio;
use std::time::Duration;
use tokio::io::AsyncReadExt;

async fn states_once_settled(app: &TestApp, partner: &str) -> Vec<String> {
    let mut states = Vec::new();
    for _ in 0..50 {
        states = app.store.notification_states(partner).await.unwrap();
        if !states.contains(&"pending".to_owned()) && !states.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    states
}

async fn the_demo_receiver_verifies_confirms_and_refuses(engine: Engine) {
    let app = app_telling_partners(engine).await;
    settle_earlier_notifications(&app.database_url).await;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut receiver = tokio::process::Command::new(env!("CARGO_BIN_EXE_who-can-see"))
        .args([
            "partner-receiver",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--jwks-from",
            &app.address,
        ])
        .env("RUST_LOG", "who_can_see=info")
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let events = format!("http://127.0.0.1:{port}/events");
    app.store
        .set_partner_endpoint("spotify", Some(&format!("{events}/spotify")))
        .await
        .unwrap();
    // Netflix's endpoint by mistake is Spotify's: Spotify's receiver refuses Netflix's events.
    app.store
        .set_partner_endpoint("netflix", Some(&format!("{events}/spotify")))
        .await
        .unwrap();

    let cookie = app.sign_in(ALICE).await;
    app.revoke(
        &cookie,
        &[("partner", "spotify"), ("category", "messages"), ("access", "read")],
    )
    .await;
    app.revoke(&cookie, &[("partner", "netflix")]).await;
    assert_eq!(states_once_settled(&app, "spotify").await, ["delivered"]);
    let netflix = states_once_settled(&app, "netflix").await;
    assert!(
        netflix.contains(&"failed".to_owned()) && !netflix.contains(&"pending".to_owned()),
        "refused for good, not retried: {netflix:?}"
    );
    let history = app.page(&cookie, "/history").await.text().await.unwrap();
    assert!(history.contains("Netflix turned the event down"), "the person reads it");

    receiver.start_kill().unwrap();
    let mut log = String::new();
    receiver.stdout.take().unwrap().read_to_string(&mut log).await.unwrap();
    assert!(
        log.contains("spotify learned about alice: consent-withdrawn of read access to messages"),
        "{log}"
    );
    assert!(log.contains("invalid_audience"), "{log}");
}

#[tokio::test]
async fn the_demo_receiver_verifies_confirms_and_refuses_sqlite() {
    the_demo_receiver_verifies_confirms_and_refuses(Engine::Sqlite).await;
}

#[tokio::test]
async fn the_demo_receiver_verifies_confirms_and_refuses_postgres() {
    the_demo_receiver_verifies_confirms_and_refuses(Engine::Postgres).await;
}
