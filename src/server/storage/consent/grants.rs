//! Current grants: giving one, listing a user's, giving one back (taking them back is in
//! `revocation`). Every change to a grant writes its ledger event in the same transaction, so
//! the grants are always what replaying the ledger gives.

use super::ledger::NewEvent;
use crate::domain::access::Access;
use crate::domain::decision::GrantStatus;
use crate::domain::request_decision::Term;
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

/// One of a user's grants. Its partner and category are catalog ids: callers name them from
/// the catalog reading they already hold.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct GrantRow {
    pub id: i64,
    pub partner_id: i64,
    pub category_id: i64,
    pub access: Access,
    pub status: GrantStatus,
    pub purpose: String,
    pub granted_at: i64,
    pub changed_at: i64,
    pub expires_at: Option<i64>,
}

/// A grant a change gave, took back, or gave back: what its ledger event names.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ChangedGrant {
    pub grant_id: i64,
    pub partner_id: i64,
    pub category_id: i64,
    pub access: Access,
}

/// What "Allow again" did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AllowedAgain {
    Granted(ChangedGrant),
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

/// A grant given back by "Allow again", with the purpose it was first given for.
#[derive(sqlx::FromRow)]
struct GivenBack {
    #[sqlx(flatten)]
    grant: ChangedGrant,
    purpose: String,
}

/// The partner of a grant "Allow again" could not give back, to say why.
#[derive(sqlx::FromRow)]
struct PartnerOfGrant {
    partner_name: String,
    retired_at: Option<i64>,
}

/// What the ledger says about one changed grant.
pub(super) struct EventOf<'a> {
    pub(super) status: &'a str,
    pub(super) actor: Actor,
    pub(super) purpose: Option<&'a str>,
    pub(super) reason: Option<&'a str>,
    pub(super) at: i64,
}

impl ChangedGrant {
    /// The ledger event of this change.
    pub(super) fn event<'a>(&'a self, user_id: i64, what: EventOf<'a>) -> NewEvent<'a> {
        NewEvent {
            user_id,
            grant_id: Some(self.grant_id),
            partner_id: self.partner_id,
            category_id: self.category_id,
            access: self.access.as_str(),
            status: what.status,
            actor_kind: what.actor.kind(),
            actor_id: what.actor.id(),
            purpose: what.purpose,
            reason: what.reason,
            at: what.at,
            request_id: None,
            through_friends: false,
        }
    }
}

/// Gives back a grant taken back, ending `$1` (NULL: until taken back again).
const GIVE_BACK_FOR_TERM: &str = "UPDATE grants SET status = 'active', granted_at = $2, changed_at = $2, expires_at = $1 \
     WHERE id = $3 AND user_id = $4 AND status <> 'active' \
     AND partner_id IN (SELECT id FROM partners WHERE retired_at IS NULL) \
     RETURNING id AS grant_id, partner_id, category_id, access, purpose";

/// Gives back a grant taken back with the end it had, if that is after `$1` (now).
const GIVE_BACK_AS_BEFORE: &str = "UPDATE grants SET status = 'active', granted_at = $2, changed_at = $2, \
     expires_at = CASE WHEN expires_at > $1 THEN expires_at ELSE NULL END \
     WHERE id = $3 AND user_id = $4 AND status <> 'active' \
     AND partner_id IN (SELECT id FROM partners WHERE retired_at IS NULL) \
     RETURNING id AS grant_id, partner_id, category_id, access, purpose";

impl Store {
    /// Gives a grant and records it in the ledger, in one transaction.
    pub async fn give_grant(&self, grant: &NewGrant<'_>, actor: Actor) -> StoreResult<i64> {
        let mut tx = self.begin_ledger_write(grant.user_id).await?;
        let given: ChangedGrant = sqlx::query_as(
            "INSERT INTO grants (user_id, partner_id, category_id, access, purpose, status, granted_at, changed_at, \
             expires_at) \
             SELECT $1, p.id, c.id, $2, $3, 'active', $4, $4, $7 FROM partners p, categories c \
             WHERE p.slug = $5 AND c.slug = $6 \
             RETURNING id AS grant_id, partner_id, category_id, access",
        )
        .bind(grant.user_id)
        .bind(grant.access)
        .bind(grant.purpose)
        .bind(grant.granted_at)
        .bind(grant.partner_slug)
        .bind(grant.category_slug)
        .bind(grant.expires_at)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound("partner or category"))?;
        let granted = EventOf {
            status: "granted",
            actor,
            purpose: Some(grant.purpose),
            reason: None,
            at: grant.granted_at,
        };
        Store::append_event(&mut tx, &given.event(grant.user_id, granted)).await?;
        Store::record_due_expiries(&mut tx, grant.user_id, grant.granted_at).await?;
        tx.commit().await?;
        Ok(given.grant_id)
    }

    /// Every grant of a user, active or not, oldest first.
    pub async fn grants_of_user(&self, user_id: i64) -> StoreResult<Vec<GrantRow>> {
        Ok(sqlx::query_as(
            "SELECT id, partner_id, category_id, access, status, purpose, granted_at, changed_at, expires_at \
             FROM grants WHERE user_id = $1 ORDER BY id",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Gives a taken-back grant again, as a new ledger event; history is never edited. It lasts
    /// for `term` from `now`, or, without one (an undo), ends when it ended before if that is
    /// still ahead. Returns `AlreadyActive` if the grant was already active (nothing written).
    pub async fn allow_again(
        &self,
        user_id: i64,
        grant_id: i64,
        actor: Actor,
        term: Option<Term>,
        now: i64,
    ) -> StoreResult<AllowedAgain> {
        let mut tx = self.begin_ledger_write(user_id).await?;
        Store::record_due_expiries(&mut tx, user_id, now).await?;
        let query = match term {
            Some(term) => sqlx::query_as(GIVE_BACK_FOR_TERM).bind(term.ends_at(now)),
            None => sqlx::query_as(GIVE_BACK_AS_BEFORE).bind(now),
        };
        let changed: Option<GivenBack> = query
            .bind(now)
            .bind(grant_id)
            .bind(user_id)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(GivenBack { grant, purpose }) = changed else {
            // Nothing changed: not this user's grant, a retired partner's, or already active.
            let partner: Option<PartnerOfGrant> = sqlx::query_as(
                "SELECT p.name AS partner_name, p.retired_at FROM grants g JOIN partners p ON p.id = g.partner_id \
                 WHERE g.id = $1 AND g.user_id = $2",
            )
            .bind(grant_id)
            .bind(user_id)
            .fetch_optional(&mut *tx)
            .await?;
            return match partner {
                None => Err(StoreError::NotFound("grant")),
                Some(PartnerOfGrant {
                    partner_name,
                    retired_at: Some(_),
                }) => Err(StoreError::UnknownName(format!(
                    "{partner_name} has left the partner catalog, so it cannot be allowed again."
                ))),
                Some(_) => Ok(AllowedAgain::AlreadyActive),
            };
        };
        let granted = EventOf {
            status: "granted",
            actor,
            purpose: Some(&purpose),
            reason: None,
            at: now,
        };
        Store::append_event(&mut tx, &grant.event(user_id, granted)).await?;
        tx.commit().await?;
        Ok(AllowedAgain::Granted(grant))
    }

    /// Number of ledger events of a user: lets tests see that nothing was written.
    pub async fn ledger_length(&self, user_id: i64) -> StoreResult<i64> {
        Ok(
            sqlx::query_scalar("SELECT COUNT(*) FROM consent_events WHERE user_id = $1")
                .bind(user_id)
                .fetch_one(&self.pool)
                .await?,
        )
    }
}
