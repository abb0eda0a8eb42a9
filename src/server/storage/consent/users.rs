//! Accounts of the people whose data partners reach.

use crate::domain::role::Role;
use crate::server::storage::Store;
use crate::server::storage::error::{StoreResult, conflict_on_unique};
use crate::server::storage::sql_lists::placeholders;
use std::collections::HashMap;

#[derive(Debug, Clone)]
pub struct UserRecord {
    pub id: i64,
    pub handle: String,
    pub email: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: Role,
}

/// An account as stored; the role is read leniently (see `UserRecord::from`).
#[derive(sqlx::FromRow)]
pub(in crate::server::storage) struct StoredUser {
    id: i64,
    handle: String,
    email: String,
    display_name: String,
    password_hash: String,
    role: String,
}

/// The columns `StoredUser` reads, from `users u`. A macro, so statements stay fixed text.
macro_rules! user_columns {
    () => {
        "u.id, u.handle, u.email, u.display_name, u.password_hash, u.role"
    };
}
pub(in crate::server::storage) use user_columns;

impl From<StoredUser> for UserRecord {
    fn from(user: StoredUser) -> Self {
        UserRecord {
            id: user.id,
            handle: user.handle,
            email: user.email,
            display_name: user.display_name,
            password_hash: user.password_hash,
            // An unknown role grants nothing beyond a person's own data.
            role: Role::parse(&user.role).unwrap_or(Role::User),
        }
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
        let id: i64 = sqlx::query_scalar(
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
        let user: Option<StoredUser> =
            sqlx::query_as(concat!("SELECT ", user_columns!(), " FROM users u WHERE u.email = $1"))
                .bind(email)
                .fetch_optional(&self.pool)
                .await?;
        Ok(user.map(UserRecord::from))
    }

    /// Makes an account support staff or admin (or a person again).
    pub async fn set_role(&self, user_id: i64, role: Role) -> StoreResult<()> {
        sqlx::query("UPDATE users SET role = $1 WHERE id = $2")
            .bind(role.as_str())
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn user_id_by_handle(&self, handle: &str) -> StoreResult<Option<i64>> {
        Ok(sqlx::query_scalar("SELECT id FROM users WHERE handle = $1")
            .bind(handle)
            .fetch_optional(&self.pool)
            .await?)
    }

    /// The display names of these users; an id nobody has is simply absent.
    pub async fn display_names(&self, user_ids: &[i64]) -> StoreResult<HashMap<i64, String>> {
        if user_ids.is_empty() {
            return Ok(HashMap::new());
        }
        let sql = format!(
            "SELECT id, display_name FROM users WHERE id IN ({})",
            placeholders(self.engine(), 1, user_ids.len())
        );
        // The statement holds only generated placeholders; every value is bound.
        let mut query = sqlx::query_as::<_, (i64, String)>(sqlx::AssertSqlSafe(sql));
        for id in user_ids {
            query = query.bind(*id);
        }
        Ok(query.fetch_all(&self.pool).await?.into_iter().collect())
    }
}
