//! Defences against the usual web attacks, read off real responses.

use crate::helpers::{ALICE, TestApp, cookie_set_by};
use crate::on_both_engines;

fn header(response: &reqwest::Response, name: &str) -> String {
    response
        .headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

async fn pages_carry_a_nonce_based_policy_and_the_other_security_headers(app: TestApp) {
    let first = app.client.get(app.url("/sign-in")).send().await.unwrap();
    let policy = header(&first, "content-security-policy");
    assert!(
        policy.contains("frame-ancestors 'none'") && policy.contains("object-src 'none'"),
        "{policy}"
    );
    let nonce = policy
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("a nonce")
        .to_owned();
    assert!(nonce.len() >= 16);
    assert_eq!(header(&first, "x-content-type-options"), "nosniff");
    assert_eq!(header(&first, "referrer-policy"), "same-origin");
    let html = first.text().await.unwrap();
    assert!(
        html.contains(&format!("nonce=\"{nonce}\"")),
        "the page's own scripts carry the nonce"
    );

    let second = app.client.get(app.url("/sign-in")).send().await.unwrap();
    assert!(
        !header(&second, "content-security-policy").contains(&nonce),
        "a fresh nonce per response"
    );

    let api = app
        .check(
            "demo-key-bing",
            serde_json::json!({"user": "alice", "category": "friends", "access": "read"}),
        )
        .await;
    assert!(header(&api, "content-security-policy").starts_with("default-src 'none'"));
    assert_eq!(header(&api, "x-content-type-options"), "nosniff");
}
on_both_engines!(pages_carry_a_nonce_based_policy_and_the_other_security_headers);

async fn forged_cross_site_requests_are_refused_and_change_nothing(app: TestApp) {
    let cookie = app.sign_in(ALICE).await;
    let before = app.ledger_length("alice").await;
    let forged = |origin: Option<&'static str>, fetch_site: Option<&'static str>, path: &'static str| {
        let mut request = app.client.post(app.url(path)).header("cookie", &cookie).form(&[
            ("partner", "spotify"),
            ("email", "alice@example.com"),
            ("password", "alice-demo-2018"),
        ]);
        if let Some(origin) = origin {
            request = request.header("origin", origin);
        }
        if let Some(site) = fetch_site {
            request = request.header("sec-fetch-site", site);
        }
        request.send()
    };
    for (origin, site, path) in [
        (Some("https://evil.example"), None, "/api/revoke"),
        (None, Some("cross-site"), "/api/revoke"),
        (Some("https://evil.example"), Some("cross-site"), "/api/allow-again"),
        (Some("null"), None, "/api/revoke"),
        (Some("https://evil.example"), None, "/sign-in"),
        (Some("https://evil.example"), None, "/sign-out"),
    ] {
        let response = forged(origin, site, path).await.unwrap();
        assert_eq!(response.status(), 403, "{origin:?} {site:?} {path}");
        assert!(response.text().await.unwrap().contains("nothing was changed"));
    }
    assert_eq!(app.ledger_length("alice").await, before);
    assert_eq!(
        app.dashboard(&cookie).await.status(),
        200,
        "the forged sign-out did not end the session"
    );

    // Our own pages still work: same origin, as a browser sends it.
    let own_origin: &'static str = Box::leak(app.address.clone().into_boxed_str());
    let response = forged(Some(own_origin), Some("same-origin"), "/api/revoke")
        .await
        .unwrap();
    assert_ne!(response.status(), 403);
    assert_eq!(app.ledger_length("alice").await, before + 3);

    // The partner API authenticates with a key, so a browser's Origin does not matter there.
    let api = app
        .client
        .post(app.url("/api/v1/check"))
        .bearer_auth("demo-key-netflix")
        .header("origin", "https://evil.example")
        .json(&serde_json::json!({"user": "alice", "category": "messages", "access": "read"}))
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), 200);
}
on_both_engines!(forged_cross_site_requests_are_refused_and_change_nothing);

async fn signing_in_again_ends_the_session_the_browser_had(app: TestApp) {
    let planted = app.sign_in(ALICE).await;
    let response = app
        .client
        .post(app.url("/sign-in"))
        .header("cookie", &planted)
        .form(&[("email", ALICE.0), ("password", ALICE.1)])
        .send()
        .await
        .unwrap();
    let fresh = crate::helpers::session_cookie(&response).expect("a new session");
    assert_ne!(fresh, planted);
    assert_eq!(app.dashboard(&planted).await.headers()["location"], "/sign-in");
    assert_eq!(app.dashboard(&fresh).await.status(), 200);
}
on_both_engines!(signing_in_again_ends_the_session_the_browser_had);

/// What a phishing link could put in the URL: Leptos's error parameter, URL-safe base64 of
/// `{"BadInput":"Your account is suspended. Call +1 555 0100 now."}`.
const SPOOFED_ERROR: &str = "eyJCYWRJbnB1dCI6IllvdXIgYWNjb3VudCBpcyBzdXNwZW5kZWQuIENhbGwgKzEgNTU1IDAxMDAgbm93LiJ9";

async fn a_page_shows_only_form_errors_the_app_itself_reported(app: TestApp) {
    let session = app.sign_in(ALICE).await;

    // A form posted without JavaScript that fails comes back with its error in the URL.
    let failed = app
        .post_form_without_script(&session, "/", "/api/revoke", &[("partner", "myspace")])
        .await;
    assert!(failed.status().is_redirection(), "{}", failed.status());
    let location = header(&failed, "location");
    assert!(location.contains("__err="), "{location}");
    let vouching = cookie_set_by(&failed, "wcs_form_problem").expect("the redirect vouches for its error");
    let both = format!("{session}; {vouching}");
    let path = location.trim_start_matches(&app.url(""));

    let shown = app.page(&both, path).await.text().await.unwrap();
    assert!(
        shown.contains(r#"<p role="alert" class="problem">There is no partner called"#),
        "the person who posted sees why it failed: {shown}"
    );

    let without_cookie = app.page(&session, path).await.text().await.unwrap();
    assert!(
        !without_cookie.contains("There is no partner called"),
        "the same link opened by someone else shows no error"
    );

    let spoofed = app.page(&both, &format!("/?__err={SPOOFED_ERROR}")).await;
    assert_eq!(spoofed.status(), 200);
    let spoofed = spoofed.text().await.unwrap();
    assert!(
        spoofed.contains("Who can see your data"),
        "the dashboard itself still shows"
    );
    assert!(
        !spoofed.contains("suspended"),
        "a crafted link cannot make the page say anything"
    );
}
on_both_engines!(a_page_shows_only_form_errors_the_app_itself_reported);
