//! The person's answer to a consent request, each in one ledger transaction: approving gives or
//! extends exactly the chosen grants with their `granted` events (and records the accesses left
//! out as refused); refusing records a `refused` event per access. Only a pending request can be
//! answered, so of two answers at once the second finds it already decided.

use super::grants::Actor;
use super::ledger::{NewEvent, WriteTx};
use super::requests::RequestItem;
use crate::domain::access::Access;
use crate::domain::consent_request::CategoryAccesses;
use crate::domain::request_decision::{AccessChoice, DecisionProblem, Term, check_chosen, granted_until};
use crate::domain::request_status::RequestStatus;
use crate::domain::slug::Slug;
use crate::server::storage::Store;
use crate::server::storage::error::StoreError;

/// Why an answer was not taken; nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum DecideError {
    #[error(transparent)]
    Problem(#[from] DecisionProblem),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for DecideError {
    fn from(error: sqlx::Error) -> Self {
        DecideError::Store(error.into())
    }
}

/// What an answer did, for the sentence the person reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decided {
    pub partner_name: String,
    /// Granted (when approved) or refused: (category noun, access).
    pub accesses: Vec<(String, Access)>,
    /// When approved: when the granted accesses end (`None`: until taken back).
    pub granted_until: Option<i64>,
}

/// The pending request being answered, read inside the answer's transaction.
#[derive(sqlx::FromRow)]
struct Answering {
    id: i64,
    partner_id: i64,
    partner_name: String,
    /// When the partner left the catalog, if it did: nothing can be granted to it then.
    partner_retired_at: Option<i64>,
    purpose: String,
    duration_days: Option<i64>,
    status: RequestStatus,
    #[sqlx(skip)]
    items: Vec<RequestItem>,
}

impl Answering {
    fn asked(&self) -> Vec<CategoryAccesses> {
        let mut asked: Vec<CategoryAccesses> = Vec::new();
        for item in &self.items {
            let Ok(category) = Slug::parse(&item.category_slug, "category") else {
                continue;
            };
            match asked.iter_mut().find(|detail| detail.category == category) {
                Some(detail) => detail.accesses.push(item.access),
                None => asked.push(CategoryAccesses {
                    category,
                    accesses: vec![item.access],
                }),
            }
        }
        asked
    }

    fn event<'a>(&'a self, user_id: i64, item: &'a RequestItem, actor: Actor, now: i64) -> NewEvent<'a> {
        NewEvent {
            user_id,
            grant_id: None,
            partner_id: self.partner_id,
            category_id: item.category_id,
            access: item.access.as_str(),
            status: "refused",
            actor_kind: actor.kind(),
            actor_id: actor.id(),
            purpose: None,
            reason: None,
            at: now,
            request_id: Some(self.id),
            through_friends: false,
        }
    }
}

impl Store {
    /// Opens the answer's transaction and reads the request, if it is `user_id`'s and pending.
    async fn begin_answer(&self, user_id: i64, public_id: &str, now: i64) -> Result<(WriteTx, Answering), DecideError> {
        let mut tx = self.begin_ledger_write(user_id).await?;
        Store::record_due_expiries(&mut tx, user_id, now).await?;
        Store::expire_due_requests(&mut tx, user_id, now).await?;
        let found: Option<Answering> = sqlx::query_as(
            "SELECT r.id, r.partner_id, p.name AS partner_name, p.retired_at AS partner_retired_at, r.purpose, \
             r.duration_days, r.status \
             FROM consent_requests r JOIN partners p ON p.id = r.partner_id \
             WHERE r.public_id = $1 AND r.user_id = $2",
        )
        .bind(public_id)
        .bind(user_id)
        .fetch_optional(&mut *tx)
        .await?;
        let mut answering = found.ok_or(DecisionProblem::NotFound)?;
        if answering.status != RequestStatus::Pending {
            return Err(DecisionProblem::AlreadyDecided(answering.status).into());
        }
        answering.items = Store::items_of_request(&mut *tx, answering.id).await?;
        Ok((tx, answering))
    }

    /// Marks the request decided. The answer's transaction holds the person's ledger, so the
    /// request is still pending here; the condition only makes sure.
    async fn close_request(
        tx: &mut WriteTx,
        id: i64,
        status: RequestStatus,
        actor: Actor,
        reason: Option<&str>,
        until: Option<i64>,
        now: i64,
    ) -> Result<(), DecideError> {
        let closed = sqlx::query(
            "UPDATE consent_requests SET status = $1, decided_at = $2, decided_by_kind = $3, decided_by_id = $4, \
             reason = $5, granted_until = $6 WHERE id = $7 AND status = 'pending'",
        )
        .bind(status)
        .bind(now)
        .bind(actor.kind())
        .bind(actor.id())
        .bind(reason)
        .bind(until)
        .bind(id)
        .execute(&mut **tx)
        .await?
        .rows_affected();
        if closed == 1 {
            return Ok(());
        }
        let status: RequestStatus = sqlx::query_scalar("SELECT status FROM consent_requests WHERE id = $1")
            .bind(id)
            .fetch_one(&mut **tx)
            .await?;
        Err(DecisionProblem::AlreadyDecided(status).into())
    }

    /// The person approves `chosen` (a part of what was asked, or all of it) for `term`, never
    /// past the term asked. Each chosen access becomes an active grant ending then: a new one,
    /// one given again, or an active one with its new end.
    pub async fn approve_request(
        &self,
        user_id: i64,
        public_id: &str,
        chosen: &[AccessChoice],
        term: Term,
        now: i64,
    ) -> Result<Decided, DecideError> {
        let (mut tx, request) = self.begin_answer(user_id, public_id, now).await?;
        let granted = check_chosen(&request.asked(), chosen)?;
        if request.partner_retired_at.is_some() {
            return Err(DecisionProblem::PartnerRetired(request.partner_name).into());
        }
        let asked_days = request.duration_days.and_then(|days| u32::try_from(days).ok());
        let until = granted_until(term, asked_days, now);
        let actor = Actor::User(user_id);
        let mut decided = Decided {
            partner_name: request.partner_name.clone(),
            accesses: Vec::new(),
            granted_until: until,
        };
        for item in &request.items {
            let chosen = granted
                .iter()
                .any(|choice| choice.category.as_str() == item.category_slug && choice.access == item.access);
            if !chosen {
                Store::append_event(&mut tx, &request.event(user_id, item, actor, now)).await?;
                continue;
            }
            let grant_id = Store::give_or_extend(&mut tx, user_id, &request, item, until, now).await?;
            sqlx::query(
                "UPDATE consent_request_items SET granted = 1 WHERE request_id = $1 AND category_id = $2 AND access = $3",
            )
            .bind(request.id)
            .bind(item.category_id)
            .bind(item.access)
            .execute(&mut *tx)
            .await?;
            let event = NewEvent {
                grant_id: Some(grant_id),
                status: "granted",
                purpose: Some(&request.purpose),
                ..request.event(user_id, item, actor, now)
            };
            Store::append_event(&mut tx, &event).await?;
            decided.accesses.push((item.category_name.to_lowercase(), item.access));
        }
        Store::close_request(&mut tx, request.id, RequestStatus::Approved, actor, None, until, now).await?;
        tx.commit().await?;
        Ok(decided)
    }

    /// The grant of `item` for the request's partner, active until `until` for the request's
    /// purpose: updated if the person ever had one, created otherwise. Returns its id.
    async fn give_or_extend(
        tx: &mut WriteTx,
        user_id: i64,
        request: &Answering,
        item: &RequestItem,
        until: Option<i64>,
        now: i64,
    ) -> Result<i64, DecideError> {
        // A grant given again starts now; an active one keeps its start and gets the new end.
        let updated: Option<i64> = sqlx::query_scalar(
            "UPDATE grants SET status = 'active', purpose = $1, expires_at = $2, changed_at = $3, \
             granted_at = CASE WHEN status = 'active' THEN granted_at ELSE $3 END \
             WHERE user_id = $4 AND partner_id = $5 AND category_id = $6 AND access = $7 RETURNING id",
        )
        .bind(&request.purpose)
        .bind(until)
        .bind(now)
        .bind(user_id)
        .bind(request.partner_id)
        .bind(item.category_id)
        .bind(item.access)
        .fetch_optional(&mut **tx)
        .await?;
        if let Some(id) = updated {
            return Ok(id);
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO grants (user_id, partner_id, category_id, access, purpose, status, granted_at, changed_at, \
             expires_at) VALUES ($1, $2, $3, $4, $5, 'active', $6, $6, $7) RETURNING id",
        )
        .bind(user_id)
        .bind(request.partner_id)
        .bind(item.category_id)
        .bind(item.access)
        .bind(&request.purpose)
        .bind(now)
        .bind(until)
        .fetch_one(&mut **tx)
        .await?;
        Ok(id)
    }

    /// The person, or support for them (with a reason), refuses the whole request: one
    /// `refused` event per access asked. Nothing is granted.
    pub async fn refuse_request(
        &self,
        user_id: i64,
        public_id: &str,
        actor: Actor,
        reason: Option<&str>,
        now: i64,
    ) -> Result<Decided, DecideError> {
        let (mut tx, request) = self.begin_answer(user_id, public_id, now).await?;
        let mut decided = Decided {
            partner_name: request.partner_name.clone(),
            accesses: Vec::new(),
            granted_until: None,
        };
        for item in &request.items {
            let event = NewEvent {
                reason,
                ..request.event(user_id, item, actor, now)
            };
            Store::append_event(&mut tx, &event).await?;
            decided.accesses.push((item.category_name.to_lowercase(), item.access));
        }
        Store::close_request(&mut tx, request.id, RequestStatus::Refused, actor, reason, None, now).await?;
        tx.commit().await?;
        Ok(decided)
    }
}
