//! `who-can-see simulate`, the real binary, against a running instance: what it sends is on
//! the record, allowed use and refused attempts alike.

use crate::helpers::{Engine, spawn_app};
use std::time::{Duration, Instant};
use who_can_see::domain::activity::EndedBy;
use who_can_see::domain::revocation::RevocationScope;
use who_can_see::server::clock::now_ms;
use who_can_see::server::storage::consent::grants::Actor;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn simulated_partner_traffic_is_recorded_as_alices_activity() {
    let app = spawn_app(Engine::Sqlite).await;
    let alice = app.user_id("alice").await;
    // Alice takes back Spotify's reading of her messages, the most frequent question, so part
    // of the traffic is refused and must be kept as evidence.
    let spotify_reads = app.grant_id("alice", "spotify", "messages", "read").await;
    app.store
        .revoke(
            alice,
            &RevocationScope::Grant(spotify_reads),
            Actor::User(alice),
            now_ms(),
        )
        .await
        .unwrap();

    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_who-can-see"))
        .args([
            "simulate",
            "--url",
            &app.address,
            "--seconds",
            "2",
            "--rate",
            "40",
            "--users",
            "alice",
        ])
        .output()
        .await
        .expect("the binary runs");
    let printed = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "simulate failed: {printed}");
    assert!(printed.contains("done after"), "simulate prints a summary: {printed}");
    assert!(
        printed.contains("failed   0"),
        "every simulated check was answered: {printed}"
    );

    // Refused attempts are written before the answer; allowed ones within a second (the flush).
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let used = app.store.access_use_of_user(alice, 0).await.unwrap();
        let refused = app.store.refused_attempts_of_user(alice, 0).await.unwrap();
        if used.iter().any(|u| u.allowed_since > 0) && !refused.is_empty() {
            assert!(
                refused
                    .iter()
                    .all(|r| matches!(r.reason, EndedBy::Withdrawn | EndedBy::Expired))
            );
            break;
        }
        assert!(
            Instant::now() < deadline,
            "no recorded activity: used {used:?}, refused {refused:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
