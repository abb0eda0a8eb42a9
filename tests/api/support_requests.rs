//! Support sees a person's pending consent requests and may refuse one for them, with a reason
//! the person reads; support has no way to approve one. The demo's Alice has one waiting.

use crate::helpers::{ALICE, TestApp};
use crate::on_both_engines;
use crate::support::{SUPPORT, post};
use who_can_see::server::tools::demo;
use who_can_see::server::use_cases::requests;

/// The id of Alice's one pending request: the demo's, from The New York Times.
async fn alices_request(app: &TestApp) -> String {
    let alice = app.user_id("alice").await;
    let pending = requests::pending_requests_of(&app.store, alice).await.unwrap();
    assert_eq!(pending.len(), 1, "{pending:?}");
    assert_eq!(pending[0].partner_name, "The New York Times");
    pending[0].id.clone()
}

async fn the_demo_asks_alice_once(app: TestApp) {
    let id = alices_request(&app).await;
    let cookie = app.sign_in(ALICE).await;
    let page = app.page(&cookie, "/requests").await.text().await.unwrap();
    assert!(page.contains("The New York Times asks to read your"), "{page}");
    assert!(
        page.contains("to show you the articles your friends shared, for 90 days."),
        "{page}"
    );
    assert!(
        page.contains("The New York Times can already read your friends."),
        "{page}"
    );

    // Seeding again (every start does) asks nothing more, even once she has answered.
    demo::seed(&app.store).await.unwrap();
    assert_eq!(alices_request(&app).await, id);
    let alice = app.user_id("alice").await;
    requests::refuse(&app.store, alice, &id).await.unwrap();
    demo::seed(&app.store).await.unwrap();
    assert!(
        requests::pending_requests_of(&app.store, alice)
            .await
            .unwrap()
            .is_empty()
    );
}
on_both_engines!(the_demo_asks_alice_once);

async fn support_refuses_a_request_for_a_person_with_a_reason_and_never_approves(app: TestApp) {
    let id = alices_request(&app).await;
    let alice = app.user_id("alice").await;
    let agent = app.sign_in(SUPPORT).await;
    let case = format!("/support/people/{alice}");

    // Before opening the case, nothing of it shows, and refusing is not allowed.
    let closed = app.page(&agent, &case).await.text().await.unwrap();
    assert!(!closed.contains("The New York Times asks"));
    let refuse = |reason: &str| {
        vec![
            ("person", alice.to_string()),
            ("request", id.clone()),
            ("reason", reason.to_owned()),
        ]
    };
    let (status, body) = post(&app, Some(&agent), "/api/support-refuse-request", &refuse("Spam")).await;
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("Open this person"), "{body}");

    let (status, _) = post(
        &app,
        Some(&agent),
        "/api/support-open",
        &[("person", alice.to_string()), ("ticket", "T-7".to_owned())],
    )
    .await;
    assert_eq!(status, 200);
    let opened = app.page(&agent, &case).await.text().await.unwrap();
    assert!(opened.contains("Requests waiting for an answer"));
    assert!(opened.contains("The New York Times asks"), "{opened}");
    assert!(opened.contains("Refuse for Alice Example"));
    assert!(!opened.contains("Approve"), "support has no approve button");

    // Support cannot approve: the person's approve action answers as if there were no request.
    let (status, _) = post(
        &app,
        Some(&agent),
        "/api/approve-request",
        &[
            ("request", id.clone()),
            ("access[]", "posts:read".to_owned()),
            ("term", "30".to_owned()),
        ],
    )
    .await;
    assert_eq!(status, 404);
    // A reason is required, and an unknown request is not found; neither changes anything.
    let (status, body) = post(&app, Some(&agent), "/api/support-refuse-request", &refuse("  ")).await;
    assert_eq!(status, 400, "{body}");
    let (status, _) = post(
        &app,
        Some(&agent),
        "/api/support-refuse-request",
        &[
            ("person", alice.to_string()),
            ("request", "cr_nope".to_owned()),
            ("reason", "Spam".to_owned()),
        ],
    )
    .await;
    assert_eq!(status, 404);
    assert_eq!(alices_request(&app).await, id);

    let (status, body) = post(
        &app,
        Some(&agent),
        "/api/support-refuse-request",
        &refuse("Alice called: she does not want this"),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(
        body.contains("Refused The New York Times's request for Alice Example"),
        "{body}"
    );
    assert!(
        requests::pending_requests_of(&app.store, alice)
            .await
            .unwrap()
            .is_empty()
    );

    // Alice sees who refused and why.
    let cookie = app.sign_in(ALICE).await;
    let history = app.page(&cookie, "/history").await.text().await.unwrap();
    assert!(history.contains("Alice called: she does not want this"), "{history}");
    assert!(history.contains("Sam Support"), "{history}");
}
on_both_engines!(support_refuses_a_request_for_a_person_with_a_reason_and_never_approves);
