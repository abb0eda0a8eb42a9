//! The admin sets a partner's event endpoint, sends it a test event and turns it off, on the
//! partner page, which shows each partner's backlog and last failure. Bad endpoints are refused
//! with a clear message and change nothing; only admins can do any of it.

use crate::helpers::{ALICE, Engine, TestApp};
use crate::notifications::{app_telling_partners, settle_earlier_notifications};
use crate::notify_receiver::Receiver;
use crate::support::{ADMIN, SUPPORT, post};
use who_can_see::domain::admin::AdminAction;
use who_can_see::domain::security_event::VERIFICATION_EVENT;

async fn endpoint_of(app: &TestApp, slug: &str) -> Option<String> {
    app.store
        .partner_endpoints()
        .await
        .unwrap()
        .remove(slug)
        .unwrap()
        .endpoint
}

async fn admin_page(app: &TestApp, cookie: &str) -> String {
    let html = app.page(cookie, "/admin/partners").await.text().await.unwrap();
    html.replace("&#x27;", "'").replace("&quot;", "\"")
}

async fn the_admin_sets_tests_and_turns_off_an_endpoint(engine: Engine) {
    let app = app_telling_partners(engine).await;
    settle_earlier_notifications(&app.database_url).await;
    let admin = app.sign_in(ADMIN).await;
    let receiver = Receiver::start().await;
    let set = |endpoint: String| {
        let (app, admin) = (&app, admin.clone());
        async move {
            post(
                app,
                Some(&admin),
                "/api/admin-set-endpoint",
                &[("partner", "spotify".into()), ("endpoint", endpoint)],
            )
            .await
        }
    };

    // Bad endpoints: refused, with the reason, and nothing changes or is recorded.
    let before = app.store.recent_admin_actions(1000).await.unwrap().len();
    for (endpoint, says) in [
        ("not a url", "not a URL"),
        ("http://10.0.0.7/events", "https"),
        ("https://10.0.0.7/events", "private"),
    ] {
        let (status, body) = set(endpoint.to_owned()).await;
        assert_eq!(status, 400, "{endpoint}: {body}");
        assert!(body.to_lowercase().contains(&says.to_lowercase()), "{endpoint}: {body}");
    }
    assert_eq!(endpoint_of(&app, "spotify").await, None);
    assert_eq!(app.store.recent_admin_actions(1000).await.unwrap().len(), before);

    let (status, body) = set(receiver.url.clone()).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        endpoint_of(&app, "spotify").await.as_deref(),
        Some(receiver.url.as_str())
    );
    let page = admin_page(&app, &admin).await;
    assert!(
        page.contains(&format!("Sending to {}", receiver.url)),
        "the page shows the endpoint"
    );

    // A test event: signed, SSF's verification event, and the admin is told it was confirmed.
    let (status, body) = post(
        &app,
        Some(&admin),
        "/api/admin-test-endpoint",
        &[("partner", "spotify".into())],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let got = receiver.wait_for(1).await;
    assert!(got[0].body.split('.').count() == 3, "a compact JWS");
    let payload = got[0].body.split('.').nth(1).unwrap();
    let claims: serde_json::Value = serde_json::from_slice(
        &base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, payload).unwrap(),
    )
    .unwrap();
    assert!(claims["events"][VERIFICATION_EVENT].is_object(), "{claims}");
    let actions = app.store.recent_admin_actions(1000).await.unwrap();
    assert_eq!(actions[0].action, AdminAction::EndpointTested);
    assert_eq!(
        actions[0].detail.as_deref(),
        Some("Spotify confirmed the test event (202).")
    );

    // Turned off: a revocation waits in the backlog, which the page shows.
    let (status, body) = post(
        &app,
        Some(&admin),
        "/api/admin-turn-off-endpoint",
        &[("partner", "spotify".into())],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let alice = app.sign_in(ALICE).await;
    app.revoke(&alice, &[("partner", "spotify")]).await;
    tokio::time::sleep(std::time::Duration::from_millis(1200)).await;
    assert_eq!(receiver.received().len(), 1, "nothing is sent while it is off");
    let page = admin_page(&app, &admin).await;
    assert!(page.contains("Turned off on"), "the page says it is off");
    assert!(page.contains("3 events waiting"), "Spotify's three accesses wait");
    let (status, body) = post(
        &app,
        Some(&admin),
        "/api/admin-turn-off-endpoint",
        &[("partner", "spotify".into())],
    )
    .await;
    assert_eq!(status, 400, "turning off twice: {body}");

    // Saved again, the backlog goes out.
    set(receiver.url.clone()).await;
    assert_eq!(receiver.wait_for(4).await.len(), 4, "the three waiting events are sent");

    // Only admins.
    let agent = app.sign_in(SUPPORT).await;
    let (status, _) = post(
        &app,
        Some(&agent),
        "/api/admin-turn-off-endpoint",
        &[("partner", "spotify".into())],
    )
    .await;
    assert_eq!(status, 403);
    let (status, _) = post(
        &app,
        Some(&alice),
        "/api/admin-set-endpoint",
        &[("partner", "spotify".into()), ("endpoint", receiver.url.clone())],
    )
    .await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn the_admin_sets_tests_and_turns_off_an_endpoint_sqlite() {
    the_admin_sets_tests_and_turns_off_an_endpoint(Engine::Sqlite).await;
}

#[tokio::test]
async fn the_admin_sets_tests_and_turns_off_an_endpoint_postgres() {
    the_admin_sets_tests_and_turns_off_an_endpoint(Engine::Postgres).await;
}
