//! A real receiving partner for the notification tests: an HTTP server on a free port that
//! keeps every request it gets and answers each with the next answer queued (202 when none is).

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One request the receiver got.
#[derive(Debug, Clone)]
pub struct Received {
    pub path: String,
    pub content_type: String,
    pub body: String,
}

/// One answer to give: status, headers, body.
pub type Answer = (u16, Vec<(&'static str, &'static str)>, &'static str);

#[derive(Clone, Default)]
struct Shared {
    got: Arc<Mutex<Vec<Received>>>,
    answers: Arc<Mutex<VecDeque<Answer>>>,
}

pub struct Receiver {
    /// Where events are to be pushed.
    pub url: String,
    shared: Shared,
}

async fn receive(State(shared): State<Shared>, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    shared.got.lock().unwrap().push(Received {
        path: uri.path().to_owned(),
        content_type: headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned(),
        body: String::from_utf8_lossy(&body).into_owned(),
    });
    let (status, headers, body) = shared.answers.lock().unwrap().pop_front().unwrap_or((202, vec![], ""));
    let mut response = (StatusCode::from_u16(status).unwrap(), body).into_response();
    for (name, value) in headers {
        response.headers_mut().insert(name, value.parse().unwrap());
    }
    response
}

impl Receiver {
    pub async fn start() -> Receiver {
        let shared = Shared::default();
        let router = Router::new().fallback(receive).with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/events", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
        Receiver { url, shared }
    }

    /// Queues the answers to the next requests, in order.
    pub fn answer_with(&self, answers: impl IntoIterator<Item = Answer>) {
        self.shared.answers.lock().unwrap().extend(answers);
    }

    pub fn received(&self) -> Vec<Received> {
        self.shared.got.lock().unwrap().clone()
    }

    /// What it got, once it has `count` requests (or after 10 s).
    pub async fn wait_for(&self, count: usize) -> Vec<Received> {
        for _ in 0..100 {
            if self.received().len() >= count {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        self.received()
    }
}

/// The `jti` and ledger event id of every token received.
pub fn told_events(received: &[Received]) -> Vec<(String, i64)> {
    received
        .iter()
        .map(|r| {
            let payload = r.body.split('.').nth(1).unwrap();
            let bytes = base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, payload).unwrap();
            let claims: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
            let event = claims["events"].as_object().unwrap().values().next().unwrap().clone();
            (
                claims["jti"].as_str().unwrap().to_owned(),
                event["ledger_event_id"].as_i64().unwrap(),
            )
        })
        .collect()
}

impl Receiver {
    /// Waits until every one of `events` was told at least once, then checks that each was
    /// told with one `jti` only, however many times it came. It waits longer than a claim's
    /// lease: a notification a killed sender had claimed is sent again only once that runs out.
    pub async fn expect_each_told_with_one_jti(&self, events: &[i64]) {
        let mut told = Vec::new();
        let tries = (who_can_see::server::storage::consent::outbox::LEASE_MS + 15_000) / 100;
        for _ in 0..tries {
            told = told_events(&self.received());
            if events.iter().all(|event| told.iter().any(|(_, id)| id == event)) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        for event in events {
            let jtis: std::collections::HashSet<&String> =
                told.iter().filter(|(_, id)| id == event).map(|(jti, _)| jti).collect();
            assert_eq!(
                jtis.len(),
                1,
                "ledger event {event} was told once or more, with one jti: {jtis:?}"
            );
        }
    }
}
