//! Current grants and the consent ledger. Every change to a grant writes its ledger event in
//! the same transaction, so the grants are always what replaying the ledger gives.

use super::ledger::{NewEvent, WriteTx};
use crate::domain::access::Access;
use crate::domain::decision::GrantStatus;
use crate::domain::revocation::RevocationScope;
use crate::server::storage::Store;
use crate::server::storage::error::{StoreError, StoreResult};

/// Who took an action, as the ledger records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    User(i64),
    /// Support staff acting for the person, with the agent's account id.
    Support(i64),
    /// The app itself, recording what time did (an expiry).
    System,
}

impl Actor {
    pub(in crate::server::storage) fn kind(self) -> &'static str {
        match self {
            Actor::User(_) => "user",
            Actor::Support(_) => "support",
            Actor::System => "system",
        }
    }

    pub(in crate::server::storage) fn id(self) -> Option<i64> {
        match self {
            Actor::User(id) | Actor::Support(id) => Some(id),
            Actor::System => None,
        }
    }
}

/// One row of a user's grants with the catalog names the dashboard shows.
#[derive(Debug, Clone)]
pub struct GrantRow {
    pub id: i64,
    pub partner_id: i64,
    pub category_id: i64,
    pub partner_slug: String,
    pub partner_name: String,
    pub category_slug: String,
    pub access: Access,
    pub status: GrantStatus,
    pub purpose: String,
    pub granted_at: i64,
    pub changed_at: i64,
    pub expires_at: Option<i64>,
}

/// A grant a revocation took back, or "Allow again" gave back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevokedGrant {
    pub grant_id: i64,
    pub partner_id: i64,
    pub category_id: i64,
    pub access: Access,
}

/// id, partner slug and name, category slug, access, status, purpose, granted at, changed at.
type GrantTuple = (
    i64,
    i64,
    String,
    String,
    i64,
    String,
    String,
    String,
    String,
    i64,
    i64,
    Option<i64>,
);

/// What "Allow again" did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AllowedAgain {
    Granted(RevokedGrant),
    AlreadyActive,
}

pub struct NewGrant<'a> {
    pub user_id: i64,
    pub partner_slug: &'a str,
    pub category_slug: &'a str,
    pub access: Access,
    pub purpose: &'a str,
    pub granted_at: i64,
    /// When the grant ends by itself, if it does.
    pub expires_at: Option<i64>,
}

/// Whether `grant_id` is one of `user_id`'s grants: nobody may learn of another's grants.
async fn grant_belongs_to(tx: &mut WriteTx, grant_id: i64, user_id: i64) -> StoreResult<bool> {
    let found: Option<(i64,)> = sqlx::query_as("SELECT id FROM grants WHERE id = $1 AND user_id = $2")
        .bind(grant_id)
        .bind(user_id)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(found.is_some())
}

fn access_from_db(raw: &str) -> StoreResult<Access> {
    Access::parse(raw).map_err(|e| StoreError::Database(sqlx::Error::Decode(e.into())))
}

fn status_from_db(raw: &str) -> StoreResult<GrantStatus> {
    GrantStatus::parse(raw)
        .ok_or_else(|| StoreError::Database(sqlx::Error::Decode(format!("unknown grant status {raw}").into())))
}

impl Store {
    /// Gives a grant and records it in the ledger, in one transaction.
    pub async fn give_grant(&self, grant: &NewGrant<'_>, actor: Actor) -> StoreResult<i64> {
        let mut tx = self.begin_ledger_write(grant.user_id).await?;
        let (grant_id, partner_id, category_id): (i64, i64, i64) = sqlx::query_as(
            "INSERT INTO grants (user_id, partner_id, category_id, access, purpose, status, granted_at, changed_at, \
             expires_at) \
             SELECT $1, p.id, c.id, $2, $3, 'active', $4, $4, $7 FROM partners p, categories c \
             WHERE p.slug = $5 AND c.slug = $6 \
             RETURNING id, partner_id, category_id",
        )
        .bind(grant.user_id)
        .bind(grant.access.as_str())
        .bind(grant.purpose)
        .bind(grant.granted_at)
        .bind(grant.partner_slug)
        .bind(grant.category_slug)
        .bind(grant.expires_at)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound("partner or category"))?;
        let event = NewEvent {
            user_id: grant.user_id,
            grant_id: Some(grant_id),
            partner_id,
            category_id,
            access: grant.access.as_str(),
            status: "granted",
            actor_kind: actor.kind(),
            actor_id: actor.id(),
            purpose: Some(grant.purpose),
            reason: None,
            at: grant.granted_at,
            request_id: None,
        };
        Store::append_event(&mut tx, &event).await?;
        Store::record_due_expiries(&mut tx, grant.user_id, grant.granted_at).await?;
        tx.commit().await?;
        Ok(grant_id)
    }

    pub async fn grants_of_user(&self, user_id: i64) -> StoreResult<Vec<GrantRow>> {
        let rows: Vec<GrantTuple> = sqlx::query_as(
            "SELECT g.id, p.id, p.slug, p.name, c.id, c.slug, g.access, g.status, g.purpose, g.granted_at, g.changed_at, g.expires_at \
             FROM grants g JOIN partners p ON p.id = g.partner_id JOIN categories c ON c.id = g.category_id \
             WHERE g.user_id = $1 ORDER BY p.name, c.position",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(
                |(
                    id,
                    partner_id,
                    partner_slug,
                    partner_name,
                    category_id,
                    category_slug,
                    access,
                    status,
                    purpose,
                    granted_at,
                    changed_at,
                    expires_at,
                )| {
                    Ok(GrantRow {
                        id,
                        partner_id,
                        category_id,
                        partner_slug,
                        partner_name,
                        category_slug,
                        access: access_from_db(&access)?,
                        status: status_from_db(&status)?,
                        purpose,
                        granted_at,
                        changed_at,
                        expires_at,
                    })
                },
            )
            .collect()
    }

    /// Takes back every active grant of `user_id` in `scope`. The grants change and their
    /// ledger events are written in one transaction, committed before this returns. Grants that
    /// are already taken back are not touched, so revoking twice writes one event.
    pub async fn revoke(
        &self,
        user_id: i64,
        scope: &RevocationScope,
        actor: Actor,
        now: i64,
    ) -> StoreResult<Vec<RevokedGrant>> {
        self.revoke_with_reason(user_id, scope, actor, None, now).await
    }

    /// `revoke`, with the reason the ledger records (support gives one; the person need not).
    pub async fn revoke_with_reason(
        &self,
        user_id: i64,
        scope: &RevocationScope,
        actor: Actor,
        reason: Option<&str>,
        now: i64,
    ) -> StoreResult<Vec<RevokedGrant>> {
        // Resolve names first, so an unknown name is a clear error and not an empty revocation.
        let (mut sql, mut filters) = (String::new(), Vec::<i64>::new());
        match scope {
            RevocationScope::Grant(id) => {
                sql.push_str(" AND id = $4");
                filters.push(*id);
            }
            RevocationScope::Matching {
                partner,
                category,
                access: _,
            } => {
                if let Some(slug) = partner {
                    let id = self.catalog_id("partners", slug.as_str()).await?.ok_or_else(|| {
                        StoreError::UnknownName(format!("There is no partner called \u{201c}{slug}\u{201d}."))
                    })?;
                    filters.push(id);
                    sql.push_str(&format!(" AND partner_id = ${}", filters.len() + 3));
                }
                if let Some(slug) = category {
                    let id = self.catalog_id("categories", slug.as_str()).await?.ok_or_else(|| {
                        StoreError::UnknownName(format!("There is no data category called \u{201c}{slug}\u{201d}."))
                    })?;
                    filters.push(id);
                    sql.push_str(&format!(" AND category_id = ${}", filters.len() + 3));
                }
            }
        }
        let access_filter = match scope {
            RevocationScope::Matching {
                access: Some(access), ..
            } => {
                sql.push_str(&format!(" AND access = ${}", filters.len() + 4));
                Some(access.as_str())
            }
            _ => None,
        };
        let status = match actor {
            // DPV: the person withdraws consent; anyone else acting for them revokes it.
            Actor::User(_) | Actor::System => GrantStatus::Withdrawn,
            Actor::Support(_) => GrantStatus::Revoked,
        };
        let statement = format!(
            "UPDATE grants SET status = $1, changed_at = $2 WHERE user_id = $3 AND status = 'active'{sql} \
             RETURNING id, partner_id, category_id, access"
        );

        let mut tx = self.begin_ledger_write(user_id).await?;
        // Grants whose time ran out end as expired first, so they are not also withdrawn.
        Store::record_due_expiries(&mut tx, user_id, now).await?;
        // Only fixed column names and numbered placeholders are spliced in; every value is bound.
        let mut query = sqlx::query_as::<_, (i64, i64, i64, String)>(sqlx::AssertSqlSafe(statement))
            .bind(status.as_str())
            .bind(now)
            .bind(user_id);
        for id in &filters {
            query = query.bind(*id);
        }
        if let Some(access) = access_filter {
            query = query.bind(access);
        }
        let changed = query.fetch_all(&mut *tx).await?;

        // Nothing changed: either the grant was already taken back (fine, idempotent) or it is
        // not this user's at all, which must not look like success.
        if changed.is_empty()
            && let RevocationScope::Grant(id) = scope
            && !grant_belongs_to(&mut tx, *id, user_id).await?
        {
            return Err(StoreError::NotFound("grant"));
        }

        let mut revoked = Vec::with_capacity(changed.len());
        for (grant_id, partner_id, category_id, access) in changed {
            let event = NewEvent {
                user_id,
                grant_id: Some(grant_id),
                partner_id,
                category_id,
                access: &access,
                status: status.as_str(),
                actor_kind: actor.kind(),
                actor_id: actor.id(),
                purpose: None,
                reason,
                at: now,
                request_id: None,
            };
            Store::append_event(&mut tx, &event).await?;
            revoked.push(RevokedGrant {
                grant_id,
                partner_id,
                category_id,
                access: access_from_db(&access)?,
            });
        }
        tx.commit().await?;
        Ok(revoked)
    }

    /// Gives a taken-back grant again, as a new ledger event; history is never edited.
    /// Returns false if the grant was already active (nothing written).
    pub async fn allow_again(&self, user_id: i64, grant_id: i64, actor: Actor, now: i64) -> StoreResult<AllowedAgain> {
        let mut tx = self.begin_ledger_write(user_id).await?;
        Store::record_due_expiries(&mut tx, user_id, now).await?;
        // Given again by the user's own click, the grant has no end date until they set one.
        let changed: Option<(i64, i64, String, String)> = sqlx::query_as(
            "UPDATE grants SET status = 'active', granted_at = $1, changed_at = $1, expires_at = NULL \
             WHERE id = $2 AND user_id = $3 AND status <> 'active' \
             AND partner_id IN (SELECT id FROM partners WHERE retired_at IS NULL) \
             RETURNING partner_id, category_id, access, purpose",
        )
        .bind(now)
        .bind(grant_id)
        .bind(user_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((partner_id, category_id, access, purpose)) = changed else {
            // Nothing changed: not this user's grant, a retired partner's, or already active.
            let partner: Option<(String, Option<i64>)> = sqlx::query_as(
                "SELECT p.name, p.retired_at FROM grants g JOIN partners p ON p.id = g.partner_id \
                 WHERE g.id = $1 AND g.user_id = $2",
            )
            .bind(grant_id)
            .bind(user_id)
            .fetch_optional(&mut *tx)
            .await?;
            return match partner {
                None => Err(StoreError::NotFound("grant")),
                Some((name, Some(_))) => Err(StoreError::UnknownName(format!(
                    "{name} has left the partner catalog, so it cannot be allowed again."
                ))),
                Some((_, None)) => Ok(AllowedAgain::AlreadyActive),
            };
        };
        let event = NewEvent {
            user_id,
            grant_id: Some(grant_id),
            partner_id,
            category_id,
            access: &access,
            status: "granted",
            actor_kind: actor.kind(),
            actor_id: actor.id(),
            purpose: Some(&purpose),
            reason: None,
            at: now,
            request_id: None,
        };
        Store::append_event(&mut tx, &event).await?;
        tx.commit().await?;
        Ok(AllowedAgain::Granted(RevokedGrant {
            grant_id,
            partner_id,
            category_id,
            access: access_from_db(&access)?,
        }))
    }

    /// Number of ledger events of a user: lets tests see that nothing was written.
    pub async fn ledger_length(&self, user_id: i64) -> StoreResult<i64> {
        let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM consent_events WHERE user_id = $1")
            .bind(user_id)
            .fetch_one(&self.pool)
            .await?;
        Ok(count)
    }

    async fn catalog_id(&self, table: &'static str, slug: &str) -> StoreResult<Option<i64>> {
        // `table` is one of two fixed names chosen by the caller, never input.
        let row: Option<(i64,)> =
            sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT id FROM {table} WHERE slug = $1")))
                .bind(slug)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.map(|(id,)| id))
    }
}
