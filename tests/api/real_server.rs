//! The real binary, started as a deployment would start it, on a free port.

use std::io::{BufRead, BufReader};
use std::process::{Child, ChildStdout, Command, Stdio};

/// Starts the real binary on a free port and returns it with its address.
pub fn start_server(database_url: &str) -> (Child, String) {
    start_server_with(database_url, &[])
}

/// The same, with settings of its own.
pub fn start_server_with(database_url: &str, settings: &[(&str, &str)]) -> (Child, String) {
    let (child, address, _) = start_server_reading(database_url, settings);
    (child, address)
}

/// What the server writes to its standard output after the line saying where it listens.
pub type Output = std::io::Lines<BufReader<ChildStdout>>;

/// The same, keeping what the server goes on writing.
pub fn start_server_reading(database_url: &str, settings: &[(&str, &str)]) -> (Child, String, Output) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_who-can-see"))
        .arg("serve")
        .env("DATABASE_URL", database_url)
        .env("LEPTOS_SITE_ADDR", "127.0.0.1:0")
        .env("LEPTOS_SITE_ROOT", "target/site")
        .env("RUST_LOG", "error")
        .env("WCS_LOG_FORMAT", "text")
        .envs(settings.iter().copied())
        .stdout(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let mut output = BufReader::new(child.stdout.take().unwrap()).lines();
    for line in output.by_ref() {
        let line = line.unwrap();
        if let Some(address) = line.strip_prefix("Who Can See is listening on ") {
            return (child, address.trim().to_owned(), output);
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("the server exited before listening");
}

/// Signs in at the server at `address`; the session cookie.
pub async fn sign_in(client: &reqwest::Client, address: &str, email: &str, password: &str) -> String {
    let response = client
        .post(format!("{address}/sign-in"))
        .form(&[("email", email), ("password", password)])
        .send()
        .await
        .unwrap();
    let Some(cookie) = response.headers().get("set-cookie") else {
        panic!(
            "signing in as {email} failed: {} {}",
            response.status(),
            response.text().await.unwrap()
        );
    };
    cookie.to_str().unwrap().split(';').next().unwrap().to_owned()
}

/// Allowed uses of `user`'s data on record, all partners together.
pub async fn allowed_uses(store: &who_can_see::server::storage::Store, user: i64) -> i64 {
    store
        .access_use_of_user(user, 0)
        .await
        .unwrap()
        .iter()
        .map(|u| u.allowed_since)
        .sum()
}

/// Stops the server as a deploy does (SIGTERM) and waits for it to exit.
pub fn stop_cleanly(mut server: Child) {
    let stopped = Command::new("kill")
        .arg("-TERM")
        .arg(server.id().to_string())
        .status()
        .unwrap();
    assert!(stopped.success());
    assert!(server.wait().unwrap().success(), "a clean stop exits 0");
}

/// Revokes one grant at the server at `address` as the signed-in person; true once the server
/// acknowledged it (200), false if it failed or the server is gone.
pub async fn revoke_grant(client: &reqwest::Client, address: &str, cookie: &str, grant: i64) -> bool {
    let answer = client
        .post(format!("{address}/api/revoke"))
        .header("cookie", cookie)
        .header("accept", "application/json")
        .form(&[("grant", grant.to_string())])
        .send()
        .await;
    matches!(answer, Ok(response) if response.status() == 200)
}
