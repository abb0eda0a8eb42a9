//! Partners ask people for consent through the partner API: a request is pending (and grants
//! nothing) until the person answers or 14 days pass; bad requests record nothing; no nagging.

use crate::consent_request_helpers::{DAY_MS, ask, ask_at, asked, asking, choice, state};
use crate::helpers::TestApp;
use crate::on_both_engines;
use serde_json::{Value, json};
use who_can_see::domain::access::Access;
use who_can_see::domain::request_decision::{DecisionProblem, Term};
use who_can_see::domain::request_status::{PENDING_DAYS, REFUSAL_COOL_DOWN_DAYS};
use who_can_see::server::clock::now_ms;
use who_can_see::server::storage::consent::grants::Actor;
use who_can_see::server::storage::consent::request_decisions::DecideError;
use who_can_see::server::use_cases::requests;

async fn a_request_is_pending_and_grants_nothing_until_the_person_answers(app: TestApp) {
    let before = app.ledger_length("alice").await;
    let body = asking(
        "alice",
        &[("messages", &["delete", "read"]), ("friends", &["read"])],
        Some(90),
    );
    let response = ask(&app, "netflix", &body).await;
    assert_eq!(response.status(), 201);
    let id_in_location = response.headers()["location"].to_str().unwrap().to_owned();
    let created: Value = response.json().await.unwrap();
    let id = created["id"].as_str().unwrap();
    assert!(id.starts_with("cr_") && id.len() == 35, "{id}");
    assert_eq!(created["status"], "pending");
    assert_eq!(created["decide_url"], format!("/requests#{id}"));
    assert_eq!(id_in_location, format!("/api/v1/consent-requests/{id}"));

    let (status, pending) = state(&app, "netflix", id).await;
    assert_eq!(status, 200);
    assert_eq!(pending["status"], "pending");
    assert_eq!(pending["user"], "alice");
    assert_eq!(pending["duration_days"], 90);
    assert_eq!(
        pending["requested_authorization_details"],
        json!([{ "type": "messages", "actions": ["read", "delete"] }, { "type": "friends", "actions": ["read"] }])
    );
    for absent in ["authorization_details", "granted_until", "decided_at"] {
        assert!(pending.get(absent).is_none(), "{absent} only once decided");
    }

    // Asking grants nothing.
    assert_eq!(
        app.decision("netflix", "alice", "messages", "delete").await["reason"],
        "never_granted"
    );
    assert_eq!(
        app.decision("netflix", "alice", "friends", "read").await["reason"],
        "never_granted"
    );
    assert_eq!(
        app.decision("netflix", "alice", "messages", "read").await["decision"],
        "allow"
    );

    let alice = app.user_id("alice").await;
    // Besides the demo's request from The New York Times, asked first.
    assert_eq!(requests::count_pending(&app.store, alice).await.unwrap(), 2);
    let waiting = requests::pending_requests_of(&app.store, alice).await.unwrap();
    assert_eq!(waiting.len(), 2);
    assert_eq!(waiting[0].partner_name, "The New York Times");
    let waiting = &waiting[1..];
    assert_eq!(waiting[0].id, id);
    assert_eq!(
        waiting[0].asks_sentence(),
        "Netflix asks to read and delete your messages and read your friends, to send songs from inside the app, for 90 days."
    );
    assert_eq!(
        waiting[0].holding_sentences(),
        ["Netflix can already read your messages. It also asks to delete them."]
    );
    assert_eq!(
        app.ledger_length("alice").await,
        before + 3,
        "one requested event per access"
    );
    assert_eq!(
        requests::count_pending(&app.store, app.user_id("bob").await)
            .await
            .unwrap(),
        0
    );
}
on_both_engines!(a_request_is_pending_and_grants_nothing_until_the_person_answers);

async fn every_bad_request_is_refused_and_records_nothing(app: TestApp) {
    let before = app.ledger_length("alice").await;
    let long_purpose = "x".repeat(201);
    let mut with_long_purpose = asking("alice", &[("messages", &["read"])], None);
    with_long_purpose["purpose"] = json!(long_purpose);
    let mut without_purpose = asking("alice", &[("messages", &["read"])], None);
    without_purpose.as_object_mut().unwrap().remove("purpose");
    let mut text_duration = asking("alice", &[("messages", &["read"])], None);
    text_duration["duration_days"] = json!("90");
    let huge = json!({ "user": "alice", "purpose": "x".repeat(17 * 1024) });
    let cases: Vec<(Value, u16, &str, &str)> = vec![
        (json!("not an object"), 400, "malformed_json", "not an object"),
        (without_purpose, 400, "malformed_json", "no purpose"),
        (text_duration, 400, "malformed_json", "a duration in words"),
        (
            asking("alice", &[], None),
            400,
            "invalid_consent_request",
            "nothing asked",
        ),
        (
            asking("alice", &[("wallet", &["read"])], None),
            400,
            "unknown_category",
            "not in the catalog",
        ),
        (
            asking("alice", &[("Mess ages", &["read"])], None),
            400,
            "unknown_category",
            "not a category name",
        ),
        (
            asking("alice", &[("messages", &["sell"])], None),
            400,
            "unknown_access",
            "an unknown action",
        ),
        (
            asking("alice", &[("messages", &[])], None),
            400,
            "invalid_consent_request",
            "no action",
        ),
        (
            asking("alice", &[("messages", &["read", "read"])], None),
            400,
            "invalid_consent_request",
            "an action twice",
        ),
        (
            asking("alice", &[("messages", &["read"]), ("messages", &["write"])], None),
            400,
            "invalid_consent_request",
            "a category twice",
        ),
        (with_long_purpose, 400, "invalid_consent_request", "a purpose too long"),
        (
            asking("alice", &[("messages", &["read"])], Some(0)),
            400,
            "invalid_consent_request",
            "no days",
        ),
        (
            asking("alice", &[("messages", &["read"])], Some(3651)),
            400,
            "invalid_consent_request",
            "too many days",
        ),
        (
            asking("nobody", &[("messages", &["read"])], None),
            404,
            "unknown_user",
            "an unknown person",
        ),
        (huge, 413, "body_too_large", "a body over 16 KiB"),
    ];
    for (body, status, code, what) in cases {
        let response = ask(&app, "spotify", &body).await;
        assert_eq!(response.status().as_u16(), status, "{what}");
        let error: Value = response.json().await.unwrap();
        assert_eq!(error["error"], code, "{what}: {error}");
        assert!(!error["message"].as_str().unwrap().is_empty(), "{what}");
    }
    let without_key = app
        .client
        .post(app.url("/api/v1/consent-requests"))
        .json(&asking("alice", &[("messages", &["read"])], None))
        .send()
        .await
        .unwrap();
    assert_eq!(without_key.status(), 401);
    assert_eq!(app.ledger_length("alice").await, before, "nothing recorded");
    assert_eq!(
        requests::count_pending(&app.store, app.user_id("alice").await)
            .await
            .unwrap(),
        1,
        "only the demo's request"
    );
}
on_both_engines!(every_bad_request_is_refused_and_records_nothing);

async fn a_second_request_while_one_is_pending_is_409_and_names_the_first(app: TestApp) {
    let first = asked(&app, "spotify", &asking("alice", &[("friends", &["read"])], None)).await;
    let before = app.ledger_length("alice").await;
    let response = ask(&app, "spotify", &asking("alice", &[("contacts", &["read"])], Some(30))).await;
    assert_eq!(response.status(), 409);
    let error: Value = response.json().await.unwrap();
    assert_eq!(error["error"], "request_pending");
    assert_eq!(error["request"], first.as_str());
    assert!(error["message"].as_str().unwrap().contains(&first));
    assert_eq!(app.ledger_length("alice").await, before);

    // Others may ask, and so may Spotify once the person has answered.
    asked(&app, "amazon", &asking("alice", &[("friends", &["read"])], None)).await;
    asked(&app, "spotify", &asking("bob", &[("friends", &["read"])], None)).await;
    let alice = app.user_id("alice").await;
    requests::approve(&app.store, alice, &first, &[choice("friends:read")], Term::Days(30))
        .await
        .unwrap();
    asked(&app, "spotify", &asking("alice", &[("contacts", &["read"])], Some(30))).await;
}
on_both_engines!(a_second_request_while_one_is_pending_is_409_and_names_the_first);

async fn after_a_refusal_the_same_thing_cannot_be_asked_for_30_days(app: TestApp) {
    let alice = app.user_id("alice").await;
    let body = asking("alice", &[("messages", &["read", "write"])], Some(90));
    let id = asked(&app, "yahoo", &body).await;
    requests::refuse(&app.store, alice, &id).await.unwrap();
    let before = app.ledger_length("alice").await;

    for (again, what) in [
        (body.clone(), "the same thing"),
        (asking("alice", &[("messages", &["write"])], None), "a part of it"),
    ] {
        let response = ask(&app, "yahoo", &again).await;
        assert_eq!(response.status(), 429, "{what}");
        let retry_after: i64 = response.headers()["retry-after"].to_str().unwrap().parse().unwrap();
        let cool_down = REFUSAL_COOL_DOWN_DAYS * 86_400;
        assert!(
            (cool_down - 60..=cool_down).contains(&retry_after),
            "{what}: {retry_after}"
        );
        let error: Value = response.json().await.unwrap();
        assert_eq!(error["error"], "recently_refused", "{what}");
    }
    assert_eq!(
        app.ledger_length("alice").await,
        before,
        "a refused ask records nothing"
    );

    // Asking for something else is a new question, and other partners are not held back.
    asked(
        &app,
        "yahoo",
        &asking("alice", &[("messages", &["read", "delete"])], None),
    )
    .await;
    asked(&app, "bing", &body).await;

    // A refusal more than 30 days old holds nobody back.
    let long_ago = now_ms() - (REFUSAL_COOL_DOWN_DAYS + 2) * DAY_MS;
    let old = ask_at(&app, "apple", "alice", &[("messages", Access::Read)], long_ago).await;
    app.store
        .refuse_request(alice, &old, Actor::User(alice), None, long_ago + DAY_MS)
        .await
        .unwrap();
    asked(&app, "apple", &asking("alice", &[("messages", &["read"])], None)).await;
}
on_both_engines!(after_a_refusal_the_same_thing_cannot_be_asked_for_30_days);

async fn a_partner_reads_only_its_own_requests(app: TestApp) {
    let id = asked(&app, "spotify", &asking("alice", &[("friends", &["read"])], None)).await;
    for (partner, id, what) in [
        ("netflix", id.as_str(), "another partner's request"),
        ("spotify", "cr_00000000000000000000000000000000", "an unknown id"),
        ("spotify", "1", "an internal number"),
    ] {
        let (status, error) = state(&app, partner, id).await;
        assert_eq!(status, 404, "{what}");
        assert_eq!(error["error"], "unknown_consent_request", "{what}");
    }
    let without_key = app
        .client
        .get(app.url(&format!("/api/v1/consent-requests/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(without_key.status(), 401);
}
on_both_engines!(a_partner_reads_only_its_own_requests);

async fn a_request_nobody_answers_expires_after_14_days(app: TestApp) {
    let alice = app.user_id("alice").await;
    let asked_at = now_ms() - (PENDING_DAYS + 1) * DAY_MS;
    let id = ask_at(&app, "rbc", "alice", &[("friends", Access::Read)], asked_at).await;

    let (status, expired) = state(&app, "rbc", &id).await;
    assert_eq!(status, 200);
    assert_eq!(expired["status"], "expired");
    assert_eq!(
        expired["decided_at"], expired["expires_at"],
        "it ended when its time ran out"
    );
    assert!(expired.get("authorization_details").is_none());
    // Only the demo's request from The New York Times is still waiting.
    assert_eq!(requests::count_pending(&app.store, alice).await.unwrap(), 1);
    assert!(
        !requests::pending_requests_of(&app.store, alice)
            .await
            .unwrap()
            .iter()
            .any(|request| request.id == id)
    );
    let late = requests::approve(&app.store, alice, &id, &[choice("friends:read")], Term::Days(30)).await;
    assert!(
        matches!(late, Err(DecideError::Problem(DecisionProblem::AlreadyDecided(status))) if status.as_str() == "expired"),
        "{late:?}"
    );
    assert_eq!(
        app.decision("rbc", "alice", "friends", "read").await["reason"],
        "never_granted"
    );

    // The partner may ask again: the expired request no longer counts as pending.
    let again = asked(&app, "rbc", &asking("alice", &[("friends", &["read"])], None)).await;
    assert_eq!(state(&app, "rbc", &again).await.1["status"], "pending");
    assert_eq!(state(&app, "rbc", &id).await.1["status"], "expired");
}
on_both_engines!(a_request_nobody_answers_expires_after_14_days);
