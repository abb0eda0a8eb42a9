//! Reading a user's ledger for the History page and the exports.

use super::catalog::Catalog;
use super::told::{ToldRow, told_columns};
use crate::domain::access::Access;
use crate::server::storage::Store;
use crate::server::storage::error::StoreResult;

/// One event with catalog names and the latest event of its grant.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EventRow {
    pub id: i64,
    /// `None` for an event of a request that touched no grant (asked, refused).
    pub grant_id: Option<i64>,
    pub at: i64,
    pub partner_slug: String,
    pub partner_name: String,
    pub category_slug: String,
    pub category_name: String,
    pub access: Access,
    pub status: String,
    pub actor_kind: String,
    /// The support agent's name, for events support made.
    pub actor_name: Option<String>,
    pub reason: Option<String>,
    pub purpose: Option<String>,
    /// The public id (`cr_…`) of the consent request the event records or answers.
    pub request: Option<String>,
    pub prev_hash: String,
    pub hash: String,
    /// The id of the newest event of the same grant (`None` without a grant).
    pub latest_event_of_grant: Option<i64>,
    /// 1 for the person's "no" to this partner seeing them through friends, or its undo.
    pub through_friends: i64,
    /// How telling the partner of this event goes.
    #[sqlx(flatten)]
    pub told: ToldRow,
}

impl EventRow {
    /// Whether this event is about a grant and nothing happened to that grant after it.
    pub fn is_latest_for_grant(&self) -> bool {
        self.latest_event_of_grant == Some(self.id)
    }
}

#[derive(Debug, Clone, Default)]
pub struct HistoryFilter {
    pub partner_id: Option<i64>,
    pub category_id: Option<i64>,
}

impl HistoryFilter {
    /// Resolves filter names to ids; an unknown name is a clear error, not an empty page.
    pub fn resolve(catalog: &Catalog, partner: Option<&str>, category: Option<&str>) -> StoreResult<Self> {
        Ok(HistoryFilter {
            partner_id: partner.map(|slug| catalog.partner_id(slug)).transpose()?,
            category_id: category.map(|slug| catalog.category_id(slug)).transpose()?,
        })
    }
}

/// Which events a history shows: user `$1`'s, and only partner `$2`'s and category `$3`'s
/// when those are not NULL. A macro, so that both statements below are fixed text.
macro_rules! events_of_user {
    () => {
        "e.user_id = $1 AND ($2 IS NULL OR e.partner_id = $2) AND ($3 IS NULL OR e.category_id = $3)"
    };
}

const COUNT_EVENTS: &str = concat!("SELECT COUNT(*) FROM consent_events e WHERE ", events_of_user!());

/// An event's columns and the tables they come from, for the statements below.
macro_rules! select_events {
    () => {
        concat!(
            "SELECT e.id, e.grant_id, e.at, p.slug AS partner_slug, p.name AS partner_name, ",
            "c.slug AS category_slug, c.name AS category_name, e.access, e.status, e.actor_kind, ",
            "a.display_name AS actor_name, e.reason, e.purpose, r.public_id AS request, e.prev_hash, e.hash, ",
            "(SELECT MAX(x.id) FROM consent_events x WHERE x.grant_id = e.grant_id) AS latest_event_of_grant, ",
            "CAST(CASE WHEN e.through_friends THEN 1 ELSE 0 END AS BIGINT) AS through_friends, ",
            told_columns!(),
            "FROM consent_events e JOIN partners p ON p.id = e.partner_id JOIN categories c ON c.id = e.category_id ",
            "LEFT JOIN notifications n ON n.event_id = e.id ",
            "LEFT JOIN users a ON a.id = e.actor_id AND e.actor_kind = 'support' ",
            "LEFT JOIN consent_requests r ON r.id = e.request_id ",
        )
    };
}

/// Newest first, `$4` at most after skipping `$5`.
const READ_EVENTS: &str = concat!(
    select_events!(),
    "WHERE ",
    events_of_user!(),
    " ORDER BY e.id DESC LIMIT $4 OFFSET $5"
);

/// User `$1`'s event `$2`.
const READ_EVENT: &str = concat!(select_events!(), "WHERE e.user_id = $1 AND e.id = $2");

impl Store {
    /// How many times a grant was withdrawn (revoked by its person), on the ledger.
    pub async fn withdrawals_of_grant(&self, grant_id: i64) -> StoreResult<i64> {
        Ok(
            sqlx::query_scalar("SELECT COUNT(*) FROM consent_events WHERE grant_id = $1 AND status = 'withdrawn'")
                .bind(grant_id)
                .fetch_one(&self.pool)
                .await?,
        )
    }

    pub async fn count_events(&self, user_id: i64, filter: &HistoryFilter) -> StoreResult<i64> {
        Ok(sqlx::query_scalar(COUNT_EVENTS)
            .bind(user_id)
            .bind(filter.partner_id)
            .bind(filter.category_id)
            .fetch_one(&self.pool)
            .await?)
    }

    /// Events newest first; `limit` None reads them all (for exports).
    pub async fn events(
        &self,
        user_id: i64,
        filter: &HistoryFilter,
        limit: Option<i64>,
        offset: i64,
    ) -> StoreResult<Vec<EventRow>> {
        Ok(sqlx::query_as(READ_EVENTS)
            .bind(user_id)
            .bind(filter.partner_id)
            .bind(filter.category_id)
            // The largest BIGINT is "no limit" on both engines (SQLite refuses NULL there).
            .bind(limit.unwrap_or(i64::MAX))
            .bind(offset)
            .fetch_all(&self.pool)
            .await?)
    }

    /// One of the user's events, if it is theirs.
    pub async fn event_of_user(&self, user_id: i64, event_id: i64) -> StoreResult<Option<EventRow>> {
        Ok(sqlx::query_as(READ_EVENT)
            .bind(user_id)
            .bind(event_id)
            .fetch_optional(&self.pool)
            .await?)
    }
}
