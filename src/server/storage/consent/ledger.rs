//! The consent ledger: appending events to each user's hash chain, verifying the chains, and
//! replaying them into grant states.

use super::outbox::enqueue;
pub(in crate::server::storage) use super::write_tx::Changes;
pub use super::write_tx::WriteTx;
use crate::domain::decision::GrantStatus;
use crate::domain::ledger_hash::GENESIS;
pub use crate::domain::ledger_hash::NewEvent;
use crate::server::storage::error::StoreResult;
use crate::server::storage::{Engine, Store};
use sha2::{Digest, Sha256};

/// The first place a chain does not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenLink {
    pub user_id: i64,
    pub event_id: i64,
    pub problem: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerReport {
    pub users: usize,
    pub events: usize,
    pub broken: Option<BrokenLink>,
}

/// The hash an event chained after `prev_hash` carries: SHA-256 of its canonical encoding, in hex.
pub fn event_hash(event: &NewEvent<'_>, prev_hash: &str) -> String {
    hex::encode(Sha256::digest(event.canonical(prev_hash).as_bytes()))
}

/// One stored event, as the verifier reads it back.
#[derive(sqlx::FromRow)]
struct StoredEvent {
    id: i64,
    user_id: i64,
    grant_id: Option<i64>,
    partner_id: i64,
    category_id: i64,
    access: String,
    status: String,
    actor_kind: String,
    actor_id: Option<i64>,
    purpose: Option<String>,
    reason: Option<String>,
    at: i64,
    prev_hash: String,
    hash: String,
    request_id: Option<i64>,
    through_friends: i64,
}

impl StoredEvent {
    /// The event as it was written, to hash again. `access` and `status` stay the words that
    /// were hashed: the verifier checks what is stored, whatever it says.
    fn as_written(&self) -> NewEvent<'_> {
        NewEvent {
            user_id: self.user_id,
            grant_id: self.grant_id,
            partner_id: self.partner_id,
            category_id: self.category_id,
            access: &self.access,
            status: &self.status,
            actor_kind: &self.actor_kind,
            actor_id: self.actor_id,
            purpose: self.purpose.as_deref(),
            reason: self.reason.as_deref(),
            at: self.at,
            request_id: self.request_id,
            through_friends: self.through_friends != 0,
        }
    }
}

/// A grant's id and status, as replaying or reading the grants gives it.
#[derive(sqlx::FromRow)]
struct GrantStatusRow {
    id: i64,
    status: GrantStatus,
}

/// A ledger event's grant and what the event did to it (only events that touched a grant).
#[derive(sqlx::FromRow)]
struct GrantEvent {
    grant_id: i64,
    status: String,
}

impl Store {
    /// Begins a transaction that writes to `user_id`'s ledger. Writers of one user are
    /// serialised so that two of them never chain onto the same previous event: SQLite takes
    /// its single write lock at once, PostgreSQL locks the user's row.
    pub async fn begin_ledger_write(&self, user_id: i64) -> StoreResult<WriteTx> {
        let tx = match self.engine() {
            Engine::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Engine::Postgres => {
                let mut tx = self.pool.begin().await?;
                sqlx::query("SELECT id FROM users WHERE id = $1 FOR UPDATE")
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await?;
                tx
            }
        };
        Ok(WriteTx::new(tx, self, Changes::GrantsOf(user_id)))
    }

    /// Appends one event to its user's chain, and its partner notification, inside the
    /// caller's transaction.
    pub async fn append_event(tx: &mut WriteTx, event: &NewEvent<'_>) -> StoreResult<()> {
        let last: Option<String> =
            sqlx::query_scalar("SELECT hash FROM consent_events WHERE user_id = $1 ORDER BY id DESC LIMIT 1")
                .bind(event.user_id)
                .fetch_optional(&mut **tx)
                .await?;
        let prev_hash = last.unwrap_or_else(|| GENESIS.to_owned());
        let hash = event_hash(event, &prev_hash);
        let event_id: i64 = sqlx::query_scalar(
            "INSERT INTO consent_events (user_id, grant_id, partner_id, category_id, access, status, \
             actor_kind, actor_id, purpose, reason, at, prev_hash, hash, request_id, through_friends) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id",
        )
        .bind(event.user_id)
        .bind(event.grant_id)
        .bind(event.partner_id)
        .bind(event.category_id)
        .bind(event.access)
        .bind(event.status)
        .bind(event.actor_kind)
        .bind(event.actor_id)
        .bind(event.purpose)
        .bind(event.reason)
        .bind(event.at)
        .bind(&prev_hash)
        .bind(&hash)
        .bind(event.request_id)
        .bind(event.through_friends)
        .fetch_one(&mut **tx)
        .await?;
        // The partner is told of every change but its own request, in this same transaction.
        if event.status != "requested" {
            enqueue(tx, event_id, event.partner_id, event.at).await?;
        }
        Ok(())
    }

    /// Checks every user's chain and reports the first broken link.
    pub async fn verify_ledger(&self) -> StoreResult<LedgerReport> {
        let rows: Vec<StoredEvent> = sqlx::query_as(
            "SELECT id, user_id, grant_id, partner_id, category_id, access, status, actor_kind, actor_id, \
             purpose, reason, at, prev_hash, hash, request_id, \
             CAST(CASE WHEN through_friends THEN 1 ELSE 0 END AS BIGINT) AS through_friends \
             FROM consent_events ORDER BY user_id, id",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut report = LedgerReport {
            users: 0,
            events: rows.len(),
            broken: None,
        };
        let mut current_user = None;
        let mut expected_prev = GENESIS;
        for row in &rows {
            if current_user != Some(row.user_id) {
                current_user = Some(row.user_id);
                report.users += 1;
                expected_prev = GENESIS;
            }
            let problem = if row.prev_hash != expected_prev {
                Some("its previous-hash does not match the event before it (an event was removed or reordered)")
            } else if event_hash(&row.as_written(), &row.prev_hash) != row.hash {
                Some("its contents do not match its hash (the event was edited)")
            } else {
                None
            };
            if let Some(problem) = problem {
                report.broken = Some(BrokenLink {
                    user_id: row.user_id,
                    event_id: row.id,
                    problem,
                });
                return Ok(report);
            }
            expected_prev = &row.hash;
        }
        Ok(report)
    }

    /// Replays the whole ledger: the status each grant must have, by grant id, sorted.
    pub async fn replay_ledger(&self) -> StoreResult<Vec<(i64, GrantStatus)>> {
        // Events of a request that touched no grant (asked, refused) change no grant's state.
        let events: Vec<GrantEvent> =
            sqlx::query_as("SELECT grant_id, status FROM consent_events WHERE grant_id IS NOT NULL ORDER BY id")
                .fetch_all(&self.pool)
                .await?;
        let mut states = std::collections::BTreeMap::new();
        for event in events {
            let state = match event.status.as_str() {
                "granted" => GrantStatus::Active,
                "withdrawn" => GrantStatus::Withdrawn,
                "revoked" => GrantStatus::Revoked,
                "expired" => GrantStatus::Expired,
                // A refusal does not change a grant's stored status.
                _ => continue,
            };
            states.insert(event.grant_id, state);
        }
        Ok(states.into_iter().collect())
    }

    /// The stored status of every grant, by grant id, sorted: what `replay_ledger` must equal.
    pub async fn current_grant_statuses(&self) -> StoreResult<Vec<(i64, GrantStatus)>> {
        let rows: Vec<GrantStatusRow> = sqlx::query_as("SELECT id, status FROM grants ORDER BY id")
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.into_iter().map(|row| (row.id, row.status)).collect())
    }
}
