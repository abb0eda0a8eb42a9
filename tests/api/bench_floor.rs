//! The benchmark's no-op floor endpoint exists only when asked for.

use crate::helpers::TempSqliteFolder;
use crate::helpers::{Engine, serve_args, spawn_app};
use who_can_see::server::app::Application;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_floor_endpoint_is_absent_by_default() {
    let app = spawn_app(Engine::Sqlite).await;
    let response = app
        .client
        .post(app.url("/api/v1/noop"))
        .bearer_auth("demo-key-spotify")
        .json(&serde_json::json!({ "user": "alice", "category": "messages", "access": "read" }))
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        404,
        "the no-op must not exist unless --bench-floor is on"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_floor_endpoint_answers_when_the_flag_is_on() {
    let folder = TempSqliteFolder::new();
    let url = folder.url();
    let mut args = serve_args(false);
    args.bench_floor = true;
    let app = Application::build(&url, args).await.expect("the app builds");
    let address = format!("http://{}", app.address());
    tokio::spawn(app.run_until_stopped());
    let response = reqwest::Client::new()
        .post(format!("{address}/api/v1/noop"))
        .json(&serde_json::json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    // It goes through the same middleware as the check: the security headers are there.
    assert!(response.headers().contains_key("x-content-type-options"));
}
