//! `--https`: a `__Host-` Secure session cookie and Strict-Transport-Security on every
//! response; without it (plain HTTP), an unprefixed cookie without Secure and no HSTS. Read off
//! real responses of apps started with the flag on and off.

use crate::helpers::{ALICE, Engine, TestApp, serve_args, spawn_app_with};
use reqwest::Response;
use reqwest::header::{COOKIE, SET_COOKIE, STRICT_TRANSPORT_SECURITY};

const HSTS: &str = "max-age=63072000; includeSubDomains";

async fn app(engine: Engine, https: bool) -> TestApp {
    spawn_app_with(
        engine,
        who_can_see::server::config::ServeArgs {
            https,
            ..serve_args(true)
        },
    )
    .await
}

fn set_cookie(response: &Response) -> String {
    response.headers()[SET_COOKIE].to_str().unwrap().to_owned()
}

/// The cookie's attributes after `name=value`, as written.
fn attributes(set_cookie: &str) -> Vec<String> {
    set_cookie.split(';').skip(1).map(|a| a.trim().to_owned()).collect()
}

/// A response of every kind: a page, a redirect, a partner API answer, a missing file, a refusal.
async fn assorted_responses(app: &TestApp) -> Vec<(&'static str, Response)> {
    let get = |path: &str| app.client.get(app.url(path)).send();
    vec![
        ("page", get("/sign-in").await.unwrap()),
        ("redirect", app.sign_in_response(ALICE.0, ALICE.1).await),
        (
            "partner api",
            app.check(
                "demo-key-bing",
                serde_json::json!({"user": "alice", "category": "friends", "access": "read"}),
            )
            .await,
        ),
        ("missing file", get("/pkg/no-such-file.js").await.unwrap()),
        (
            "cross-site refusal",
            app.client
                .post(app.url("/sign-out"))
                .header("origin", "https://evil.example")
                .send()
                .await
                .unwrap(),
        ),
    ]
}

async fn over_https_the_session_cookie_is_host_prefixed_and_secure_and_hsts_is_on_every_response(engine: Engine) {
    let app = app(engine, true).await;
    let response = app.sign_in_response(ALICE.0, ALICE.1).await;
    let header = set_cookie(&response);
    let (name_value, _) = header.split_once(';').unwrap();
    let (name, token) = name_value.split_once('=').unwrap();
    assert_eq!(name, "__Host-wcs_session", "{header}");
    let written = attributes(&header);
    for wanted in ["Secure", "HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(written.iter().any(|a| a == wanted), "{wanted} in {header}");
    }
    assert!(
        !written.iter().any(|a| a.to_lowercase().starts_with("domain")),
        "a __Host- cookie has no Domain: {header}"
    );
    assert_at_least_128_random_bits(token);

    // Read by its own name only.
    let page = |cookie: String| app.client.get(app.url("/")).header(COOKIE, cookie).send();
    assert_eq!(page(format!("__Host-wcs_session={token}")).await.unwrap().status(), 200);
    let plain = page(format!("wcs_session={token}")).await.unwrap();
    assert_eq!(
        plain.headers()["location"],
        "/sign-in",
        "the plain name is not read over HTTPS"
    );

    // Signing out clears it with the same attributes, or browsers would keep it.
    let signed_out = app
        .client
        .post(app.url("/sign-out"))
        .header(COOKIE, format!("__Host-wcs_session={token}"))
        .send()
        .await
        .unwrap();
    let cleared = set_cookie(&signed_out);
    assert!(cleared.starts_with("__Host-wcs_session=;"), "{cleared}");
    assert!(attributes(&cleared).iter().any(|a| a == "Secure"), "{cleared}");
    assert!(attributes(&cleared).iter().any(|a| a == "Max-Age=0"), "{cleared}");

    for (kind, response) in assorted_responses(&app).await {
        let hsts = response.headers().get(STRICT_TRANSPORT_SECURITY);
        assert_eq!(hsts.and_then(|v| v.to_str().ok()), Some(HSTS), "{kind}");
    }
}

async fn over_plain_http_the_cookie_is_unprefixed_without_secure_and_there_is_no_hsts(engine: Engine) {
    let app = app(engine, false).await;
    let response = app.sign_in_response(ALICE.0, ALICE.1).await;
    let header = set_cookie(&response);
    assert!(header.starts_with("wcs_session="), "{header}");
    let written = attributes(&header);
    assert!(!written.iter().any(|a| a == "Secure"), "{header}");
    assert!(written.iter().any(|a| a == "HttpOnly") && written.iter().any(|a| a == "SameSite=Lax"));
    let token = header.split(';').next().unwrap().trim_start_matches("wcs_session=");
    assert_at_least_128_random_bits(token);

    let prefixed = app
        .client
        .get(app.url("/"))
        .header(COOKIE, format!("__Host-wcs_session={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        prefixed.headers()["location"],
        "/sign-in",
        "the prefixed name is not read over HTTP"
    );

    for (kind, response) in assorted_responses(&app).await {
        assert!(response.headers().get(STRICT_TRANSPORT_SECURITY).is_none(), "{kind}");
    }
}

/// The token's size (how random it is: `session::tests::tokens_are_unpredictable`, and
/// `sign_in::the_session_cookie_is_http_only_and_same_site` sees every sign-in get a new one).
fn assert_at_least_128_random_bits(token: &str) {
    assert!(token.chars().all(|c| c.is_ascii_hexdigit()), "hex: {token}");
    assert!(token.len() * 4 >= 128, "{} bits in {token}", token.len() * 4);
}

macro_rules! on_both_engines_with_engine {
    ($name:ident) => {
        mod $name {
            use crate::helpers::Engine;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name(Engine::Sqlite).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name(Engine::Postgres).await;
            }
        }
    };
}

on_both_engines_with_engine!(over_https_the_session_cookie_is_host_prefixed_and_secure_and_hsts_is_on_every_response);
on_both_engines_with_engine!(over_plain_http_the_cookie_is_unprefixed_without_secure_and_there_is_no_hsts);
