//! `who-can-see partner-receiver`: a small receiving partner for the demo. It takes each
//! partner's events at `/events/<slug>`, verifies each token against the platform's JWKS (read
//! again when a token names a key it has not seen: a rotation), answers 202, and logs what the
//! partner learned. A bad token gets the RFC 8935 error a real partner would send.

use crate::domain::security_event::{EVENT_URI_PREFIX, SET_TYPE};
use crate::server::notify::verify::{VerifyError, verify};
use crate::server::tools::verify_receipt::key_set;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::sync::Mutex;

#[derive(Debug, Clone, clap::Args)]
pub struct PartnerReceiverArgs {
    /// Where to listen; partner `<slug>` is told at http://ADDR/events/<slug>.
    #[arg(long, default_value = "127.0.0.1:3001")]
    pub listen: SocketAddr,
    /// The platform's keys: an instance's URL, or a JWKS file.
    #[arg(long = "jwks-from", default_value = "http://127.0.0.1:3000")]
    pub jwks_from: String,
}

#[derive(Clone)]
struct Receiving {
    jwks_from: Arc<str>,
    keys: Arc<Mutex<Value>>,
}

/// An RFC 8935 error answer.
fn refuse(code: &str, description: String) -> Response {
    tracing::warn!(code, description = %description, "refused an event");
    (
        StatusCode::BAD_REQUEST,
        axum::Json(json!({ "err": code, "description": description })),
    )
        .into_response()
}

async fn verified(receiving: &Receiving, token: &str) -> Result<Value, VerifyError> {
    let known = receiving.keys.lock().await.clone();
    match verify(token, SET_TYPE, &known) {
        Err(VerifyError::UnknownKey(_)) => {
            // A key it has not seen: the platform may have rotated; read the keys again.
            if let Ok(fresh) = key_set(&receiving.jwks_from).await {
                *receiving.keys.lock().await = fresh.clone();
                return verify(token, SET_TYPE, &fresh).map(|v| v.payload);
            }
            verify(token, SET_TYPE, &known).map(|v| v.payload)
        }
        other => other.map(|v| v.payload),
    }
}

/// What the partner learned, in one line.
fn learned(partner: &str, claims: &Value) -> String {
    let person = claims["sub_id"]["user"]["id"].as_str().unwrap_or("?");
    let events = claims["events"].as_object().cloned().unwrap_or_default();
    let said: Vec<String> = events
        .iter()
        .map(|(uri, event)| {
            format!(
                "{} of {} access to {} (ledger event {}, by {})",
                uri.strip_prefix(EVENT_URI_PREFIX).unwrap_or(uri),
                event["access"].as_str().unwrap_or("?"),
                event["category"].as_str().unwrap_or("?"),
                event["ledger_event_id"],
                event["initiating_entity"].as_str().unwrap_or("?"),
            )
        })
        .collect();
    format!(
        "{partner} learned about {person}: {} [jti {}]",
        said.join("; "),
        claims["jti"].as_str().unwrap_or("?")
    )
}

async fn receive(
    State(receiving): State<Receiving>,
    Path(partner): Path<String>,
    headers: HeaderMap,
    body: String,
) -> Response {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if content_type != "application/secevent+jwt" {
        return refuse("invalid_request", format!("Content-Type is {content_type:?}"));
    }
    let claims = match verified(&receiving, &body).await {
        Ok(claims) => claims,
        Err(error) => return refuse("invalid_key", error.to_string()),
    };
    if claims["aud"] != partner.as_str() {
        return refuse("invalid_audience", format!("this endpoint is {partner}'s"));
    }
    tracing::info!("{}", learned(&partner, &claims));
    StatusCode::ACCEPTED.into_response()
}

/// The receiver's routes, verifying against the keys at `jwks_from` (a URL or a file).
pub fn receiver_router(jwks_from: &str) -> Router {
    let receiving = Receiving {
        jwks_from: jwks_from.into(),
        keys: Arc::new(Mutex::new(json!({ "keys": [] }))),
    };
    Router::new()
        .route("/events/{partner}", post(receive))
        .with_state(receiving)
}

pub async fn partner_receiver(args: &PartnerReceiverArgs) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(args.listen).await?;
    tracing::info!(
        "partner receiver listening on http://{}/events/<partner>",
        listener.local_addr()?
    );
    axum::serve(listener, receiver_router(&args.jwks_from)).await?;
    Ok(())
}
