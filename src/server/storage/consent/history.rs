//! Reading a user's ledger for the History page and the exports.

use crate::server::storage::Store;
use crate::server::storage::error::{StoreError, StoreResult};

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
    pub access: String,
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

impl Store {
    /// Resolves filter names to ids; an unknown name is a clear error, not an empty page.
    pub async fn history_filter(&self, partner: Option<&str>, category: Option<&str>) -> StoreResult<HistoryFilter> {
        let mut filter = HistoryFilter::default();
        if let Some(slug) = partner {
            let found = self.partners().await?.into_iter().find(|p| p.slug == slug);
            filter.partner_id = Some(
                found
                    .ok_or_else(|| {
                        StoreError::UnknownName(format!("There is no partner called \u{201c}{slug}\u{201d}."))
                    })?
                    .id,
            );
        }
        if let Some(slug) = category {
            let found = self.categories().await?.into_iter().find(|c| c.slug == slug);
            filter.category_id = Some(
                found
                    .ok_or_else(|| {
                        StoreError::UnknownName(format!("There is no data category called \u{201c}{slug}\u{201d}."))
                    })?
                    .id,
            );
        }
        Ok(filter)
    }

    fn history_where(filter: &HistoryFilter) -> (String, Vec<i64>) {
        let mut sql = String::from("e.user_id = $1");
        let mut binds = Vec::new();
        if let Some(id) = filter.partner_id {
            binds.push(id);
            sql.push_str(&format!(" AND e.partner_id = ${}", binds.len() + 1));
        }
        if let Some(id) = filter.category_id {
            binds.push(id);
            sql.push_str(&format!(" AND e.category_id = ${}", binds.len() + 1));
        }
        (sql, binds)
    }

    pub async fn count_events(&self, user_id: i64, filter: &HistoryFilter) -> StoreResult<i64> {
        let (condition, binds) = Self::history_where(filter);
        let statement = format!("SELECT COUNT(*) FROM consent_events e WHERE {condition}");
        // Only fixed column names and numbered placeholders are spliced in; values are bound.
        let mut query = sqlx::query_as::<_, (i64,)>(sqlx::AssertSqlSafe(statement)).bind(user_id);
        for id in binds {
            query = query.bind(id);
        }
        Ok(query.fetch_one(&self.pool).await?.0)
    }

    /// Events newest first; `limit` None reads them all (for exports).
    pub async fn events(
        &self,
        user_id: i64,
        filter: &HistoryFilter,
        limit: Option<i64>,
        offset: i64,
    ) -> StoreResult<Vec<EventRow>> {
        let (condition, binds) = Self::history_where(filter);
        let paging = match limit {
            Some(_) => format!(" LIMIT ${} OFFSET ${}", binds.len() + 2, binds.len() + 3),
            None => String::new(),
        };
        let statement = format!(
            "SELECT e.id, e.grant_id, e.at, p.slug AS partner_slug, p.name AS partner_name, \
             c.slug AS category_slug, c.name AS category_name, e.access, e.status, e.actor_kind, \
             a.display_name AS actor_name, e.reason, e.purpose, r.public_id AS request, e.prev_hash, e.hash, \
             (SELECT MAX(x.id) FROM consent_events x WHERE x.grant_id = e.grant_id) AS latest_event_of_grant \
             FROM consent_events e JOIN partners p ON p.id = e.partner_id JOIN categories c ON c.id = e.category_id \
             LEFT JOIN users a ON a.id = e.actor_id AND e.actor_kind = 'support' \
             LEFT JOIN consent_requests r ON r.id = e.request_id \
             WHERE {condition} ORDER BY e.id DESC{paging}"
        );
        // Only fixed column names and numbered placeholders are spliced in; values are bound.
        let mut query = sqlx::query_as::<_, EventRow>(sqlx::AssertSqlSafe(statement)).bind(user_id);
        for id in binds {
            query = query.bind(id);
        }
        if let Some(limit) = limit {
            query = query.bind(limit).bind(offset);
        }
        Ok(query.fetch_all(&self.pool).await?)
    }
}
