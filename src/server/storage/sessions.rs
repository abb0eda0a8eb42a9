//! Server-side sessions. Only a hash of the cookie's token is stored, so a leaked table
//! does not let anyone sign in.

use super::Store;
use super::error::StoreResult;
use super::users::UserRecord;

impl Store {
    pub async fn create_session(&self, token_hash: &str, user_id: i64, now: i64, expires_at: i64) -> StoreResult<()> {
        sqlx::query("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
            .bind(token_hash)
            .bind(user_id)
            .bind(now)
            .bind(expires_at)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn session_user(&self, token_hash: &str, now: i64) -> StoreResult<Option<UserRecord>> {
        let row: Option<(i64, String, String, String, String)> = sqlx::query_as(
            "SELECT u.id, u.handle, u.email, u.display_name, u.password_hash \
             FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|(id, handle, email, display_name, password_hash)| UserRecord {
            id,
            handle,
            email,
            display_name,
            password_hash,
        }))
    }

    pub async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
