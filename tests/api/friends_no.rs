//! A person sees who can see them through their friends, and says no: to one partner, or to
//! every partner, with "Allow again" to undo. Each is a consent event in their ledger (refused,
//! withdrawn, given), in History and the export, and the very next check obeys it.

use crate::helpers::{BOB, TestApp};
use crate::on_both_engines;
use serde_json::{Value, json};
use who_can_see::server::storage::consent::friend_refusals::SeenBy;
use who_can_see::server::storage::consent::grants::Actor;
use who_can_see::server::use_cases::through_friends;

async fn via(app: &TestApp, partner: &str, user: &str, category: &str, friend: &str) -> Option<String> {
    let response = app
        .check(
            &format!("demo-key-{partner}"),
            json!({ "user": user, "category": category, "access": "read", "via": friend }),
        )
        .await;
    let answer: Value = response.json().await.unwrap();
    answer["reason"].as_str().map(str::to_owned)
}

/// (status, partner slug) of Bob's events about being seen through friends, oldest first.
async fn friends_events(app: &TestApp) -> Vec<(String, String)> {
    let pool = sqlx::AnyPool::connect(&app.database_url).await.unwrap();
    let events = sqlx::query_as(
        "SELECT e.status, p.slug FROM consent_events e JOIN partners p ON p.id = e.partner_id \
         WHERE e.user_id = (SELECT id FROM users WHERE handle = 'bob') AND e.through_friends ORDER BY e.id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    pool.close().await;
    events
}

async fn a_person_says_no_to_one_partner_or_all_and_can_undo_it(app: TestApp) {
    let cookie = app.sign_in(BOB).await;
    let page = app.page(&cookie, "/through-friends").await.text().await.unwrap();
    assert!(
        page.contains("Microsoft Bing can see your name through Alice Example"),
        "{page}"
    );
    assert!(
        page.contains("Amazon can see your name and your contact details through Alice Example"),
        "{page}"
    );
    assert!(page.contains("friends since"));
    assert_eq!(via(&app, "bing", "bob", "profile", "alice").await, None);

    // One partner: the very next check denies, and only that partner's.
    let answer = app
        .post_form_without_script(
            &cookie,
            "/through-friends",
            "/api/refuse-through-friends",
            &[("partner", "bing")],
        )
        .await;
    assert!(answer.status().is_redirection(), "{}", answer.status());
    assert_eq!(
        via(&app, "bing", "bob", "profile", "alice").await.as_deref(),
        Some("refused_by_person")
    );
    assert_eq!(via(&app, "amazon", "bob", "contacts", "alice").await, None);
    let page = app.page(&cookie, "/through-friends").await.text().await.unwrap();
    assert!(page.contains("You said no: Microsoft Bing cannot see you through your friends."));
    assert!(page.contains("Allow Microsoft Bing again"));

    // Every partner.
    app.post_form_without_script(
        &cookie,
        "/through-friends",
        "/api/refuse-through-friends",
        &[("partner", "")],
    )
    .await;
    assert_eq!(
        via(&app, "amazon", "bob", "contacts", "alice").await.as_deref(),
        Some("refused_by_person")
    );
    assert_eq!(
        via(&app, "yahoo", "bob", "posts", "alice").await.as_deref(),
        Some("refused_by_person")
    );

    // Undo "every partner": Bing stays refused, the others see Bob again.
    app.post_form_without_script(
        &cookie,
        "/through-friends",
        "/api/allow-through-friends",
        &[("partner", "")],
    )
    .await;
    assert_eq!(via(&app, "amazon", "bob", "contacts", "alice").await, None);
    assert_eq!(
        via(&app, "bing", "bob", "profile", "alice").await.as_deref(),
        Some("refused_by_person")
    );
    app.post_form_without_script(
        &cookie,
        "/through-friends",
        "/api/allow-through-friends",
        &[("partner", "bing")],
    )
    .await;
    assert_eq!(via(&app, "bing", "bob", "profile", "alice").await, None);
    // No again, after allowing again: withdrawn.
    app.post_form_without_script(
        &cookie,
        "/through-friends",
        "/api/refuse-through-friends",
        &[("partner", "bing")],
    )
    .await;

    let events = friends_events(&app).await;
    let of = |slug: &str| -> Vec<String> { events.iter().filter(|e| e.1 == slug).map(|e| e.0.clone()).collect() };
    assert_eq!(of("bing"), ["refused", "granted", "withdrawn"]);
    assert_eq!(of("amazon"), ["refused", "granted"]);
    let history = app.page(&cookie, "/history").await.text().await.unwrap();
    assert!(history.contains("You said no to Microsoft Bing seeing you through your friends."));
    assert!(history.contains("You let Amazon see you through your friends again."));
    let export = app.page(&cookie, "/history/export.json").await.text().await.unwrap();
    let exported: Vec<Value> = serde_json::from_str(&export).unwrap();
    let friends: Vec<&Value> = exported.iter().filter(|e| e["through_friends"] == true).collect();
    assert_eq!(friends.len(), events.len());
    assert!(
        friends
            .iter()
            .any(|e| e["status"] == "Withdrawn" && e["partner"] == "bing")
    );
    assert_eq!(
        app.store.verify_ledger().await.unwrap().broken,
        None,
        "in the hash chain"
    );
    assert_eq!(
        app.store.replay_ledger().await.unwrap(),
        app.store.current_grant_statuses().await.unwrap()
    );
}
on_both_engines!(a_person_says_no_to_one_partner_or_all_and_can_undo_it);

async fn nobody_seen_through_friends_says_so_and_bad_input_changes_nothing(app: TestApp) {
    // Dan's only friend is Alice; Carol's are Alice and Bob. Take Dan's friendship away.
    let cookie = app.sign_in(("dan@example.com", "dan-demo-2018")).await;
    let before = app.page(&cookie, "/through-friends").await.text().await.unwrap();
    assert!(before.contains("through Alice Example"));
    assert_eq!(crate::friendships::end(&app, "dan", "alice").await, 204);
    let page = app.page(&cookie, "/through-friends").await.text().await.unwrap();
    assert!(page.contains("No partner can see you through your friends."), "{page}");
    assert!(!page.contains("Nobody sees me through my friends"));

    let bob = app.sign_in(BOB).await;
    let ledger = app.ledger_length("bob").await;
    for bad in ["No Such Partner!", "nobody-here"] {
        let response = app
            .client
            .post(app.url("/api/refuse-through-friends"))
            .header(reqwest::header::COOKIE, &bob)
            .header(reqwest::header::ACCEPT, "application/json")
            .form(&[("partner", bad)])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400, "{bad}");
    }
    assert_eq!(app.ledger_length("bob").await, ledger, "nothing recorded");
    assert_eq!(via(&app, "bing", "bob", "profile", "alice").await, None);
    // Saying no twice writes one event.
    let bob_id = app.user_id("bob").await;
    let catalog = app.store.catalog().await.unwrap();
    let bing = SeenBy::Partner(catalog.partner_id("bing").unwrap());
    assert_eq!(
        app.store
            .refuse_through_friends(bob_id, bing, Actor::User(bob_id), None, 1)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        app.store
            .refuse_through_friends(bob_id, bing, Actor::User(bob_id), None, 2)
            .await
            .unwrap(),
        0
    );
    assert_eq!(app.ledger_length("bob").await, ledger + 1);
    assert!(
        through_friends::view(&app.store, bob_id)
            .await
            .unwrap()
            .partners
            .iter()
            .any(|p| p.refused)
    );
}
on_both_engines!(nobody_seen_through_friends_says_so_and_bad_input_changes_nothing);

async fn support_says_no_for_a_person_with_a_reason_and_cannot_undo_it(app: TestApp) {
    use crate::support::{SUPPORT, post};
    let bob = app.user_id("bob").await;
    let agent = app.sign_in(SUPPORT).await;
    let no = |reason: &str| {
        vec![
            ("person", bob.to_string()),
            ("partner", "bing".to_owned()),
            ("reason", reason.to_owned()),
        ]
    };
    let path = "/api/support-refuse-through-friends";
    let (status, body) = post(&app, Some(&agent), path, &no("Bob called")).await;
    assert_eq!(status, 400, "not before the case is opened: {body}");
    post(
        &app,
        Some(&agent),
        "/api/support-open",
        &[("person", bob.to_string()), ("ticket", "T-25".to_owned())],
    )
    .await;
    let case = app
        .page(&agent, &format!("/support/people/{bob}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(case.contains("Through their friends"));
    assert!(
        case.contains("Don&#x27;t let Microsoft Bing see Bob Example through friends")
            || case.contains("Don't let Microsoft Bing see Bob Example through friends")
    );
    let (status, _) = post(&app, Some(&agent), path, &no("  ")).await;
    assert_eq!(status, 400, "a reason is required");
    assert_eq!(via(&app, "bing", "bob", "profile", "alice").await, None);

    let (status, body) = post(&app, Some(&agent), path, &no("Bob called: no Bing through friends")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        via(&app, "bing", "bob", "profile", "alice").await.as_deref(),
        Some("refused_by_person")
    );
    // "Allow again" acts only on the signed-in person's own account: the agent cannot undo Bob's.
    post(
        &app,
        Some(&agent),
        "/api/allow-through-friends",
        &[("partner", "bing".to_owned())],
    )
    .await;
    assert_eq!(
        via(&app, "bing", "bob", "profile", "alice").await.as_deref(),
        Some("refused_by_person")
    );

    let cookie = app.sign_in(BOB).await;
    let history = app.page(&cookie, "/history").await.text().await.unwrap();
    assert!(
        history
            .contains("Support agent Sam Support said no to Microsoft Bing seeing you through your friends, for you."),
        "{history}"
    );
    assert!(history.contains("Bob called: no Bing through friends"));
}
on_both_engines!(support_says_no_for_a_person_with_a_reason_and_cannot_undo_it);
