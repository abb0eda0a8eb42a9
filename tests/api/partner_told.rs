//! The person sees what each partner was told of their change: in the notice right after it,
//! in the cell, in History, and support sees the same in the case.

use crate::helpers::{ALICE, Engine, TestApp};
use crate::notifications::{app_telling_partners, settle_earlier_notifications};
use crate::notify_receiver::Receiver;
use crate::support::{SUPPORT, post};
use std::time::Duration;

/// The page at `path` once it says every one of `wanted` (or after 10 s, as it is then).
async fn page_once_it_says(app: &TestApp, cookie: &str, path: &str, wanted: &[&str]) -> String {
    let mut html = String::new();
    for _ in 0..50 {
        html = app.page(cookie, path).await.text().await.unwrap();
        if wanted.iter().all(|w| html.contains(w)) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    html
}

async fn notice_of(app: &TestApp, cookie: &str, partner: &str) -> String {
    let response = app.revoke(cookie, &[("partner", partner)]).await;
    assert_eq!(response.status(), 200);
    let change: serde_json::Value = response.json().await.unwrap();
    change["notice"].as_str().unwrap().to_owned()
}

async fn the_person_sees_what_each_partner_was_told(app: TestApp) {
    settle_earlier_notifications(&app.database_url).await;
    let listening = Receiver::start().await;
    app.store
        .set_partner_endpoint("spotify", Some(&listening.url))
        .await
        .unwrap();
    // Nothing listens on port 9 of loopback: every try fails to connect.
    app.store
        .set_partner_endpoint("amazon", Some("http://127.0.0.1:9/events"))
        .await
        .unwrap();
    let cookie = app.sign_in(ALICE).await;

    // The dispatcher wakes as the change commits, so the notice may already tell of the
    // first try: either sentence is what the person should read at that moment.
    let spotify = notice_of(&app, &cookie, "spotify").await;
    assert!(
        spotify.ends_with("Telling Spotify…")
            || (spotify.contains(" Spotify was told at ") && spotify.ends_with(" and confirmed.")),
        "{spotify}"
    );
    let amazon = notice_of(&app, &cookie, "amazon").await;
    assert!(
        amazon.ends_with("Telling Amazon…")
            || (amazon.contains(" Telling Amazon… (try 2, next at ") && amazon.ends_with(").")),
        "{amazon}"
    );
    let netflix = notice_of(&app, &cookie, "netflix").await;
    assert!(
        netflix.ends_with("Netflix has no endpoint: it is refused from its next check."),
        "{netflix}"
    );

    let wanted = [
        "Spotify was told at ",
        " and confirmed",
        "Telling Amazon… (try 2, next at ",
        "Netflix has no endpoint: it is refused from its next check",
    ];
    let history = page_once_it_says(&app, &cookie, "/history", &wanted).await;
    for sentence in wanted {
        assert!(history.contains(sentence), "History lacks {sentence:?}");
    }
    assert!(history.contains("Partner told"), "History has a column for it");
    let dashboard = page_once_it_says(&app, &cookie, "/", &wanted).await;
    for sentence in wanted {
        assert!(dashboard.contains(sentence), "the dashboard's cells lack {sentence:?}");
    }

    let agent = app.sign_in(SUPPORT).await;
    let alice = app.user_id("alice").await;
    let (status, body) = post(
        &app,
        Some(&agent),
        "/api/support-open",
        &[("person", alice.to_string()), ("ticket", "T-1".to_owned())],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let case = app
        .page(&agent, &format!("/support/people/{alice}"))
        .await
        .text()
        .await
        .unwrap();
    for sentence in wanted {
        assert!(case.contains(sentence), "the support case lacks {sentence:?}");
    }
}

#[tokio::test]
async fn the_person_sees_what_each_partner_was_told_sqlite() {
    the_person_sees_what_each_partner_was_told(app_telling_partners(Engine::Sqlite).await).await;
}

#[tokio::test]
async fn the_person_sees_what_each_partner_was_told_postgres() {
    the_person_sees_what_each_partner_was_told(app_telling_partners(Engine::Postgres).await).await;
}
