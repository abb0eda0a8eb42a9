//! Grants given for a while end by themselves: the system records the expiry in the ledger,
//! partners are denied from the moment it ends, and the user sees it and can allow again.

use crate::helpers::{ALICE, BOB, TestApp};
use crate::on_both_engines;
use std::time::Duration;
use who_can_see::domain::access::Access;
use who_can_see::server::clock::now_ms;
use who_can_see::server::storage::consent::grants::{Actor, NewGrant};

/// Gives bob Yandex's read access to his messages, ending at `expires_at`.
async fn give_bob_yandex_messages(app: &TestApp, granted_at: i64, expires_at: i64) -> i64 {
    let bob = app.user_id("bob").await;
    let grant = NewGrant {
        user_id: bob,
        partner_slug: "yandex",
        category_slug: "messages",
        access: Access::Read,
        purpose: "Translate your messages",
        granted_at,
        expires_at: Some(expires_at),
    };
    app.store.give_grant(&grant, Actor::User(bob)).await.unwrap()
}

/// (status, actor kind, actor id, at) of every event of one grant, oldest first.
async fn events_of_grant(app: &TestApp, grant: i64) -> Vec<(String, String, Option<i64>, i64)> {
    let pool = sqlx::AnyPool::connect(&app.database_url).await.unwrap();
    let events =
        sqlx::query_as("SELECT status, actor_kind, actor_id, at FROM consent_events WHERE grant_id = $1 ORDER BY id")
            .bind(grant)
            .fetch_all(&pool)
            .await
            .unwrap();
    pool.close().await;
    events
}

async fn ledger_still_adds_up(app: &TestApp) {
    assert_eq!(
        app.store.replay_ledger().await.unwrap(),
        app.store.current_grant_statuses().await.unwrap()
    );
    assert_eq!(app.store.verify_ledger().await.unwrap().broken, None);
}

async fn the_system_records_an_expiry_and_partners_are_denied(app: TestApp) {
    let now = now_ms();
    let ends_at = now + 1_500;
    let grant = give_bob_yandex_messages(&app, now, ends_at).await;
    assert_eq!(
        app.decision("yandex", "bob", "messages", "read").await["decision"],
        "allow"
    );

    // Nobody acts: the app's own sweeper must notice (it runs every second in tests).
    let mut events = events_of_grant(&app, grant).await;
    for _ in 0..100 {
        if events.len() == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        events = events_of_grant(&app, grant).await;
    }
    assert_eq!(
        events
            .iter()
            .map(|(s, a, id, _)| (s.as_str(), a.as_str(), *id))
            .collect::<Vec<_>>(),
        [
            ("granted", "user", Some(app.user_id("bob").await)),
            ("expired", "system", None)
        ]
    );
    assert_eq!(
        events[1].3, ends_at,
        "dated when the grant ended, not when it was noticed"
    );

    let decision = app.decision("yandex", "bob", "messages", "read").await;
    assert_eq!(decision["decision"], "deny");
    assert_eq!(decision["reason"], "expired");

    let cookie = app.sign_in(BOB).await;
    let history = app.page(&cookie, "/history").await.text().await.unwrap();
    assert!(
        history.contains("Yandex&#x27;s read access to your messages expired.")
            || history.contains("Yandex's read access to your messages expired."),
        "{history}"
    );
    assert!(history.contains("The system"));
    let dashboard = app.page(&cookie, "/").await.text().await.unwrap();
    assert!(dashboard.contains("read expired"), "the cell says how the access ended");
    let export = app.page(&cookie, "/history/export.csv").await.text().await.unwrap();
    assert!(export.lines().any(|line| line.contains(",Expired,system,")), "{export}");
    ledger_still_adds_up(&app).await;
}
on_both_engines!(the_system_records_an_expiry_and_partners_are_denied);

async fn an_expired_grant_is_not_withdrawn_too_and_can_be_allowed_again(app: TestApp) {
    let now = now_ms();
    let ended = now - 60_000;
    let grant = give_bob_yandex_messages(&app, now - 3_600_000, ended).await;
    let cookie = app.sign_in(BOB).await;

    // "Nobody can read my messages" takes back what is live; the expired grant just expired.
    app.revoke(&cookie, &[("category", "messages"), ("access", "read")])
        .await;
    let events = events_of_grant(&app, grant).await;
    assert_eq!(
        events.iter().map(|(s, ..)| s.as_str()).collect::<Vec<_>>(),
        ["granted", "expired"],
        "expired at its end, never also withdrawn"
    );
    assert_eq!(events[1].3, ended);

    let response = app.allow_again(&cookie, grant).await;
    assert_eq!(response.status(), 200);
    let decision = app.decision("yandex", "bob", "messages", "read").await;
    assert_eq!(
        decision["decision"], "allow",
        "allowed again by the user, with no end date"
    );
    ledger_still_adds_up(&app).await;
}
on_both_engines!(an_expired_grant_is_not_withdrawn_too_and_can_be_allowed_again);

async fn the_demo_shows_a_grant_that_ran_out_in_2017(app: TestApp) {
    let cookie = app.sign_in(ALICE).await;
    let history = app
        .page(&cookie, "/history?partner=yandex&category=friends")
        .await
        .text()
        .await
        .unwrap();
    assert!(history.contains("The system"), "{history}");
    assert!(history.contains("31 Dec 2017"), "{history}");
    let decision = app.decision("yandex", "alice", "friends", "read").await;
    assert_eq!(decision["reason"], "expired");
    assert_eq!(decision["since"], "2017-12-31T12:00:00Z");
}
on_both_engines!(the_demo_shows_a_grant_that_ran_out_in_2017);
