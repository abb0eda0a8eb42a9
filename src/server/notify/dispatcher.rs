//! Sends the outbox: claims the notifications due, signs each as a Security Event Token, pushes
//! it (RFC 8935: `POST`, `Content-Type: application/secevent+jwt`, 202 means the partner has
//! it), and settles it by the answer: delivered, retried on the schedule, refused for good, or
//! its endpoint disabled by a 410. Every try of one notification carries the same `jti`.
//!
//! `send_due` takes the time as an argument, so a test drives retries with a clock it controls;
//! `run` calls it with the real clock whenever a write queues a notification, and every half
//! second.

use super::delivery::{Outcome, next_try_at, outcome};
use super::endpoint::{EndpointPolicy, check_addresses, parse_endpoint};
use super::signing_keys::SigningKeys;
use crate::domain::history::{ActorKind, EventStatus};
use crate::domain::security_event::{ConsentChange, SET_TYPE, claims, verification_claims};
use crate::server::clock::now_ms;
use crate::server::error::log_store_error;
use crate::server::storage::consent::outbox::{DueNotification, new_jti};
use crate::server::storage::{Store, StoreError};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// A try that has not been answered after this long has failed.
pub const TRY_TIMEOUT: Duration = Duration::from_secs(15);

/// How many notifications one pass claims.
const CLAIM_AT_ONCE: i64 = 50;

#[derive(Clone)]
pub struct Dispatcher {
    store: Store,
    keys: Arc<SigningKeys>,
    /// The platform's URL: each token's `iss`.
    issuer: String,
    policy: EndpointPolicy,
    client: reqwest::Client,
    /// How long a try may wait for an answer: `TRY_TIMEOUT`, shorter only in tests.
    try_timeout: Duration,
}

fn client_with(try_timeout: Duration) -> anyhow::Result<reqwest::Client> {
    Ok(reqwest::Client::builder()
        .timeout(try_timeout)
        .redirect(reqwest::redirect::Policy::none())
        .build()?)
}

impl Dispatcher {
    pub fn new(store: Store, keys: Arc<SigningKeys>, issuer: String, policy: EndpointPolicy) -> anyhow::Result<Self> {
        Ok(Dispatcher {
            store,
            keys,
            issuer,
            policy,
            client: client_with(TRY_TIMEOUT)?,
            try_timeout: TRY_TIMEOUT,
        })
    }

    /// The same, waiting `try_timeout` for each answer instead (a test's partner that never answers).
    pub fn with_try_timeout(self, try_timeout: Duration) -> anyhow::Result<Self> {
        Ok(Dispatcher {
            client: client_with(try_timeout)?,
            try_timeout,
            ..self
        })
    }

    /// The signed token of a notification.
    fn token(&self, due: &DueNotification, now: i64) -> Option<String> {
        let change = ConsentChange {
            issuer: &self.issuer,
            partner: &due.partner_slug,
            jti: &due.jti,
            handle: &due.handle,
            category: &due.category,
            access: &due.access,
            status: EventStatus::parse(&due.status)?,
            actor: ActorKind::parse(&due.actor_kind)?,
            reason: due.reason.as_deref(),
            ledger_event_id: due.event_id,
            ledger_event_hash: &due.event_hash,
            at: due.at,
            issued_at: now.div_euclid(1000),
            through_friends: due.through_friends != 0,
        };
        Some(self.keys.sign(SET_TYPE, &claims(&change)?))
    }

    /// One try: what the partner answered.
    async fn try_once(&self, due: &DueNotification, now: i64) -> Outcome {
        let Some(token) = self.token(due, now) else {
            return Outcome::Refused(format!("no event to tell of status {}", due.status));
        };
        self.push(&due.endpoint, token).await
    }

    /// Sends `partner` a signed test event (SSF's verification event) at `endpoint`, now.
    pub async fn send_test(&self, partner: &str, endpoint: &str, now: i64) -> Outcome {
        let claims = verification_claims(&self.issuer, partner, &new_jti(), now.div_euclid(1000));
        self.push(endpoint, self.keys.sign(SET_TYPE, &claims)).await
    }

    /// Which endpoints this dispatcher will call.
    pub fn policy(&self) -> EndpointPolicy {
        self.policy
    }

    /// Pushes one token (RFC 8935) and reads the answer.
    async fn push(&self, endpoint: &str, token: String) -> Outcome {
        let checked = match parse_endpoint(endpoint, self.policy) {
            Ok(url) => check_addresses(&url, self.policy).await.map(|()| url),
            Err(error) => Err(error),
        };
        let url = match checked {
            Ok(url) => url,
            Err(error) => {
                return Outcome::Retry {
                    at_least_ms: None,
                    error: error.to_string(),
                };
            }
        };
        let sent = self
            .client
            .post(url)
            .header(http::header::CONTENT_TYPE, "application/secevent+jwt")
            .header(http::header::ACCEPT, "application/json")
            .body(token)
            .send()
            .await;
        match sent {
            Ok(response) => {
                let status = response.status().as_u16();
                let retry_after = response
                    .headers()
                    .get(http::header::RETRY_AFTER)
                    .and_then(|value| value.to_str().ok())
                    .map(str::to_owned);
                let body = response.text().await.unwrap_or_default();
                outcome(status, retry_after.as_deref(), &body)
            }
            Err(error) if error.is_timeout() => Outcome::Retry {
                at_least_ms: None,
                error: format!("no answer within {} s", self.try_timeout.as_secs_f64()),
            },
            Err(_) => Outcome::Retry {
                at_least_ms: None,
                error: "could not connect".to_owned(),
            },
        }
    }

    /// Records how a try went.
    async fn settle(&self, due: &DueNotification, outcome: Outcome, now: i64) -> Result<(), StoreError> {
        match outcome {
            Outcome::Delivered => self.store.notification_delivered(due.id, now).await,
            Outcome::Refused(error) => self.store.notification_failed(due.id, now, &error).await,
            Outcome::Gone => {
                self.store
                    .disable_endpoint_after_gone(due.id, &due.partner_slug, now)
                    .await
            }
            Outcome::Retry { at_least_ms, error } => {
                let tries = usize::try_from(due.tries + 1).unwrap_or(usize::MAX);
                match next_try_at(now, tries, rand::random::<f64>(), at_least_ms) {
                    Some(at) => self.store.notification_retry(due.id, at, &error).await,
                    None => {
                        let error = format!("{error}; no more tries after {tries}");
                        self.store.notification_failed(due.id, now, &error).await
                    }
                }
            }
        }
    }

    /// Tries every notification due at `now`, all at once; returns how many it tried.
    pub async fn send_due(&self, now: i64) -> Result<usize, StoreError> {
        let due = self.store.claim_due_notifications(now, CLAIM_AT_ONCE).await?;
        let mut tries = tokio::task::JoinSet::new();
        for notification in due {
            let dispatcher = self.clone();
            tries.spawn(async move {
                let outcome = dispatcher.try_once(&notification, now).await;
                dispatcher.settle(&notification, outcome, now).await
            });
        }
        let mut tried = 0;
        while let Some(settled) = tries.join_next().await {
            tried += 1;
            if let Ok(Err(error)) = settled {
                log_store_error(&error);
            }
        }
        Ok(tried)
    }
}

/// How many passes may be under way at once: a slow partner holds up only its own pass.
const PASSES_AT_ONCE: usize = 4;

/// Sends what is due as soon as a write queues it, and every half second for retries that come
/// due and notifications other instances queued, until `stop` turns true; then lets the tries
/// under way finish (each within `TRY_TIMEOUT`).
pub async fn run(dispatcher: Dispatcher, mut stop: watch::Receiver<bool>) {
    let waker = dispatcher.store.outbox_waker();
    let mut ticks = tokio::time::interval(Duration::from_millis(500));
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut passes = tokio::task::JoinSet::new();
    loop {
        tokio::select! {
            biased;
            _ = stop.changed() => break,
            Some(pass) = passes.join_next(), if !passes.is_empty() => {
                // A full claim may have left more due: look again at once.
                if matches!(pass, Ok(tried) if tried >= CLAIM_AT_ONCE as usize) {
                    waker.notify_one();
                }
                continue;
            }
            // With every pass busy a wake waits (`Notify` keeps it) for one to end.
            () = waker.notified(), if passes.len() < PASSES_AT_ONCE => {}
            _ = ticks.tick(), if passes.len() < PASSES_AT_ONCE => {}
        }
        let dispatcher = dispatcher.clone();
        passes.spawn(async move {
            dispatcher.send_due(now_ms()).await.unwrap_or_else(|error| {
                log_store_error(&error);
                0
            })
        });
    }
    while passes.join_next().await.is_some() {}
}
