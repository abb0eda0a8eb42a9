//! When the database goes away, requests get a clear 503, nothing is half-written, and the
//! app recovers by itself. Uses a PostgreSQL cluster of its own, never the machine's shared one.

use crate::helpers::{ALICE, TestApp, serve_args};
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};
use who_can_see::server::app::Application;

fn postgres_bin(tool: &str) -> String {
    let version = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL is installed")
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .max()
        .unwrap();
    format!("/usr/lib/postgresql/{version}/bin/{tool}")
}

/// A throwaway cluster in a temporary folder, run as the `postgres` user.
struct OwnCluster {
    folder: PathBuf,
    port: u16,
}

fn as_postgres(args: &[&str]) {
    let status = Command::new("runuser")
        .args(["-u", "postgres", "--"])
        .args(args)
        .status()
        .unwrap();
    assert!(status.success(), "{args:?}");
}

impl OwnCluster {
    fn create() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let folder = std::env::temp_dir().join(format!("wcs-own-pg-{}-{port}", std::process::id()));
        std::fs::create_dir_all(&folder).unwrap();
        assert!(
            Command::new("chown")
                .args(["postgres:postgres"])
                .arg(&folder)
                .status()
                .unwrap()
                .success()
        );
        let data = folder.join("data");
        as_postgres(&[
            &postgres_bin("initdb"),
            "-D",
            data.to_str().unwrap(),
            "-A",
            "trust",
            "-U",
            "postgres",
        ]);
        let cluster = OwnCluster { folder, port };
        cluster.start();
        cluster
    }

    fn start(&self) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1",
            self.port,
            self.folder.display()
        );
        let data = self.folder.join("data");
        let log = self.folder.join("log");
        as_postgres(&[
            &postgres_bin("pg_ctl"),
            "-D",
            data.to_str().unwrap(),
            "-o",
            &options,
            "-l",
            log.to_str().unwrap(),
            "-w",
            "start",
        ]);
    }

    fn stop(&self) {
        let data = self.folder.join("data");
        as_postgres(&[
            &postgres_bin("pg_ctl"),
            "-D",
            data.to_str().unwrap(),
            "-m",
            "immediate",
            "-w",
            "stop",
        ]);
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for OwnCluster {
    fn drop(&mut self) {
        let data = self.folder.join("data");
        let _ = Command::new("runuser")
            .args([
                "-u",
                "postgres",
                "--",
                &postgres_bin("pg_ctl"),
                "-D",
                data.to_str().unwrap(),
                "-m",
                "immediate",
                "stop",
            ])
            .output();
        let _ = std::fs::remove_dir_all(&self.folder);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stopped_database_gets_503s_and_the_app_recovers_by_itself() {
    let cluster = OwnCluster::create();
    let app = Application::build(&cluster.url(), serve_args(true))
        .await
        .expect("the app starts on its own cluster");
    let address = format!("http://{}", app.address());
    let store = app.state().store.clone();
    tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let app = TestApp::attach(address, cluster.url(), store, client);
    let cookie = app.sign_in(ALICE).await;
    let before = app.ledger_length("alice").await;

    cluster.stop();

    let check = app
        .check(
            "demo-key-spotify",
            serde_json::json!({"user": "alice", "category": "messages", "access": "read"}),
        )
        .await;
    assert_eq!(check.status(), 503);
    let body: serde_json::Value = check.json().await.unwrap();
    assert_eq!(body["error"], "unavailable");
    let revoke = app.revoke(&cookie, &[("partner", "spotify")]).await;
    assert_eq!(revoke.status(), 503);
    assert!(
        revoke.text().await.unwrap().contains("Unavailable"),
        "the typed error the page shows as a sentence"
    );
    let page = app.dashboard(&cookie).await;
    assert_eq!(page.status(), 503);
    assert!(page.text().await.unwrap().contains("Nothing was changed"));

    cluster.start();

    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let check = app
            .check(
                "demo-key-spotify",
                serde_json::json!({"user": "alice", "category": "messages", "access": "read"}),
            )
            .await;
        if check.status() == 200 {
            let answer: serde_json::Value = check.json().await.unwrap();
            assert_eq!(answer["decision"], "allow", "the failed revocation changed nothing");
            break;
        }
        assert!(Instant::now() < deadline, "the app did not recover within 30 s");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(app.ledger_length("alice").await, before, "nothing was half-written");
    assert_eq!(app.revoke(&cookie, &[("partner", "spotify")]).await.status(), 200);
    assert_eq!(app.ledger_length("alice").await, before + 3);
}
