//! What the partner check keeps in memory never outlives a change: a revocation is denied by the
//! very next check, and "Allow again" allowed by it, even while other checks race to fill the
//! cache with what they read just before the change.

use crate::helpers::{ALICE, TestApp};
use crate::on_both_engines;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

async fn a_change_is_seen_by_the_very_next_check_while_other_checks_race_it(app: TestApp) {
    let app = Arc::new(app);
    let cookie = app.sign_in(ALICE).await;
    let grant = app.grant_id("alice", "spotify", "messages", "read").await;

    // Other partners keep asking about Alice, so her grants are read and cached all the time.
    let running = Arc::new(AtomicBool::new(true));
    let racers: Vec<_> = ["netflix", "rbc"]
        .into_iter()
        .map(|partner| {
            let (app, running) = (app.clone(), running.clone());
            tokio::spawn(async move {
                let mut asked = 0;
                while running.load(Ordering::Relaxed) {
                    app.decision(partner, "alice", "messages", "read").await;
                    asked += 1;
                }
                asked
            })
        })
        .collect();

    let (mut stale_allows, mut stale_denials) = (0, 0);
    for _ in 0..150 {
        assert_eq!(
            app.revoke(&cookie, &[("grant", &grant.to_string())]).await.status(),
            200
        );
        if app.decision("spotify", "alice", "messages", "read").await["decision"] != "deny" {
            stale_allows += 1;
        }
        assert_eq!(app.allow_again(&cookie, grant).await.status(), 200);
        if app.decision("spotify", "alice", "messages", "read").await["decision"] != "allow" {
            stale_denials += 1;
        }
    }
    running.store(false, Ordering::Relaxed);
    for racer in racers {
        assert!(racer.await.unwrap() > 0, "the other checks ran meanwhile");
    }
    assert_eq!((stale_allows, stale_denials), (0, 0));
}
on_both_engines!(a_change_is_seen_by_the_very_next_check_while_other_checks_race_it);
