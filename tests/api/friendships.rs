//! The platform keeps friendships current through an API of its own, with the platform key
//! (never a partner's): set a person's friends, add a friendship, end one. Each goes both ways,
//! and bad input is refused with the partner API's errors and changes nothing.

use crate::helpers::TestApp;
use crate::on_both_engines;
use serde_json::{Value, json};

pub const PLATFORM_KEY: &str = "demo-key-platform";

pub async fn platform(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    key: Option<&str>,
    body: Option<Value>,
) -> (u16, Value) {
    let mut request = app.client.request(method, app.url(path));
    if let Some(key) = key {
        request = request.bearer_auth(key);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// A person's friends' handles, as the platform API lists them.
pub async fn friends(app: &TestApp, person: &str) -> Vec<String> {
    let path = format!("/api/v1/platform/friends/{person}");
    let (status, body) = platform(app, reqwest::Method::GET, &path, Some(PLATFORM_KEY), None).await;
    assert_eq!(status, 200, "{body}");
    body["friends"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["handle"].as_str().unwrap().to_owned())
        .collect()
}

/// The platform sets a person's whole friends list; returns the status.
pub async fn set_friends(app: &TestApp, person: &str, friends: &[&str]) -> u16 {
    let body = json!({ "person": person, "friends": friends });
    platform(
        app,
        reqwest::Method::PUT,
        "/api/v1/platform/friends",
        Some(PLATFORM_KEY),
        Some(body),
    )
    .await
    .0
}

pub async fn end(app: &TestApp, person: &str, friend: &str) -> u16 {
    let path = format!("/api/v1/platform/friendships/{person}/{friend}");
    platform(app, reqwest::Method::DELETE, &path, Some(PLATFORM_KEY), None)
        .await
        .0
}

async fn the_platform_sets_adds_and_ends_friendships_both_ways(app: TestApp) {
    // The demo's friendships.
    assert_eq!(friends(&app, "alice").await, ["bob", "carol", "dan"]);
    assert_eq!(friends(&app, "dan").await, ["alice"]);

    let set = |friends: &[&str]| json!({ "person": "dan", "friends": friends });
    let (status, body) = platform(
        &app,
        reqwest::Method::PUT,
        "/api/v1/platform/friends",
        Some(PLATFORM_KEY),
        Some(set(&["bob", "alice", "bob"])),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["person"], "dan");
    let names: Vec<&str> = body["friends"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Alice Example", "Bob Example"]);
    assert_eq!(friends(&app, "bob").await, ["alice", "carol", "dan"], "both ways");
    let alice_since = body["friends"][0]["since"].clone();

    let (status, _) = platform(
        &app,
        reqwest::Method::PUT,
        "/api/v1/platform/friends",
        Some(PLATFORM_KEY),
        Some(set(&["alice"])),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(friends(&app, "dan").await, ["alice"]);
    assert_eq!(friends(&app, "bob").await, ["alice", "carol"], "ended both ways");
    let (_, again) = platform(
        &app,
        reqwest::Method::GET,
        "/api/v1/platform/friends/dan",
        Some(PLATFORM_KEY),
        None,
    )
    .await;
    assert_eq!(
        again["friends"][0]["since"], alice_since,
        "a kept friendship keeps its date"
    );

    let pair = json!({ "person": "bob", "friend": "dan" });
    let add = || {
        platform(
            &app,
            reqwest::Method::POST,
            "/api/v1/platform/friendships",
            Some(PLATFORM_KEY),
            Some(pair.clone()),
        )
    };
    assert_eq!(add().await.0, 201);
    assert_eq!(add().await.0, 200, "already friends: nothing changes");
    assert_eq!(friends(&app, "dan").await, ["alice", "bob"]);
    assert_eq!(end(&app, "dan", "bob").await, 204);
    assert_eq!(friends(&app, "bob").await, ["alice", "carol"]);
    let (status, body) = platform(
        &app,
        reqwest::Method::DELETE,
        "/api/v1/platform/friendships/dan/bob",
        Some(PLATFORM_KEY),
        None,
    )
    .await;
    assert_eq!((status, body["error"].as_str()), (404, Some("unknown_friendship")));
}
on_both_engines!(the_platform_sets_adds_and_ends_friendships_both_ways);

async fn only_the_platform_key_changes_friends_and_bad_input_changes_nothing(app: TestApp) {
    let path = "/api/v1/platform/friendships";
    let pair = json!({ "person": "bob", "friend": "dan" });
    for (key, code) in [
        (None, "missing_api_key"),
        (Some("demo-key-spotify"), "invalid_api_key"),
        (Some("nope"), "invalid_api_key"),
    ] {
        let (status, body) = platform(&app, reqwest::Method::POST, path, key, Some(pair.clone())).await;
        assert_eq!((status, body["error"].as_str()), (401, Some(code)), "{key:?}");
        let (status, _) = platform(&app, reqwest::Method::GET, "/api/v1/platform/friends/alice", key, None).await;
        assert_eq!(status, 401);
    }
    // The platform key is no partner key either.
    assert_eq!(app.status_with_key(PLATFORM_KEY).await, 401);

    let put = "/api/v1/platform/friends";
    let too_many: Vec<String> = (0..5001).map(|i| format!("someone-{i}")).collect();
    let bad: Vec<(&str, reqwest::Method, Value, u16, &str)> = vec![
        (
            path,
            reqwest::Method::POST,
            json!({ "person": "bob", "friend": "bob" }),
            400,
            "invalid_friendship",
        ),
        (
            path,
            reqwest::Method::POST,
            json!({ "person": "bob", "friend": "nobody" }),
            404,
            "unknown_user",
        ),
        (
            path,
            reqwest::Method::POST,
            json!({ "person": "bob" }),
            400,
            "malformed_json",
        ),
        (
            put,
            reqwest::Method::PUT,
            json!({ "person": "bob", "friends": ["carol", "bob"] }),
            400,
            "invalid_friendship",
        ),
        (
            put,
            reqwest::Method::PUT,
            json!({ "person": "bob", "friends": ["carol", " "] }),
            400,
            "invalid_friendship",
        ),
        (
            put,
            reqwest::Method::PUT,
            json!({ "person": "bob", "friends": ["carol", "nobody"] }),
            404,
            "unknown_user",
        ),
        (
            put,
            reqwest::Method::PUT,
            json!({ "person": "nobody", "friends": [] }),
            404,
            "unknown_user",
        ),
        (
            put,
            reqwest::Method::PUT,
            json!({ "person": "bob", "friends": too_many }),
            400,
            "invalid_friendship",
        ),
    ];
    for (path, method, body, status, code) in bad {
        let (got, answer) = platform(&app, method, path, Some(PLATFORM_KEY), Some(body.clone())).await;
        assert_eq!((got, answer["error"].as_str()), (status, Some(code)), "{body}");
        assert!(answer["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
    let huge: Vec<String> = (0..20_000).map(|i| format!("someone-with-a-long-handle-{i}")).collect();
    let (status, body) = platform(
        &app,
        reqwest::Method::PUT,
        put,
        Some(PLATFORM_KEY),
        Some(json!({ "person": "bob", "friends": huge })),
    )
    .await;
    assert_eq!((status, body["error"].as_str()), (413, Some("body_too_large")));
    assert_eq!(end(&app, "bob", "bob").await, 400);
    assert_eq!(friends(&app, "bob").await, ["alice", "carol"], "nothing changed");
    assert_eq!(friends(&app, "carol").await, ["alice", "bob"]);
}
on_both_engines!(only_the_platform_key_changes_friends_and_bad_input_changes_nothing);

#[tokio::test]
async fn the_friendships_api_is_in_the_openapi_document() {
    let document = serde_json::to_value(who_can_see::server::partner_api::document()).unwrap();
    for path in [
        "/api/v1/platform/friends",
        "/api/v1/platform/friends/{person}",
        "/api/v1/platform/friendships",
        "/api/v1/platform/friendships/{person}/{friend}",
    ] {
        assert!(document["paths"][path].is_object(), "{path}");
    }
    assert_eq!(
        document["paths"]["/api/v1/platform/friendships"]["post"]["security"][0]["platform_key"],
        json!([])
    );
    assert!(document["components"]["securitySchemes"]["platform_key"].is_object());
    let check = &document["components"]["schemas"]["CheckRequest"]["properties"];
    assert!(check["via"].is_object(), "the check takes via");
}
