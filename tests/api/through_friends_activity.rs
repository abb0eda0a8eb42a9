//! What partners did through a person's friends is on the person's page: how often each saw
//! them through each friend this week, and, standing out, every attempt refused after they said
//! no. Seeing someone through a friend's list is also a use of the friend's own grant, recorded
//! for the friend like any other check of it.

use crate::helpers::{ALICE, BOB, TestApp};
use crate::on_both_engines;
use serde_json::json;
use std::time::Duration;
use who_can_see::server::clock::{human_date, now_ms};

/// Asks Bing about `user` through `friend`; returns the reason of a denial.
async fn bing_via(app: &TestApp, user: &str, category: &str, friend: &str) -> Option<String> {
    let response = app
        .check(
            "demo-key-bing",
            json!({ "user": user, "category": category, "access": "read", "via": friend }),
        )
        .await;
    assert_eq!(response.status(), 200);
    let answer: serde_json::Value = response.json().await.unwrap();
    answer["reason"].as_str().map(str::to_owned)
}

async fn page(app: &TestApp, cookie: &str, path: &str) -> String {
    app.page(cookie, path).await.text().await.unwrap()
}

/// The page once it says `wanted` (counts are written once a second), or the last one read.
async fn page_saying(app: &TestApp, cookie: &str, path: &str, wanted: &str) -> String {
    let mut text = String::new();
    for _ in 0..50 {
        text = page(app, cookie, path).await;
        if text.contains(wanted) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    text
}

/// Allowed checks of Bing's read of Alice's friends recorded since `since`.
async fn bing_reads_of_alices_friends(app: &TestApp, since: i64) -> i64 {
    let catalog = app.store.catalog().await.unwrap();
    let (bing, friends) = (
        catalog.partner_id("bing").unwrap(),
        catalog.category_id("friends").unwrap(),
    );
    let alice = app.user_id("alice").await;
    let uses = app.store.access_use_of_user(alice, since).await.unwrap();
    uses.iter()
        .filter(|u| u.partner_id == bing && u.category_id == friends)
        .map(|u| u.allowed_since)
        .sum()
}

async fn what_a_partner_saw_through_a_friend_is_on_the_persons_page(app: TestApp) {
    // Counts are kept per hour: this hour's are all since an hour ago.
    let since = now_ms() - 3_600_000;
    let bob = app.user_id("bob").await;
    let bobs_own_before = app.store.access_use_of_user(bob, since).await.unwrap();
    let alices_before = bing_reads_of_alices_friends(&app, since).await;
    for _ in 0..3 {
        assert_eq!(bing_via(&app, "bob", "profile", "alice").await, None);
    }
    // Alice lets Bing read nothing of her contacts: denied, and not a sighting.
    assert_eq!(
        bing_via(&app, "bob", "contacts", "alice").await.as_deref(),
        Some("friend_did_not_grant")
    );

    let cookie = app.sign_in(BOB).await;
    let seen = "Microsoft Bing saw you through Alice Example\u{2019}s friends list 3 times this week.";
    let text = page_saying(&app, &cookie, "/through-friends", seen).await;
    assert!(text.contains(seen), "{text}");
    assert!(
        !text.contains("Alice Example\u{2019}s contacts"),
        "a denial is no sighting: {text}"
    );
    assert!(!text.contains("tried to see"), "nothing was refused after a no: {text}");

    // Each sighting read Alice's friends list: her grant was used three times.
    assert_eq!(bing_reads_of_alices_friends(&app, since).await, alices_before + 3);
    // Bob's own grants were not used by any of it.
    assert_eq!(app.store.access_use_of_user(bob, since).await.unwrap(), bobs_own_before);
}
on_both_engines!(what_a_partner_saw_through_a_friend_is_on_the_persons_page);

async fn attempts_after_the_person_said_no_stand_out(app: TestApp) {
    let cookie = app.sign_in(BOB).await;
    let said_no = app
        .post_form_without_script(
            &cookie,
            "/through-friends",
            "/api/refuse-through-friends",
            &[("partner", "bing")],
        )
        .await;
    assert!(said_no.status().is_redirection(), "{}", said_no.status());
    for _ in 0..2 {
        assert_eq!(
            bing_via(&app, "bob", "profile", "alice").await.as_deref(),
            Some("refused_by_person")
        );
    }
    // Not a friend of Bob's: denied, but nothing Bob said was ignored.
    assert_eq!(
        bing_via(&app, "dan", "profile", "bob").await.as_deref(),
        Some("not_a_friend")
    );

    // Refused attempts are on the record before the partner hears "deny": no waiting.
    let tried = format!(
        "Microsoft Bing tried to see your name through Alice Example 2 times after you said no on {}.",
        human_date(now_ms())
    );
    let text = page(&app, &cookie, "/through-friends").await;
    assert!(text.contains(&tried), "{text}");
    assert!(text.contains("attempt-alert"), "it stands out: {text}");
    let activity = page(&app, &cookie, "/activity").await;
    assert!(activity.contains(&tried), "{activity}");
    let dans = app.sign_in(("dan@example.com", "dan-demo-2018")).await;
    assert!(!page(&app, &dans, "/activity").await.contains("tried to see"));
}
on_both_engines!(attempts_after_the_person_said_no_stand_out);

async fn asking_through_a_friend_who_took_access_back_is_an_attempt_on_the_friends_grant(app: TestApp) {
    let alice = app.sign_in(ALICE).await;
    app.revoke(
        &alice,
        &[("partner", "bing"), ("category", "friends"), ("access", "read")],
    )
    .await;
    assert_eq!(
        bing_via(&app, "bob", "profile", "alice").await.as_deref(),
        Some("friend_did_not_grant")
    );
    let text = page(&app, &alice, "/activity").await;
    let tried = format!(
        "Microsoft Bing tried to read your friends once after you withdrew access on {}.",
        human_date(now_ms())
    );
    assert!(text.contains(&tried), "{text}");
}
on_both_engines!(asking_through_a_friend_who_took_access_back_is_an_attempt_on_the_friends_grant);
