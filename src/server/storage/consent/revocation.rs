//! Taking grants back: one click's revocation, resolved against one reading of the catalog,
//! with a fixed statement per kind of scope and a ledger event per grant in one transaction.

use super::catalog::Catalog;
use super::grants::{Actor, ChangedGrant, EventOf};
use super::ledger::WriteTx;
use crate::domain::access::Access;
use crate::domain::decision::GrantStatus;
use crate::domain::revocation::{RevocationScope, ScopeError};
use crate::server::storage::Store;
use crate::server::storage::error::{StoreError, StoreResult};

/// What a revocation took back, and the catalog it was resolved against: the caller names the
/// grants and draws its answer from this reading instead of reading the catalog again.
#[derive(Debug, Clone)]
pub struct Revocation {
    pub revoked: Vec<ChangedGrant>,
    pub catalog: Catalog,
}

/// A revocation scope with its names resolved to catalog ids.
enum Target {
    Grant(i64),
    /// Each part left `None` matches any; at least one is set.
    Matching {
        partner_id: Option<i64>,
        category_id: Option<i64>,
        access: Option<Access>,
    },
}

impl Target {
    fn resolve(scope: &RevocationScope, catalog: &Catalog) -> StoreResult<Self> {
        Ok(match scope {
            RevocationScope::Grant(id) => Target::Grant(*id),
            // It would take back everything. `RevocationScope::parse` never makes one; a caller
            // building the scope itself must not either.
            RevocationScope::Matching {
                partner: None,
                category: None,
                access: None,
            } => return Err(StoreError::UnknownName(ScopeError::NothingNamed.to_string())),
            RevocationScope::Matching {
                partner,
                category,
                access,
            } => Target::Matching {
                partner_id: partner
                    .as_ref()
                    .map(|slug| catalog.partner_id(slug.as_str()))
                    .transpose()?,
                category_id: category
                    .as_ref()
                    .map(|slug| catalog.category_id(slug.as_str()))
                    .transpose()?,
                access: *access,
            },
        })
    }
}

/// Takes back one active grant of a user.
const TAKE_BACK_GRANT: &str = "UPDATE grants SET status = $1, changed_at = $2 \
     WHERE user_id = $3 AND status = 'active' AND id = $4 \
     RETURNING id AS grant_id, partner_id, category_id, access";

/// Takes back a user's active grants matching a partner, a category and an access; a NULL
/// part matches any.
const TAKE_BACK_MATCHING: &str = "UPDATE grants SET status = $1, changed_at = $2 \
     WHERE user_id = $3 AND status = 'active' \
     AND ($4 IS NULL OR partner_id = $4) AND ($5 IS NULL OR category_id = $5) AND ($6 IS NULL OR access = $6) \
     RETURNING id AS grant_id, partner_id, category_id, access";

impl Store {
    /// Takes back every active grant of `user_id` in `scope`. The grants change and their
    /// ledger events are written in one transaction, committed before this returns. Grants that
    /// are already taken back are not touched, so revoking twice writes one event.
    pub async fn revoke(
        &self,
        user_id: i64,
        scope: &RevocationScope,
        actor: Actor,
        now: i64,
    ) -> StoreResult<Revocation> {
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
    ) -> StoreResult<Revocation> {
        // Read before the write lock, which it need not hold up: the catalog only grows. Names
        // are resolved first, so an unknown name is a clear error and not an empty revocation.
        let catalog = self.catalog().await?;
        let target = Target::resolve(scope, &catalog)?;
        let status = match actor {
            // DPV: the person withdraws consent; anyone else acting for them revokes it.
            Actor::User(_) | Actor::System => GrantStatus::Withdrawn,
            Actor::Support(_) => GrantStatus::Revoked,
        };

        let mut tx = self.begin_ledger_write(user_id).await?;
        // Grants whose time ran out end as expired first, so they are not also withdrawn.
        Store::record_due_expiries(&mut tx, user_id, now).await?;
        let revoked: Vec<ChangedGrant> = match target {
            Target::Grant(grant_id) => {
                sqlx::query_as(TAKE_BACK_GRANT)
                    .bind(status)
                    .bind(now)
                    .bind(user_id)
                    .bind(grant_id)
                    .fetch_all(&mut *tx)
                    .await?
            }
            Target::Matching {
                partner_id,
                category_id,
                access,
            } => {
                sqlx::query_as(TAKE_BACK_MATCHING)
                    .bind(status)
                    .bind(now)
                    .bind(user_id)
                    .bind(partner_id)
                    .bind(category_id)
                    .bind(access)
                    .fetch_all(&mut *tx)
                    .await?
            }
        };

        // Nothing changed: either the grant was already taken back (fine, idempotent) or it is
        // not this user's at all, which must not look like success.
        if revoked.is_empty()
            && let RevocationScope::Grant(id) = scope
            && !grant_belongs_to(&mut tx, *id, user_id).await?
        {
            return Err(StoreError::NotFound("grant"));
        }
        for grant in &revoked {
            let taken_back = EventOf {
                status: status.as_str(),
                actor,
                purpose: None,
                reason,
                at: now,
            };
            Store::append_event(&mut tx, &grant.event(user_id, taken_back)).await?;
        }
        tx.commit().await?;
        Ok(Revocation { revoked, catalog })
    }
}

/// Whether `grant_id` is one of `user_id`'s grants: nobody may learn of another's grants.
async fn grant_belongs_to(tx: &mut WriteTx, grant_id: i64, user_id: i64) -> StoreResult<bool> {
    let found: Option<i64> = sqlx::query_scalar("SELECT id FROM grants WHERE id = $1 AND user_id = $2")
        .bind(grant_id)
        .bind(user_id)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(found.is_some())
}
