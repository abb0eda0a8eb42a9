//! The partner API: decisions, and clear 4xx answers to bad requests.

use crate::helpers::TestApp;
use crate::on_both_engines;
use serde_json::json;

async fn a_partner_gets_allow_for_a_grant_and_never_granted_otherwise(app: TestApp) {
    assert_eq!(
        app.decision("bing", "alice", "friends", "read").await["decision"],
        "allow"
    );
    let answer = app.decision("bing", "alice", "messages", "read").await;
    assert_eq!(answer["decision"], "deny");
    assert_eq!(answer["reason"], "never_granted");
}
on_both_engines!(a_partner_gets_allow_for_a_grant_and_never_granted_otherwise);

async fn bad_partner_requests_get_a_json_error(app: TestApp) {
    let good = json!({ "user": "alice", "category": "messages", "access": "read" });
    let send = |key: Option<&'static str>, body: reqwest::Body| {
        let mut request = app
            .client
            .post(app.url("/api/v1/check"))
            .header("content-type", "application/json")
            .body(body);
        if let Some(key) = key {
            request = request.bearer_auth(key);
        }
        request.send()
    };
    let spotify = Some("demo-key-spotify");
    let cases: Vec<(Option<&'static str>, String, u16, &str)> = vec![
        (None, good.to_string(), 401, "missing_api_key"),
        (Some("not-a-key"), good.to_string(), 401, "invalid_api_key"),
        (
            spotify,
            json!({"user": "alice", "category": "messages", "access": "read", "partner": "netflix"}).to_string(),
            403,
            "other_partner",
        ),
        (spotify, "{not json".into(), 400, "malformed_json"),
        (
            spotify,
            json!({"user": "alice", "category": "messages"}).to_string(),
            400,
            "malformed_json",
        ),
        (
            spotify,
            json!({"user": "alice", "category": "dreams", "access": "read"}).to_string(),
            400,
            "unknown_category",
        ),
        (
            spotify,
            json!({"user": "alice", "category": "messages", "access": "launch"}).to_string(),
            400,
            "unknown_access",
        ),
        (
            spotify,
            json!({"user": "nobody", "category": "messages", "access": "read"}).to_string(),
            404,
            "unknown_user",
        ),
        (
            spotify,
            format!("{{\"user\":\"{}\"}}", "a".repeat(20 * 1024)),
            413,
            "body_too_large",
        ),
    ];
    for (key, body, status, code) in cases {
        let response = send(key, body.clone().into()).await.unwrap();
        assert_eq!(response.status(), status, "{code}");
        let error: serde_json::Value = response.json().await.expect("errors are JSON");
        assert_eq!(error["error"], code);
        assert!(error["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
}
on_both_engines!(bad_partner_requests_get_a_json_error);

async fn a_partner_may_name_itself(app: TestApp) {
    let response = app
        .check(
            "demo-key-netflix",
            json!({"user": "alice", "category": "messages", "access": "read", "partner": "netflix"}),
        )
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.json::<serde_json::Value>().await.unwrap()["decision"], "allow");
}
on_both_engines!(a_partner_may_name_itself);
