//! What an operator relies on: `/healthz`, `/readyz`, Prometheus metrics on `--metrics-addr`,
//! and JSON logs with `--log-format json`.

use crate::helpers::{ALICE, Engine, TempSqliteFolder, serve_args, spawn_app, spawn_app_with};
use crate::real_server::start_server_reading;
use std::time::{Duration, Instant};
use who_can_see::server::config::ServeArgs;

#[tokio::test]
async fn healthz_answers_and_readyz_says_what_is_ready() {
    let app = spawn_app(Engine::Sqlite).await;
    let alive = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(alive.status(), 200);
    assert_eq!(alive.headers()["cache-control"], "no-store");
    assert_eq!(alive.text().await.unwrap(), "alive\n");
    // Ready once the cache warmer has loaded the grants, which it does in the background.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let ready = app.client.get(app.url("/readyz")).send().await.unwrap();
        let status = ready.status();
        let body: serde_json::Value = ready.json().await.unwrap();
        assert_eq!(body["database"], "answers");
        assert_eq!(body["migrations"], "applied");
        if status == 200 {
            assert_eq!(body["ready"], true);
            assert_eq!(body["caches"], "loaded");
            assert_eq!(body["stopping"], false);
            break;
        }
        assert_eq!(status, 503);
        assert_eq!(body["caches"], "loading", "{body}");
        assert!(Instant::now() < deadline, "not ready within 20 s: {body}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The value of the sample named exactly `series` (name and labels) in a scrape, or 0.
fn sample(scrape: &str, series: &str) -> f64 {
    scrape
        .lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' ')?.trim().parse().ok())
        .unwrap_or(0.0)
}

async fn scrape(client: &reqwest::Client, address: &str) -> String {
    let response = client.get(format!("http://{address}/metrics")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    response.text().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_count_checks_and_revocations_and_show_the_backlogs() {
    let metrics = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let app = spawn_app_with(
        Engine::Sqlite,
        ServeArgs {
            metrics_addr: Some(metrics),
            ..serve_args(true)
        },
    )
    .await;
    let address = metrics.to_string();
    let allowed = r#"wcs_partner_checks_total{partner="netflix",decision="allow"}"#;
    let denied = r#"wcs_partner_checks_total{partner="spotify",decision="deny"}"#;
    let committed = r#"wcs_revocations_total{outcome="committed"}"#;
    let before = scrape(&app.client, &address).await;

    for _ in 0..3 {
        assert_eq!(
            app.decision("netflix", "alice", "messages", "read").await["decision"],
            "allow"
        );
    }
    let cookie = app.sign_in(ALICE).await;
    assert_eq!(app.revoke(&cookie, &[("partner", "spotify")]).await.status(), 200);
    assert_eq!(
        app.decision("spotify", "alice", "messages", "read").await["decision"],
        "deny"
    );

    let after = scrape(&app.client, &address).await;
    // Other tests in this process count into the same registry: at least ours are there.
    assert!(sample(&after, allowed) >= sample(&before, allowed) + 3.0, "{after}");
    assert!(sample(&after, denied) >= sample(&before, denied) + 1.0, "{after}");
    assert!(sample(&after, committed) >= sample(&before, committed) + 1.0, "{after}");
    for series in [
        "wcs_revocation_commit_duration_seconds_count",
        r#"wcs_partner_check_duration_seconds_count{endpoint="check"}"#,
    ] {
        assert!(sample(&after, series) >= 1.0, "{series} in {after}");
    }
    assert!(after.contains("# TYPE wcs_partner_check_duration_seconds histogram"));
    assert!(after.contains(r#"wcs_partner_check_duration_seconds_bucket{endpoint="check",le="0.001"}"#));
    // Alice's revocation of Spotify queued events; Spotify has no endpoint, so they wait.
    assert!(sample(&after, "wcs_notifications_pending") >= 1.0, "{after}");
    assert!(after.contains("wcs_recording_backlog "));
    assert!(
        sample(&after, r#"wcs_db_pool_connections{state="idle"}"#) >= 1.0,
        "{after}"
    );
    assert!(after.contains(r#"wcs_db_pool_connections{state="in_use"}"#));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_logs_are_one_json_object_a_line() {
    let folder = TempSqliteFolder::new();
    let (mut server, _, output) = start_server_reading(
        &folder.url(),
        &[("WCS_LOG_FORMAT", "json"), ("RUST_LOG", "who_can_see=info")],
    );
    // The cache warmer says when checks answer from memory; that line, as JSON.
    let reading = std::thread::spawn(move || {
        for line in output {
            let line = line.unwrap();
            let entry: serde_json::Value = serde_json::from_str(&line).unwrap_or_else(|_| panic!("not JSON: {line}"));
            let message = entry["fields"]["message"].as_str().unwrap_or_default().to_owned();
            if message.starts_with("Partner checks answer from memory") {
                return entry;
            }
        }
        panic!("the server stopped without saying its caches are loaded");
    });
    let deadline = Instant::now() + Duration::from_secs(20);
    while !reading.is_finished() {
        assert!(Instant::now() < deadline, "no such log line within 20 s");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let entry = reading.join().unwrap();
    assert_eq!(entry["level"], "INFO");
    assert!(entry["timestamp"].is_string());
    server.kill().unwrap();
    server.wait().unwrap();
}

/// Bad operator settings stop the server before it starts, saying which flag is wrong.
#[test]
fn bad_operator_flags_are_refused_by_name() {
    for (flag, value) in [
        ("--shutdown-grace-seconds", "99999"),
        ("--log-format", "xml"),
        ("--metrics-addr", "not-an-address"),
    ] {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_who-can-see"))
            .args(["serve", flag, value])
            .env("DATABASE_URL", "sqlite:///nonexistent-folder-never-made/never.db")
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{flag} {value}");
        let said = String::from_utf8_lossy(&output.stderr);
        assert!(said.contains(flag) && said.contains(value), "{said}");
        assert!(
            !std::path::Path::new("/nonexistent-folder-never-made").exists(),
            "nothing was made"
        );
    }
}
