//! Nobody can forge a log line: the real binary, logging at info, gets sign-ins whose email
//! and User-Agent carry line breaks, escape codes and text that looks like another event.

use crate::helpers::TempSqliteFolder;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const FORGED_EVENT: &str = "2026-01-01T00:00:00Z  INFO who_can_see: sign-in succeeded user=admin";

/// The server process and every line it wrote, on stdout or stderr.
struct LoggingServer {
    child: Child,
    address: String,
    lines: Arc<Mutex<Vec<String>>>,
}

impl LoggingServer {
    fn start(database_url: &str) -> LoggingServer {
        let mut child = Command::new(env!("CARGO_BIN_EXE_who-can-see"))
            .arg("serve")
            .env("DATABASE_URL", database_url)
            .env("LEPTOS_SITE_ADDR", "127.0.0.1:0")
            .env("LEPTOS_SITE_ROOT", "target/site")
            .env("RUST_LOG", "info")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary starts");
        let lines: Arc<Mutex<Vec<String>>> = Arc::default();
        collect_lines(child.stdout.take().unwrap(), lines.clone());
        collect_lines(child.stderr.take().unwrap(), lines.clone());
        let mut server = LoggingServer {
            child,
            address: String::new(),
            lines,
        };
        let listening = server.wait_for_line(|line| line.starts_with("Who Can See is listening on "));
        server.address = listening
            .trim_start_matches("Who Can See is listening on ")
            .trim()
            .to_owned();
        server
    }

    fn wait_for_line(&mut self, wanted: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Some(line) = self.lines.lock().unwrap().iter().find(|l| wanted(l)) {
                return line.clone();
            }
            assert!(
                self.child.try_wait().unwrap().is_none(),
                "the server exited: {:?}",
                self.lines
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("no such line in {:#?}", self.lines.lock().unwrap());
    }
}

impl Drop for LoggingServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Splits on `\n` only, keeping any `\r` and escape codes, exactly as a log reader would see them.
fn collect_lines(output: impl Read + Send + 'static, lines: Arc<Mutex<Vec<String>>>) {
    std::thread::spawn(move || {
        for line in BufReader::new(output).split(b'\n') {
            let Ok(line) = line else { return };
            lines.lock().unwrap().push(String::from_utf8_lossy(&line).into_owned());
        }
    });
}

/// A raw request, for a User-Agent with bytes an HTTP client library refuses to send.
fn raw_sign_in(address: &str, user_agent: &[u8]) {
    let host = address.trim_start_matches("http://");
    let body = "email=alice%40example.com&password=alice-demo-2018";
    let mut stream = std::net::TcpStream::connect(host).unwrap();
    let mut request = format!(
        "POST /sign-in HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: {}\r\nConnection: close\r\nUser-Agent: ",
        body.len()
    )
    .into_bytes();
    request.extend_from_slice(user_agent);
    request.extend_from_slice(b"\r\n\r\n");
    request.extend_from_slice(body.as_bytes());
    stream.write_all(&request).unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn user_input_cannot_forge_a_log_line() {
    let folder = TempSqliteFolder::new();
    let mut server = LoggingServer::start(&folder.url());
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let sign_in = |email: String, password: &'static str, user_agent: &'static str| {
        client
            .post(format!("{}/sign-in", server.address))
            .header("user-agent", user_agent)
            .form(&[("email", email.as_str()), ("password", password)])
            .send()
    };

    let forged_emails = [
        format!("x@example.com\n{FORGED_EVENT}"),
        format!("y@example.com\r\n{FORGED_EVENT}"),
        format!("z@example.com\u{1b}[2K\r{FORGED_EVENT}"),
    ];
    for email in &forged_emails {
        let response = sign_in(email.clone(), "whatever-password", "forger/1.0").await.unwrap();
        assert_eq!(response.headers()["location"], "/sign-in?error=invalid");
    }
    // A real sign-in whose User-Agent holds a forged event, then one with raw control bytes.
    let user_agent_forgery = "Mozilla/5.0 2026-01-01T00:00:00Z  INFO who_can_see: sign-in succeeded user=admin";
    let response = sign_in("alice@example.com".into(), "alice-demo-2018", user_agent_forgery)
        .await
        .unwrap();
    assert_eq!(response.headers()["location"], "/");
    raw_sign_in(&server.address, format!("evil\u{1b}[31m\r{FORGED_EVENT}").as_bytes());
    raw_sign_in(&server.address, format!("evil\n{FORGED_EVENT}").as_bytes());

    // Each forged email is on its own real event's line, escaped.
    for (email, escaped) in forged_emails.iter().zip([
        format!("x@example.com\\n{FORGED_EVENT}"),
        format!("y@example.com\\r\\n{FORGED_EVENT}"),
        format!("z@example.com\\u{{1b}}[2K\\r{FORGED_EVENT}"),
    ]) {
        let line = server.wait_for_line(|line| line.contains("sign-in failed") && line.contains(&escaped));
        assert!(line.contains("outcome=\"malformed_email\""), "{line}");
        assert!(!line.contains(email.as_str()), "{line}");
    }
    // The real event, not a failure whose escaped email quotes "sign-in succeeded".
    let line = server.wait_for_line(|line| line.contains("outcome=\"succeeded\""));
    assert!(line.contains(&format!("user_agent=\"{user_agent_forgery}\"")), "{line}");

    // Give the raw requests' events (if any) time to be written, then read everything.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let lines = server.lines.lock().unwrap().clone();
    for line in &lines {
        assert!(!line.starts_with("2026-01-01"), "a forged line: {line:?}");
        assert!(
            !line.contains('\r') && !line.contains('\u{1b}'),
            "raw control characters: {line:?}"
        );
    }
    drop(server);
}
