//! Revoking from the dashboard: committed, enforced at once, precise and idempotent.

use crate::helpers::{ALICE, BOB, TestApp, cookie_set_by};
use crate::on_both_engines;

/// Form fields of one revocation request.
type Fields<'a> = &'a [(&'a str, &'a str)];

async fn revoking_a_cell_is_denied_by_the_very_next_check(app: TestApp) {
    let cookie = app.sign_in(ALICE).await;
    assert_eq!(
        app.decision("spotify", "alice", "messages", "read").await["decision"],
        "allow"
    );

    let response = app
        .revoke(&cookie, &[("partner", "spotify"), ("category", "messages")])
        .await;
    assert_eq!(response.status(), 200);
    let outcome: serde_json::Value = response.json().await.unwrap();
    assert_eq!(
        outcome["notice"],
        "Revoked: Spotify can no longer read, write or delete your messages. \
         Spotify has no endpoint: it is refused from its next check."
    );

    for access in ["read", "write", "delete"] {
        let answer = app.decision("spotify", "alice", "messages", access).await;
        assert_eq!(answer["decision"], "deny", "{access} should be denied");
        assert_eq!(answer["reason"], "withdrawn");
        assert!(answer["since"].as_str().is_some_and(|s| s.ends_with('Z')));
    }
    assert_eq!(
        app.decision("netflix", "alice", "messages", "read").await["decision"],
        "allow"
    );
}
on_both_engines!(revoking_a_cell_is_denied_by_the_very_next_check);

async fn revoking_one_grant_never_touches_another(app: TestApp) {
    let cookie = app.sign_in(ALICE).await;
    let before = app.grant_states("alice").await;
    let grant = app.grant_id("alice", "spotify", "messages", "read").await.to_string();

    assert_eq!(app.revoke(&cookie, &[("grant", &grant)]).await.status(), 200);

    let after = app.grant_states("alice").await;
    let changed: Vec<_> = before
        .iter()
        .zip(&after)
        .filter(|(b, a)| b != a)
        .map(|(_, a)| a.clone())
        .collect();
    assert_eq!(
        changed,
        vec![("spotify".into(), "messages".into(), "read".into(), "withdrawn".into())]
    );
    assert_eq!(
        app.grant_states("bob")
            .await
            .iter()
            .filter(|g| g.3 == "withdrawn")
            .count(),
        0,
        "another user's grants are untouched"
    );
}
on_both_engines!(revoking_one_grant_never_touches_another);

async fn revoking_twice_writes_one_event(app: TestApp) {
    let cookie = app.sign_in(ALICE).await;
    let before = app.ledger_length("alice").await;
    let fields = [("category", "messages"), ("access", "read")];

    let first: serde_json::Value = app.revoke(&cookie, &fields).await.json().await.unwrap();
    let notice = first["notice"].as_str().unwrap();
    assert!(
        notice.starts_with("Revoked: nobody can read your messages any more. "),
        "{notice}"
    );
    assert_eq!(
        app.ledger_length("alice").await,
        before + 3,
        "Spotify, Netflix and RBC each lose read"
    );

    let second = app.revoke(&cookie, &fields).await;
    assert_eq!(second.status(), 200);
    let second: serde_json::Value = second.json().await.unwrap();
    assert!(second["notice"].as_str().unwrap().starts_with("Nothing changed"));
    assert_eq!(app.ledger_length("alice").await, before + 3);
}
on_both_engines!(revoking_twice_writes_one_event);

async fn nobody_can_read_my_messages_leaves_every_other_access_alone(app: TestApp) {
    let cookie = app.sign_in(ALICE).await;
    let before = app.grant_states("alice").await;
    app.revoke(&cookie, &[("category", "messages"), ("access", "read")])
        .await;
    for (b, a) in before.iter().zip(app.grant_states("alice").await) {
        let should_change = b.1 == "messages" && b.2 == "read";
        assert_eq!(a.3 == "withdrawn", should_change, "{a:?}");
    }
}
on_both_engines!(nobody_can_read_my_messages_leaves_every_other_access_alone);

async fn another_users_grant_cannot_be_revoked(app: TestApp) {
    let bob = app.sign_in(BOB).await;
    let alices_grant = app.grant_id("alice", "spotify", "messages", "read").await.to_string();
    let before = app.ledger_length("alice").await;

    let response = app.revoke(&bob, &[("grant", &alices_grant)]).await;

    assert_eq!(response.status(), 404);
    let body: serde_json::Value = response.json().await.unwrap();
    assert!(body.to_string().contains("No such grant"), "{body}");
    assert_eq!(app.ledger_length("alice").await, before);
    assert_eq!(
        app.decision("spotify", "alice", "messages", "read").await["decision"],
        "allow"
    );
}
on_both_engines!(another_users_grant_cannot_be_revoked);

async fn malformed_revocations_get_a_clear_error_and_change_nothing(app: TestApp) {
    let cookie = app.sign_in(ALICE).await;
    let before = app.ledger_length("alice").await;
    let cases: &[(Fields, u16, &str)] = &[
        (&[], 400, "Say what to revoke"),
        (&[("access", "launch")], 400, "not an access"),
        (&[("partner", "Spotify!")], 400, "partner must be"),
        (&[("partner", "myspace")], 400, "no partner called"),
        (&[("category", "dreams")], 400, "no data category called"),
        (&[("grant", "abc")], 400, "positive whole number"),
        (&[("grant", "999999")], 404, "No such grant"),
    ];
    for (fields, status, message) in cases {
        let response = app.revoke(&cookie, fields).await;
        assert_eq!(response.status(), *status, "{fields:?}");
        let body = response.text().await.unwrap();
        assert!(body.contains(message), "{fields:?} answered {body}");
    }
    assert_eq!(app.ledger_length("alice").await, before);
}
on_both_engines!(malformed_revocations_get_a_clear_error_and_change_nothing);

async fn revoking_needs_a_session(app: TestApp) {
    let before = app.ledger_length("alice").await;
    let response = app.revoke("wcs_session=forged", &[("category", "messages")]).await;
    assert_eq!(response.status(), 401);
    assert_eq!(app.ledger_length("alice").await, before);
}
on_both_engines!(revoking_needs_a_session);

async fn an_oversized_form_is_refused_and_changes_nothing(app: TestApp) {
    let cookie = app.sign_in(ALICE).await;
    let before = app.ledger_length("alice").await;
    let huge = "a".repeat(20 * 1024);
    let response = app
        .revoke(&cookie, &[("category", "messages"), ("padding", &huge)])
        .await;
    assert_eq!(response.status(), 413);
    assert!(response.text().await.unwrap().contains("nothing was changed"));
    assert_eq!(app.ledger_length("alice").await, before);
}
on_both_engines!(an_oversized_form_is_refused_and_changes_nothing);

async fn a_form_posted_without_javascript_returns_to_the_dashboard(app: TestApp) {
    let cookie = app.sign_in(ALICE).await;
    let response = app
        .post_form_without_script(
            &cookie,
            "/",
            "/api/revoke",
            &[("partner", "spotify"), ("category", "messages")],
        )
        .await;
    assert!(response.status().is_redirection());
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        location.starts_with(&app.url("/")) && !location.contains("__err"),
        "{location}"
    );
    assert_eq!(
        app.decision("spotify", "alice", "messages", "write").await["decision"],
        "deny"
    );
    let notice = cookie_set_by(&response, "wcs_notice").expect("the redirect carries what was done");

    let returned = app.dashboard(&format!("{cookie}; {notice}")).await;
    assert!(
        cookie_set_by(&returned, "wcs_notice").is_none()
            && returned
                .headers()
                .get_all("set-cookie")
                .iter()
                .any(|v| v.to_str().unwrap().starts_with("wcs_notice=;")),
        "the page clears the notice it shows"
    );
    let page = returned.text().await.unwrap();
    assert!(
        page.contains("Spotify can no longer reach your messages"),
        "the page shows the new state"
    );
    assert!(
        page.contains("Revoked: Spotify can no longer read, write or delete your messages."),
        "and says what was just done"
    );

    let reloaded = app.dashboard(&cookie).await.text().await.unwrap();
    assert!(!reloaded.contains("Revoked: Spotify"), "once");
    let forged = app.dashboard(&format!("{cookie}; wcs_notice=zz")).await;
    assert_eq!(forged.status(), 200, "a cookie that is not ours is ignored");
}
on_both_engines!(a_form_posted_without_javascript_returns_to_the_dashboard);
