//! What the support console reads and writes: finding people, and the record of every time
//! staff opened someone's data.

use crate::server::storage::Store;
use crate::server::storage::error::StoreResult;

/// One person found by the console's search.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct FoundPerson {
    pub id: i64,
    pub handle: String,
    pub email: String,
    pub display_name: String,
}

/// Staff opened a person's data.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SupportView {
    pub agent_name: String,
    pub ticket: Option<String>,
    pub at: i64,
}

/// The smallest string greater than every string starting with `prefix`: with it, "starts
/// with" becomes a range both engines answer from an ordinary index.
fn after_prefix(prefix: &str) -> String {
    format!("{prefix}\u{10FFFF}")
}

impl Store {
    /// People whose email or name starts with `query` (case-insensitive), or whose id or
    /// handle is `query`; ordered by name, one page at a time. Returns the page and whether
    /// there is another after it.
    pub async fn find_people(&self, query: &str, offset: i64, limit: i64) -> StoreResult<(Vec<FoundPerson>, bool)> {
        let prefix = query.trim().to_lowercase();
        let id: i64 = prefix.parse().unwrap_or(-1);
        let mut people: Vec<FoundPerson> = sqlx::query_as(
            "SELECT id, handle, email, display_name FROM users WHERE role = 'user' AND ( \
             id = $1 OR handle = $2 \
             OR (email >= $2 AND email < $3) \
             OR (lower(display_name) >= $2 AND lower(display_name) < $3)) \
             ORDER BY lower(display_name), id LIMIT $4 OFFSET $5",
        )
        .bind(id)
        .bind(&prefix)
        .bind(after_prefix(&prefix))
        .bind(limit + 1)
        .bind(offset)
        .fetch_all(&self.pool)
        .await?;
        // One more than a page was asked for, to learn whether there is another page.
        let more = people.len() as i64 > limit;
        people.truncate(limit.max(0) as usize);
        Ok((people, more))
    }

    /// A person (role user) by id: staff reach nobody else through the console.
    pub async fn person(&self, user_id: i64) -> StoreResult<Option<FoundPerson>> {
        Ok(
            sqlx::query_as("SELECT id, handle, email, display_name FROM users WHERE id = $1 AND role = 'user'")
                .bind(user_id)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    pub async fn record_support_view(
        &self,
        agent_id: i64,
        user_id: i64,
        ticket: Option<&str>,
        at: i64,
    ) -> StoreResult<()> {
        sqlx::query("INSERT INTO support_views (agent_id, user_id, ticket, at) VALUES ($1, $2, $3, $4)")
            .bind(agent_id)
            .bind(user_id)
            .bind(ticket)
            .bind(at)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// When `agent_id` last opened `user_id`'s data, if they ever did.
    pub async fn last_support_view(&self, agent_id: i64, user_id: i64) -> StoreResult<Option<i64>> {
        // MAX gives one row, NULL when there is nothing to take the largest of.
        Ok(
            sqlx::query_scalar("SELECT MAX(at) FROM support_views WHERE agent_id = $1 AND user_id = $2")
                .bind(agent_id)
                .bind(user_id)
                .fetch_one(&self.pool)
                .await?,
        )
    }

    /// Every time staff opened this person's data, newest first.
    pub async fn support_views_of(&self, user_id: i64) -> StoreResult<Vec<SupportView>> {
        Ok(sqlx::query_as(
            "SELECT a.display_name AS agent_name, v.ticket, v.at FROM support_views v \
             JOIN users a ON a.id = v.agent_id WHERE v.user_id = $1 ORDER BY v.at DESC, v.id DESC",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?)
    }
}
