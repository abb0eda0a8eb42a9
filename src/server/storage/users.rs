//! Accounts of the people whose data partners reach.

use super::Store;
use super::error::{StoreResult, conflict_on_unique};

#[derive(Debug, Clone)]
pub struct UserRecord {
    pub id: i64,
    pub handle: String,
    pub email: String,
    pub display_name: String,
    pub password_hash: String,
}

pub(super) type UserRow = (i64, String, String, String, String);

pub(super) fn record((id, handle, email, display_name, password_hash): UserRow) -> UserRecord {
    UserRecord {
        id,
        handle,
        email,
        display_name,
        password_hash,
    }
}

pub struct NewUser<'a> {
    pub handle: &'a str,
    pub email: &'a str,
    pub display_name: &'a str,
    pub password_hash: &'a str,
    pub created_at: i64,
}

impl Store {
    pub async fn create_user(&self, user: &NewUser<'_>) -> StoreResult<i64> {
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO users (handle, email, display_name, password_hash, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(user.handle)
        .bind(user.email)
        .bind(user.display_name)
        .bind(user.password_hash)
        .bind(user.created_at)
        .fetch_one(&self.pool)
        .await
        .map_err(conflict_on_unique("account"))?;
        Ok(id)
    }

    pub async fn user_by_email(&self, email: &str) -> StoreResult<Option<UserRecord>> {
        let row: Option<UserRow> =
            sqlx::query_as("SELECT id, handle, email, display_name, password_hash FROM users WHERE email = $1")
                .bind(email)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.map(record))
    }

    pub async fn user_id_by_handle(&self, handle: &str) -> StoreResult<Option<i64>> {
        let row: Option<(i64,)> = sqlx::query_as("SELECT id FROM users WHERE handle = $1")
            .bind(handle)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|(id,)| id))
    }
}
