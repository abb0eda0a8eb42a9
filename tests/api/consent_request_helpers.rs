//! Helpers of the consent-request tests: asking and reading as a partner, writing a request at
//! a time the test chooses, and reading what the ledger recorded of a request.

use crate::helpers::TestApp;
use crate::ledger::verify_ledger_command;
use serde_json::{Value, json};
use who_can_see::domain::access::Access;
use who_can_see::domain::request_decision::{AccessChoice, DecisionProblem};
use who_can_see::domain::request_status::RequestStatus;
use who_can_see::server::storage::consent::request_decisions::DecideError;
use who_can_see::server::storage::consent::requests::{AskedItem, NewRequest};

pub const DAY_MS: i64 = 86_400_000;

/// The body of a request for `details`: (category, actions).
pub fn asking(user: &str, details: &[(&str, &[&str])], duration_days: Option<i64>) -> Value {
    let details: Vec<Value> = details
        .iter()
        .map(|(category, actions)| json!({ "type": category, "actions": actions }))
        .collect();
    json!({
        "user": user,
        "authorization_details": details,
        "purpose": "to send songs from inside the app",
        "duration_days": duration_days,
    })
}

/// `POST /api/v1/consent-requests` with `partner`'s demo key.
pub async fn ask(app: &TestApp, partner: &str, body: &Value) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/consent-requests"))
        .bearer_auth(format!("demo-key-{partner}"))
        .json(body)
        .send()
        .await
        .unwrap()
}

/// Asks, expecting 201, and returns the new request's id.
pub async fn asked(app: &TestApp, partner: &str, body: &Value) -> String {
    let response = ask(app, partner, body).await;
    assert_eq!(response.status(), 201);
    let created: Value = response.json().await.unwrap();
    created["id"].as_str().unwrap().to_owned()
}

/// `GET /api/v1/consent-requests/{id}` with `partner`'s demo key: (status, body).
pub async fn state(app: &TestApp, partner: &str, id: &str) -> (u16, Value) {
    let response = app
        .client
        .get(app.url(&format!("/api/v1/consent-requests/{id}")))
        .bearer_auth(format!("demo-key-{partner}"))
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.json().await.unwrap_or(Value::Null))
}

pub fn choice(raw: &str) -> AccessChoice {
    AccessChoice::parse(raw).unwrap()
}

/// Writes a request through the store at a time the test chooses; returns its id.
pub async fn ask_at(app: &TestApp, partner: &str, user: &str, asked: &[(&str, Access)], now: i64) -> String {
    let partner_id = app
        .store
        .partners()
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.slug == partner)
        .unwrap()
        .id;
    let categories = app.store.categories().await.unwrap();
    let items: Vec<AskedItem> = asked
        .iter()
        .map(|(category, access)| AskedItem {
            category_id: categories.iter().find(|c| c.slug == *category).unwrap().id,
            access: *access,
        })
        .collect();
    let request = NewRequest {
        user_id: app.user_id(user).await,
        partner_id,
        items: &items,
        purpose: "to keep in touch",
        duration_days: Some(90),
    };
    app.store.ask_consent(&request, now).await.unwrap()
}

/// One ledger event of a request.
#[derive(Debug, sqlx::FromRow)]
pub struct EventOfRequest {
    pub status: String,
    pub actor_kind: String,
    pub actor_id: Option<i64>,
    pub category: String,
    pub access: String,
    pub reason: Option<String>,
    pub grant_id: Option<i64>,
}

pub async fn events_of_request(app: &TestApp, request: &str) -> Vec<EventOfRequest> {
    let pool = sqlx::AnyPool::connect(&app.database_url).await.unwrap();
    let events = sqlx::query_as(
        "SELECT e.status, e.actor_kind, e.actor_id, c.slug AS category, e.access, e.reason, e.grant_id \
         FROM consent_events e JOIN consent_requests r ON r.id = e.request_id \
         JOIN categories c ON c.id = e.category_id WHERE r.public_id = $1 ORDER BY e.id",
    )
    .bind(request)
    .fetch_all(&pool)
    .await
    .unwrap();
    pool.close().await;
    events
}

/// (status, actor kind, category, access) only.
pub fn in_short(events: &[EventOfRequest]) -> Vec<(&str, &str, &str, &str)> {
    events
        .iter()
        .map(|e| {
            (
                e.status.as_str(),
                e.actor_kind.as_str(),
                e.category.as_str(),
                e.access.as_str(),
            )
        })
        .collect()
}

pub async fn the_ledger_still_verifies(app: &TestApp) {
    assert_eq!(
        app.store.replay_ledger().await.unwrap(),
        app.store.current_grant_statuses().await.unwrap()
    );
    let (ok, output) = verify_ledger_command(app);
    assert!(ok && output.contains("Ledger intact"), "{output}");
}

pub fn already_decided(result: &Result<String, DecideError>) -> Option<RequestStatus> {
    match result {
        Err(DecideError::Problem(DecisionProblem::AlreadyDecided(status))) => Some(*status),
        _ => None,
    }
}
