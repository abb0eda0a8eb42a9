//! The support console: staff find a person, open their data (recorded and shown to the
//! person), and revoke for them with a reason. They never grant.

use crate::helpers::{ALICE, TestApp};
use crate::on_both_engines;
use reqwest::header::{ACCEPT, COOKIE};
use who_can_see::server::tools::demo::add_user;

pub const SUPPORT: (&str, &str) = ("support@example.com", "support-demo-2018");
pub const ADMIN: (&str, &str) = ("admin@example.com", "admin-demo-2018");

/// Posts a form to a server function as script does, and returns (status, body).
pub async fn post(app: &TestApp, cookie: Option<&str>, path: &str, fields: &[(&str, String)]) -> (u16, String) {
    let mut request = app
        .client
        .post(app.url(path))
        .header(ACCEPT, "application/json")
        .form(fields);
    if let Some(cookie) = cookie {
        request = request.header(COOKIE, cookie);
    }
    let response = request.send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

async fn open_alice(app: &TestApp, agent: &str, ticket: &str) -> i64 {
    let alice = app.user_id("alice").await;
    let (status, body) = post(
        app,
        Some(agent),
        "/api/support-open",
        &[("person", alice.to_string()), ("ticket", ticket.to_owned())],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    alice
}

async fn staff_find_people_by_email_name_or_number_page_by_page(app: TestApp) {
    let agent = app.sign_in(SUPPORT).await;
    let (status, body) = post(&app, Some(&agent), "/api/support-search", &[("q", "ali".into())]).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("alice@example.com") && !body.contains("bob@example.com"));
    let alice = app.user_id("alice").await;
    let (_, by_number) = post(&app, Some(&agent), "/api/support-search", &[("q", alice.to_string())]).await;
    assert!(by_number.contains("alice@example.com"));
    let (_, by_name) = post(&app, Some(&agent), "/api/support-search", &[("q", "Bob Ex".into())]).await;
    assert!(by_name.contains("bob@example.com"));
    let (_, staff) = post(&app, Some(&agent), "/api/support-search", &[("q", "support".into())]).await;
    let staff: serde_json::Value = serde_json::from_str(&staff).unwrap();
    assert_eq!(
        staff["content"]["people"],
        serde_json::json!([]),
        "staff accounts are not cases"
    );

    for n in 0..25 {
        add_user(
            &app.store,
            &format!("pager{n:02}@example.test"),
            "pager-password-1",
            &format!("Pager {n:02}"),
        )
        .await
        .unwrap();
    }
    let (_, first) = post(&app, Some(&agent), "/api/support-search", &[("q", "pager".into())]).await;
    let first: serde_json::Value = serde_json::from_str(&first).unwrap();
    assert_eq!(first["content"]["people"].as_array().unwrap().len(), 20);
    assert_eq!(first["content"]["more"], true);
    let (_, second) = post(
        &app,
        Some(&agent),
        "/api/support-search",
        &[("q", "pager".into()), ("page", "2".into())],
    )
    .await;
    let second: serde_json::Value = serde_json::from_str(&second).unwrap();
    assert_eq!(second["content"]["people"].as_array().unwrap().len(), 5);
    assert_eq!(second["content"]["more"], false);

    let (status, body) = post(&app, Some(&agent), "/api/support-search", &[("q", "x".repeat(101))]).await;
    assert_eq!(status, 400, "{body}");
}
on_both_engines!(staff_find_people_by_email_name_or_number_page_by_page);

async fn opening_a_persons_data_is_recorded_and_the_person_sees_it(app: TestApp) {
    let agent = app.sign_in(SUPPORT).await;
    let alice = app.user_id("alice").await;
    // Before opening, the case shows who it is and nothing else.
    let (_, closed) = post(
        &app,
        Some(&agent),
        "/api/support-case",
        &[("person", alice.to_string())],
    )
    .await;
    let closed: serde_json::Value = serde_json::from_str(&closed).unwrap();
    assert_eq!(closed["content"]["opened"], false);
    assert!(closed["content"]["dashboard"].is_null() && closed["content"]["history"].as_array().unwrap().is_empty());

    open_alice(&app, &agent, "T-42").await;
    let (_, open) = post(
        &app,
        Some(&agent),
        "/api/support-case",
        &[("person", alice.to_string())],
    )
    .await;
    let open: serde_json::Value = serde_json::from_str(&open).unwrap();
    assert_eq!(open["content"]["opened"], true);
    assert!(open["content"]["dashboard"]["rows"].as_array().unwrap().len() >= 9);

    let cookie = app.sign_in(ALICE).await;
    let history = app.page(&cookie, "/history").await.text().await.unwrap();
    assert!(
        history.contains("Support agent Sam Support looked at your permissions on")
            && history.contains("(ticket T-42)"),
        "{history}"
    );

    let (status, _) = post(
        &app,
        Some(&agent),
        "/api/support-open",
        &[("person", alice.to_string()), ("ticket", "T-1\nforged".into())],
    )
    .await;
    assert_eq!(status, 400, "a ticket is one short line");
}
on_both_engines!(opening_a_persons_data_is_recorded_and_the_person_sees_it);

async fn support_revokes_with_a_reason_and_the_ledger_says_who_and_why(app: TestApp) {
    let agent = app.sign_in(SUPPORT).await;
    let grant = app.grant_id("alice", "spotify", "messages", "read").await;
    let target = format!("grant:{grant}");
    let alice = app.user_id("alice").await;
    let before = app.ledger_length("alice").await;

    // Not opened yet: refused, nothing written.
    let fields = |reason: &str| {
        vec![
            ("person", alice.to_string()),
            ("target", target.clone()),
            ("reason", reason.to_owned()),
            ("ticket", "T-7".to_owned()),
        ]
    };
    let (status, _) = post(&app, Some(&agent), "/api/support-revoke", &fields("Caller asked")).await;
    assert_eq!(status, 400);
    open_alice(&app, &agent, "T-7").await;
    // No reason: refused, nothing written.
    let (status, body) = post(&app, Some(&agent), "/api/support-revoke", &fields("   ")).await;
    assert_eq!(status, 400);
    assert!(body.contains("Give a reason"), "{body}");
    assert_eq!(app.ledger_length("alice").await, before);

    let (status, body) = post(
        &app,
        Some(&agent),
        "/api/support-revoke",
        &fields("Caller asked to stop Spotify"),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(app.ledger_length("alice").await, before + 1);
    let decision = app.decision("spotify", "alice", "messages", "read").await;
    assert_eq!(decision["reason"], "revoked", "DPV Revoked, not Withdrawn");

    let cookie = app.sign_in(ALICE).await;
    let history = app.page(&cookie, "/history").await.text().await.unwrap();
    assert!(
        history.contains("Support agent Sam Support revoked Spotify"),
        "{history}"
    );
    assert!(history.contains("Caller asked to stop Spotify (ticket T-7)"));

    // Support never grants: "Allow again" on the person's grant is not theirs to use.
    let (status, _) = post(&app, Some(&agent), "/api/allow-again", &[("grant", grant.to_string())]).await;
    assert_eq!(status, 404);
    assert_eq!(
        app.decision("spotify", "alice", "messages", "read").await["decision"],
        "deny"
    );
}
on_both_engines!(support_revokes_with_a_reason_and_the_ledger_says_who_and_why);
