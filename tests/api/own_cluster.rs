//! A PostgreSQL cluster of a test's own, in a temporary folder, on a free port, run as the
//! `postgres` user: a test stops and starts it at will, never the machine's shared server.

use crate::helpers::TestApp;
use std::path::PathBuf;
use std::process::Command;
use who_can_see::server::app::Application;
use who_can_see::server::config::ServeArgs;

fn postgres_bin(tool: &str) -> String {
    let version = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL is installed")
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .max()
        .unwrap();
    format!("/usr/lib/postgresql/{version}/bin/{tool}")
}

/// A throwaway cluster in a temporary folder, run as the `postgres` user.
pub struct OwnCluster {
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
    pub fn create() -> Self {
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

    pub fn start(&self) {
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

    pub fn stop(&self) {
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

    /// The app, serving on this cluster until the test ends.
    pub async fn serve(&self, args: ServeArgs) -> TestApp {
        serve_on(&self.url(), args).await
    }

    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }
}

/// An app instance serving the database at `url` until the test ends; the database is not the
/// instance's: whoever made it removes it.
pub async fn serve_on(url: &str, args: ServeArgs) -> TestApp {
    let app = Application::build(url, args).await.expect("the app starts");
    let address = format!("http://{}", app.address());
    let store = app.state().store.clone();
    tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    TestApp::attach(address, url.to_owned(), store, client)
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
