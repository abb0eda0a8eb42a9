//! Every partner decision is recorded, and the user sees it: use on the dashboard, attempts
//! after a withdrawal on the Activity page.

use crate::helpers::{ALICE, BOB, TestApp};
use crate::on_both_engines;
use std::time::Duration;
use who_can_see::domain::activity::EndedBy;
use who_can_see::server::clock::{human_date, now_ms};

/// Reads `path` until it contains `expected`: counted decisions are written once a second.
async fn page_until(app: &TestApp, cookie: &str, path: &str, expected: &str) -> String {
    let mut page = String::new();
    for _ in 0..50 {
        page = app.page(cookie, path).await.text().await.unwrap();
        if page.contains(expected) {
            return page;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{path} never said {expected:?}:\n{page}");
}

async fn the_dashboard_says_how_often_a_partner_used_its_access(app: TestApp) {
    let cookie = app.sign_in(ALICE).await;
    let before = app.page(&cookie, "/").await.text().await.unwrap();
    assert!(before.contains("read: no use recorded"));
    for _ in 0..3 {
        assert_eq!(
            app.decision("spotify", "alice", "messages", "read").await["decision"],
            "allow"
        );
    }
    app.decision("spotify", "alice", "messages", "write").await;
    page_until(&app, &cookie, "/", "read 3 times this week, last just now").await;
    page_until(&app, &cookie, "/", "write once this week, last just now").await;
    // Bob's dashboard knows nothing of what was asked about Alice.
    let bob = app.sign_in(BOB).await;
    let theirs = app.page(&bob, "/").await.text().await.unwrap();
    assert!(!theirs.contains("times this week") && !theirs.contains("once this week"));
}
on_both_engines!(the_dashboard_says_how_often_a_partner_used_its_access);

async fn attempts_after_a_withdrawal_are_each_kept_and_stand_out(app: TestApp) {
    let cookie = app.sign_in(ALICE).await;
    app.decision("spotify", "alice", "messages", "read").await;
    app.revoke(
        &cookie,
        &[("partner", "spotify"), ("category", "messages"), ("access", "read")],
    )
    .await;
    for _ in 0..3 {
        let decision = app.decision("spotify", "alice", "messages", "read").await;
        assert_eq!(decision["reason"], "withdrawn");
    }
    // On record before the partner got its answer, each on its own, as pages read them.
    let alice = app.store.user_id_by_handle("alice").await.unwrap().unwrap();
    let refused = app.store.refused_attempts_of_user(alice, 0).await.unwrap();
    assert_eq!(refused.iter().filter(|a| a.reason == EndedBy::Withdrawn).count(), 3);

    let today = human_date(now_ms());
    let sentence = format!("Spotify tried to read your messages 3 times after you withdrew access on {today}.");
    let page = page_until(&app, &cookie, "/activity", &sentence).await;
    assert!(page.contains("<svg"), "drawn as a chart");
    let used = "Spotify used your messages once in the last 7 days, and was refused 3 times.";
    page_until(&app, &cookie, "/activity", used).await;
    let month = app.page(&cookie, "/activity?days=30").await.text().await.unwrap();
    assert!(month.contains("in the last 30 days"));

    let bob = app.sign_in(BOB).await;
    let theirs = app.page(&bob, "/activity").await.text().await.unwrap();
    assert!(
        theirs.contains("No partner asked for your data in the last 7 days."),
        "{theirs}"
    );
}
on_both_engines!(attempts_after_a_withdrawal_are_each_kept_and_stand_out);

async fn a_bad_window_gets_a_clear_message(app: TestApp) {
    let cookie = app.sign_in(ALICE).await;
    let response = app.page(&cookie, "/activity?days=365").await;
    assert_eq!(response.status(), 400);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Show 7 or 30 days of activity.")
    );
    let signed_out = app
        .client
        .get(app.url("/activity"))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(signed_out.headers()["location"], "/sign-in?next=%2Factivity");
}
on_both_engines!(a_bad_window_gets_a_clear_message);

async fn a_rejected_check_records_nothing(app: TestApp) {
    let bad = app
        .check(
            "demo-key-spotify",
            serde_json::json!({ "user": "alice", "category": "dreams", "access": "read" }),
        )
        .await;
    assert_eq!(bad.status(), 400);
    let other = app
        .check(
            "demo-key-spotify",
            serde_json::json!({ "user": "alice", "category": "messages", "access": "read", "partner": "netflix" }),
        )
        .await;
    assert_eq!(other.status(), 403);
    // A good question, answered and counted: what the store shows of Alice's use.
    let counted = || async {
        let alice = app.store.user_id_by_handle("alice").await.unwrap().unwrap();
        let uses = app.store.access_use_of_user(alice, 0).await.unwrap();
        let hours = app.store.hours_of_use(alice, 0).await.unwrap();
        (uses.iter().map(|u| u.allowed_since).sum::<i64>(), hours.len())
    };
    // Longer than the recorder's flush interval.
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    assert_eq!(counted().await, (0, 0), "nothing counted for rejected requests");
    let alice = app.store.user_id_by_handle("alice").await.unwrap().unwrap();
    assert!(app.store.refused_attempts_of_user(alice, 0).await.unwrap().is_empty());
    // The same store does count a good one: the zero above is not blindness.
    app.decision("spotify", "alice", "messages", "read").await;
    // Written within a second or so; under a loaded machine allow up to 10 s.
    let mut seen = counted().await;
    for _ in 0..100 {
        if seen == (1, 1) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        seen = counted().await;
    }
    assert_eq!(seen, (1, 1));
}
on_both_engines!(a_rejected_check_records_nothing);
