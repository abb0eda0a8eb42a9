//! Server-side sessions. Only a hash of the cookie's token is stored, so a leaked table
//! does not let anyone sign in. Each session also has a public id, so a person can name one
//! of their sessions (to end it) without anything secret appearing in a page.

use super::users::{StoredUser, UserRecord, user_columns};
use crate::server::storage::Store;
use crate::server::storage::error::{StoreError, StoreResult};

pub struct NewSession<'a> {
    pub token_hash: &'a str,
    pub public_id: &'a str,
    pub user_id: i64,
    pub now: i64,
    pub expires_at: i64,
    pub user_agent: &'a str,
}

/// A live session as its owner sees it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SessionRecord {
    pub public_id: String,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub user_agent: String,
}

/// Which sessions are still alive: not past their absolute end, not idle too long.
#[derive(Debug, Clone, Copy)]
pub struct Liveness {
    pub now: i64,
    pub idle_ms: i64,
}

/// The user of a session, and when the session was last seen.
#[derive(sqlx::FromRow)]
struct SessionUser {
    #[sqlx(flatten)]
    user: StoredUser,
    last_seen_at: i64,
}

/// A live session with its token's hash, to tell which one is asking.
#[derive(sqlx::FromRow)]
struct LiveSession {
    #[sqlx(flatten)]
    session: SessionRecord,
    token_hash: String,
}

impl Store {
    pub async fn create_session(&self, session: &NewSession<'_>) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO sessions (token_hash, public_id, user_id, created_at, last_seen_at, expires_at, user_agent) \
             VALUES ($1, $2, $3, $4, $4, $5, $6)",
        )
        .bind(session.token_hash)
        .bind(session.public_id)
        .bind(session.user_id)
        .bind(session.now)
        .bind(session.expires_at)
        .bind(session.user_agent)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The user of a live session, and when the session was last seen.
    pub async fn session_user(&self, token_hash: &str, live: Liveness) -> StoreResult<Option<(UserRecord, i64)>> {
        let found: Option<SessionUser> = sqlx::query_as(concat!(
            "SELECT ",
            user_columns!(),
            ", s.last_seen_at FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND s.last_seen_at > $3"
        ))
        .bind(token_hash)
        .bind(live.now)
        .bind(live.now - live.idle_ms)
        .fetch_optional(&self.pool)
        .await?;
        Ok(found.map(|found| (found.user.into(), found.last_seen_at)))
    }

    pub async fn touch_session(&self, token_hash: &str, now: i64) -> StoreResult<()> {
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
            .bind(now)
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The live sessions of a user, newest first, and which of them is `current_token_hash`.
    pub async fn sessions_of_user(
        &self,
        user_id: i64,
        current_token_hash: &str,
        live: Liveness,
    ) -> StoreResult<Vec<(SessionRecord, bool)>> {
        let rows: Vec<LiveSession> = sqlx::query_as(
            "SELECT public_id, created_at, last_seen_at, user_agent, token_hash FROM sessions \
             WHERE user_id = $1 AND expires_at > $2 AND last_seen_at > $3 ORDER BY created_at DESC",
        )
        .bind(user_id)
        .bind(live.now)
        .bind(live.now - live.idle_ms)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|row| {
                let current = row.token_hash == current_token_hash;
                (row.session, current)
            })
            .collect())
    }

    /// Ends one of the user's own sessions by its public id.
    pub async fn end_session(&self, user_id: i64, public_id: &str) -> StoreResult<()> {
        let ended = sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND public_id = $2")
            .bind(user_id)
            .bind(public_id)
            .execute(&self.pool)
            .await?
            .rows_affected();
        if ended == 0 {
            return Err(StoreError::NotFound("session"));
        }
        Ok(())
    }

    /// Ends every session of the user but the one asking; returns how many ended.
    pub async fn end_other_sessions(&self, user_id: i64, keep_token_hash: &str) -> StoreResult<u64> {
        Ok(
            sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
                .bind(user_id)
                .bind(keep_token_hash)
                .execute(&self.pool)
                .await?
                .rows_affected(),
        )
    }
}
