//! Consent requests: a partner asks one person for accesses, and the request waits at most
//! `PENDING_DAYS` for the person's answer. Asking writes the request, what it asks and its
//! `requested` ledger events in one transaction. Reading them: `request_reads`.

use super::ledger::{NewEvent, WriteTx};
use crate::domain::access::Access;
use crate::domain::request_status::{REFUSAL_COOL_DOWN_DAYS, RequestStatus, cool_down_end, pending_until};
use crate::server::storage::Store;
use crate::server::storage::error::{StoreError, StoreResult, conflict_on_unique};
use rand::RngCore;

/// One access a request asks for, its category resolved in the catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AskedItem {
    pub category_id: i64,
    pub access: Access,
}

pub struct NewRequest<'a> {
    pub user_id: i64,
    pub partner_id: i64,
    pub items: &'a [AskedItem],
    pub purpose: &'a str,
    pub duration_days: Option<u32>,
}

/// Why a partner's request was not taken. Nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum AskRefused {
    /// This partner's earlier request to this person is still pending: its public id.
    #[error("request {0} of this partner to this person is still pending")]
    AlreadyPending(String),
    /// The person refused the same thing recently; the partner may ask again at `until`.
    #[error("the person refused this recently")]
    CoolingDown { until: i64 },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for AskRefused {
    fn from(error: sqlx::Error) -> Self {
        AskRefused::Store(error.into())
    }
}

/// A request as stored, with the status it has at the time it was read.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StoredRequest {
    pub id: i64,
    pub public_id: String,
    pub user_id: i64,
    pub user_handle: String,
    pub partner_id: i64,
    pub partner_name: String,
    pub purpose: String,
    pub duration_days: Option<i64>,
    /// Pending past `expires_at` reads as expired.
    pub status: RequestStatus,
    pub created_at: i64,
    pub expires_at: i64,
    pub decided_at: Option<i64>,
    pub granted_until: Option<i64>,
    #[sqlx(skip)]
    pub items: Vec<RequestItem>,
}

/// One access a request asks for, and whether the person granted it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RequestItem {
    pub request_id: i64,
    pub category_id: i64,
    pub category_slug: String,
    pub category_name: String,
    pub access: Access,
    pub granted: i64,
}

impl RequestItem {
    pub fn is_granted(&self) -> bool {
        self.granted == 1
    }
}

/// One access of a refused request, with when it was refused: what a cool-down covers.
#[derive(sqlx::FromRow)]
struct RefusedItem {
    request_id: i64,
    decided_at: i64,
    category_id: i64,
    access: Access,
}

/// `cr_` and 128 random bits in hex: unguessable, so an id says nothing about other requests.
fn new_public_id() -> String {
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!("cr_{}", hex::encode(bytes))
}

impl Store {
    /// Takes a partner's request: one ledger transaction writes the request, what it asks and a
    /// `requested` event per access. Refused, writing nothing, while a request of this partner
    /// to this person is pending, or while a refusal of the same thing cools down.
    pub async fn ask_consent(&self, request: &NewRequest<'_>, now: i64) -> Result<String, AskRefused> {
        let (user_id, partner_id) = (request.user_id, request.partner_id);
        let mut tx = self.begin_ledger_write(user_id).await?;
        Store::expire_due_requests(&mut tx, user_id, now).await?;
        let pending: Option<String> = sqlx::query_scalar(
            "SELECT public_id FROM consent_requests WHERE partner_id = $1 AND user_id = $2 AND status = 'pending'",
        )
        .bind(partner_id)
        .bind(user_id)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(public_id) = pending {
            return Err(AskRefused::AlreadyPending(public_id));
        }
        if let Some(until) = Store::cool_down(&mut tx, request, now).await? {
            return Err(AskRefused::CoolingDown { until });
        }

        let public_id = new_public_id();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO consent_requests (public_id, user_id, partner_id, purpose, duration_days, status, \
             created_at, expires_at) VALUES ($1, $2, $3, $4, $5, 'pending', $6, $7) RETURNING id",
        )
        .bind(&public_id)
        .bind(user_id)
        .bind(partner_id)
        .bind(request.purpose)
        .bind(request.duration_days.map(i64::from))
        .bind(now)
        .bind(pending_until(now))
        .fetch_one(&mut *tx)
        .await
        .map_err(conflict_on_unique("pending consent request"))?;
        for item in request.items {
            sqlx::query("INSERT INTO consent_request_items (request_id, category_id, access) VALUES ($1, $2, $3)")
                .bind(id)
                .bind(item.category_id)
                .bind(item.access)
                .execute(&mut *tx)
                .await?;
            let event = NewEvent {
                user_id,
                grant_id: None,
                partner_id,
                category_id: item.category_id,
                access: item.access.as_str(),
                status: "requested",
                actor_kind: "partner",
                actor_id: Some(partner_id),
                purpose: Some(request.purpose),
                reason: None,
                at: now,
                request_id: Some(id),
                through_friends: false,
            };
            Store::append_event(&mut tx, &event).await?;
        }
        tx.commit().await?;
        Ok(public_id)
    }

    /// The end of the latest cool-down that covers everything `request` asks, if one lasts.
    async fn cool_down(tx: &mut WriteTx, request: &NewRequest<'_>, now: i64) -> StoreResult<Option<i64>> {
        let refused: Vec<RefusedItem> = sqlx::query_as(
            "SELECT r.id AS request_id, r.decided_at, i.category_id, i.access FROM consent_requests r \
             JOIN consent_request_items i ON i.request_id = r.id \
             WHERE r.partner_id = $1 AND r.user_id = $2 AND r.status = 'refused' AND r.decided_at > $3 \
             ORDER BY r.id",
        )
        .bind(request.partner_id)
        .bind(request.user_id)
        .bind(now - REFUSAL_COOL_DOWN_DAYS * 86_400_000)
        .fetch_all(&mut **tx)
        .await?;
        let mut latest_end = None;
        for chunk in refused.chunk_by(|a, b| a.request_id == b.request_id) {
            let refused_items: Vec<AskedItem> = chunk
                .iter()
                .map(|item| AskedItem {
                    category_id: item.category_id,
                    access: item.access,
                })
                .collect();
            let end = cool_down_end(request.items, &refused_items, chunk[0].decided_at, now);
            latest_end = latest_end.max(end);
        }
        Ok(latest_end)
    }

    /// Marks `user_id`'s pending requests whose time ran out as expired, inside the caller's
    /// write, before anything reads or adds a pending request.
    pub async fn expire_due_requests(tx: &mut WriteTx, user_id: i64, now: i64) -> StoreResult<u64> {
        Ok(sqlx::query(
            "UPDATE consent_requests SET status = 'expired', decided_at = expires_at, decided_by_kind = 'system' \
             WHERE user_id = $1 AND status = 'pending' AND expires_at <= $2",
        )
        .bind(user_id)
        .bind(now)
        .execute(&mut **tx)
        .await?
        .rows_affected())
    }
}
