//! The Requests page: a person reads what partners ask and answers with plain forms (no
//! JavaScript): approve all or part for a term, or refuse. Every page's header counts what waits.

use crate::consent_request_helpers::{asked, asking, state};
use crate::helpers::{ALICE, BOB, TestApp, cookie_set_by};
use crate::on_both_engines;

const PAGE: &str = "/requests";

async fn page_text(app: &TestApp, cookie: &str, path: &str) -> String {
    let page = app.page(cookie, path).await;
    assert_eq!(page.status(), 200, "{path}");
    page.text().await.unwrap()
}

/// Posts a form of the Requests page without script and returns the page it comes back to,
/// with the notice the redirect carried.
async fn answer(app: &TestApp, cookie: &str, action: &str, fields: &[(&str, &str)]) -> String {
    let posted = app.post_form_without_script(cookie, PAGE, action, fields).await;
    assert!(posted.status().is_redirection(), "{}", posted.status());
    let location = posted.headers()["location"].to_str().unwrap().to_owned();
    assert!(!location.contains("__err"), "no error: {location}");
    let notice = cookie_set_by(&posted, "wcs_notice").expect("the redirect carries what was done");
    page_text(app, &format!("{cookie}; {notice}"), PAGE).await
}

async fn a_person_approves_part_of_a_request_without_javascript(app: TestApp) {
    let alice = app.sign_in(ALICE).await;
    let before = app.grant_states("alice").await;
    let id = asked(
        &app,
        "netflix",
        &asking(
            "alice",
            &[("messages", &["read", "delete"]), ("calendar", &["read"])],
            Some(90),
        ),
    )
    .await;

    let page = page_text(&app, &alice, PAGE).await;
    assert!(page.contains(&format!(r#"<section id="{id}""#)), "{page}");
    assert!(
        page.contains(
            "Netflix asks to read and delete your messages and read your calendar, to send songs from inside the app, for 90 days."
        ),
        "{page}"
    );
    assert!(
        page.contains("Netflix can already read your messages. It also asks to delete them."),
        "{page}"
    );
    for value in ["messages:read", "messages:delete", "calendar:read"] {
        assert!(page.contains(&format!(r#"value="{value}""#)), "a checkbox for {value}");
    }
    assert!(page.contains("until I take it back"), "the term choices");

    // Only "read your calendar" ticked, for 30 days.
    let after = answer(
        &app,
        &alice,
        "/api/approve-request",
        &[("request", &id), ("access[]", "calendar:read"), ("term", "30")],
    )
    .await;
    assert!(
        after.contains("Approved: Netflix can read your calendar until"),
        "{after}"
    );
    assert!(!after.contains(&format!(r#"<section id="{id}""#)), "answered: gone");
    assert!(
        after.contains("The New York Times asks"),
        "only the demo's request is left: {after}"
    );

    let mut expected = before.clone();
    expected.push(("netflix".into(), "calendar".into(), "read".into(), "active".into()));
    expected.sort();
    assert_eq!(app.grant_states("alice").await, expected, "exactly the ticked access");
    let (_, outcome) = state(&app, "netflix", &id).await;
    assert_eq!(outcome["status"], "approved");

    // Answering again is refused, with words, and changes nothing.
    let again = app
        .post_form_without_script(&alice, PAGE, "/api/refuse-request", &[("request", &id)])
        .await;
    let location = again.headers()["location"].to_str().unwrap();
    assert!(location.contains("__err"), "{location}");
    assert_eq!(cookie_set_by(&again, "wcs_notice"), None);
    assert_eq!(state(&app, "netflix", &id).await.1["status"], "approved");
}
on_both_engines!(a_person_approves_part_of_a_request_without_javascript);

async fn a_person_refuses_and_nothing_is_granted(app: TestApp) {
    let alice = app.sign_in(ALICE).await;
    let before = app.grant_states("alice").await;
    let id = asked(&app, "yahoo", &asking("alice", &[("posts", &["read"])], None)).await;
    let after = answer(&app, &alice, "/api/refuse-request", &[("request", &id)]).await;
    assert!(after.contains("Refused: Yahoo may not read your posts."), "{after}");
    assert!(!after.contains(&format!(r#"<section id="{id}""#)));
    assert_eq!(app.grant_states("alice").await, before);
    assert_eq!(state(&app, "yahoo", &id).await.1["status"], "refused");
}
on_both_engines!(a_person_refuses_and_nothing_is_granted);

async fn nobody_answers_another_persons_request(app: TestApp) {
    let bob = app.sign_in(BOB).await;
    let before = app.grant_states("alice").await;
    let id = asked(&app, "yahoo", &asking("alice", &[("posts", &["read"])], None)).await;
    assert!(!page_text(&app, &bob, PAGE).await.contains(&id), "not on Bob's page");
    let forms: [(&str, Vec<(&str, &str)>); 2] = [
        (
            "/api/approve-request",
            vec![("request", &id), ("access[]", "posts:read"), ("term", "forever")],
        ),
        ("/api/refuse-request", vec![("request", &id)]),
    ];
    for (action, fields) in forms {
        let posted = app.post_form_without_script(&bob, PAGE, action, &fields).await;
        let location = posted.headers()["location"].to_str().unwrap();
        assert!(location.contains("__err"), "{action}: {location}");
        assert_eq!(cookie_set_by(&posted, "wcs_notice"), None, "{action}");
    }
    assert_eq!(app.grant_states("alice").await, before);
    assert_eq!(state(&app, "yahoo", &id).await.1["status"], "pending");
}
on_both_engines!(nobody_answers_another_persons_request);

async fn the_header_counts_pending_requests_on_every_page(app: TestApp) {
    let bob = app.sign_in(BOB).await;
    let link = |n: &str| format!(r#"href="/requests" class="requests-count">{n}</a>"#);
    let pending_before = page_text(&app, &bob, "/").await;
    assert!(
        !pending_before.contains(r#"href="/requests""#),
        "nothing pending, no link"
    );
    assert!(
        page_text(&app, &bob, PAGE)
            .await
            .contains("No partner is asking for anything.")
    );

    let first = asked(&app, "yahoo", &asking("bob", &[("posts", &["read"])], None)).await;
    for path in ["/", "/history", "/activity", "/sessions", PAGE] {
        assert!(page_text(&app, &bob, path).await.contains(&link("1 request")), "{path}");
    }
    let second = asked(&app, "apple", &asking("bob", &[("calendar", &["read"])], Some(30))).await;
    assert!(page_text(&app, &bob, "/").await.contains(&link("2 requests")));

    answer(&app, &bob, "/api/refuse-request", &[("request", &first)]).await;
    assert!(page_text(&app, &bob, "/history").await.contains(&link("1 request")));
    let fields = [
        ("request", second.as_str()),
        ("access[]", "calendar:read"),
        ("term", "90"),
    ];
    answer(&app, &bob, "/api/approve-request", &fields).await;
    assert!(
        !page_text(&app, &bob, "/").await.contains(r#"href="/requests""#),
        "none left, no link"
    );
}
on_both_engines!(the_header_counts_pending_requests_on_every_page);
