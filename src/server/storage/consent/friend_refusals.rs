//! A person's "no" to partners seeing them through their friends, and its undo: the refusal
//! rows the check reads, and one consent event per partner in the person's ledger, in one
//! ledger write. An event about this has no grant: it names the partner, the category
//! `friends` and the access `read`, and is marked `through_friends`.

use super::grants::Actor;
use super::ledger::{NewEvent, WriteTx};
use crate::server::storage::Store;
use crate::server::storage::error::StoreResult;
use std::collections::HashSet;

/// Whom a "no" (or its undo) is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeenBy {
    Partner(i64),
    EveryPartner,
}

/// A person's "no"s: to every partner, and to single partners.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FriendRefusals {
    pub everyone: bool,
    pub partners: HashSet<i64>,
}

impl FriendRefusals {
    pub fn refuses(&self, partner_id: i64) -> bool {
        self.everyone || self.partners.contains(&partner_id)
    }
}

/// What one friend's grant shows a partner of the person.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ExposureRow {
    pub partner_id: i64,
    pub friend_category: String,
    pub friend_name: String,
    pub friends_since: i64,
}

impl Store {
    pub async fn friend_refusals_of(&self, user_id: i64) -> StoreResult<FriendRefusals> {
        read_refusals(&self.pool, user_id).await
    }

    /// Every active read grant of the person's friends on a category that shows something of
    /// the person, with the friend and since when they are friends.
    pub async fn exposures_of(&self, user_id: i64, now: i64) -> StoreResult<Vec<ExposureRow>> {
        Ok(sqlx::query_as(
            "SELECT g.partner_id, c.slug AS friend_category, u.display_name AS friend_name, f.since AS friends_since \
             FROM friendships f JOIN users u ON u.id = f.friend_id \
             JOIN grants g ON g.user_id = f.friend_id AND g.access = 'read' AND g.status = 'active' \
             AND (g.expires_at IS NULL OR g.expires_at > $2) \
             JOIN categories c ON c.id = g.category_id AND c.slug IN ('friends', 'contacts', 'posts', 'calendar') \
             WHERE f.user_id = $1 ORDER BY g.partner_id, u.display_name",
        )
        .bind(user_id)
        .bind(now)
        .fetch_all(&self.pool)
        .await?)
    }

    /// The person says no to `seen_by` seeing them through friends; returns how many partners
    /// this newly covers (one event each). Saying it twice changes nothing.
    pub async fn refuse_through_friends(
        &self,
        user_id: i64,
        seen_by: SeenBy,
        actor: Actor,
        reason: Option<&str>,
        now: i64,
    ) -> StoreResult<usize> {
        let partners = self.partner_ids().await?;
        let mut tx = self.begin_ledger_write(user_id).await?;
        let before = read_refusals(&mut *tx, user_id).await?;
        let partner = match seen_by {
            SeenBy::Partner(id) => Some(id),
            SeenBy::EveryPartner => None,
        };
        let newly: Vec<i64> = match seen_by {
            SeenBy::Partner(id) => vec![id].into_iter().filter(|id| !before.refuses(*id)).collect(),
            SeenBy::EveryPartner if before.everyone => Vec::new(),
            SeenBy::EveryPartner => partners.into_iter().filter(|id| !before.refuses(*id)).collect(),
        };
        let already = match seen_by {
            SeenBy::Partner(id) => before.partners.contains(&id),
            SeenBy::EveryPartner => before.everyone,
        };
        if !already {
            sqlx::query("INSERT INTO friend_refusals (user_id, partner_id, since) VALUES ($1, $2, $3)")
                .bind(user_id)
                .bind(partner)
                .bind(now)
                .execute(&mut *tx)
                .await?;
        }
        for partner_id in &newly {
            // Saying no after letting a partner see them again withdraws that; otherwise it refuses.
            let status = match last_status(&mut tx, user_id, *partner_id).await?.as_deref() {
                Some("granted") => "withdrawn",
                _ => "refused",
            };
            append(&mut tx, user_id, *partner_id, status, actor, reason, now).await?;
        }
        tx.commit().await?;
        Ok(newly.len())
    }

    /// Undoes the person's "no" to `seen_by`; returns how many partners may see them again
    /// (one event each). Only the person does this; support never can.
    pub async fn allow_through_friends(&self, user_id: i64, seen_by: SeenBy, now: i64) -> StoreResult<usize> {
        let partners = self.partner_ids().await?;
        let mut tx = self.begin_ledger_write(user_id).await?;
        let before = read_refusals(&mut *tx, user_id).await?;
        let mut after = before.clone();
        match seen_by {
            SeenBy::Partner(id) => {
                sqlx::query("DELETE FROM friend_refusals WHERE user_id = $1 AND partner_id = $2")
                    .bind(user_id)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                after.partners.remove(&id);
            }
            SeenBy::EveryPartner => {
                sqlx::query("DELETE FROM friend_refusals WHERE user_id = $1 AND partner_id IS NULL")
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await?;
                after.everyone = false;
            }
        }
        let freed: Vec<i64> = partners
            .into_iter()
            .filter(|id| before.refuses(*id) && !after.refuses(*id))
            .collect();
        for partner_id in &freed {
            append(
                &mut tx,
                user_id,
                *partner_id,
                "granted",
                Actor::User(user_id),
                None,
                now,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(freed.len())
    }

    /// Every partner still in the catalog, by id.
    async fn partner_ids(&self) -> StoreResult<Vec<i64>> {
        Ok(
            sqlx::query_scalar("SELECT id FROM partners WHERE retired_at IS NULL ORDER BY id")
                .fetch_all(&self.pool)
                .await?,
        )
    }
}

/// A person's "no"s, read through `executor` (the pool, or the write that changes them).
async fn read_refusals<'c>(
    executor: impl sqlx::Executor<'c, Database = sqlx::Any>,
    user_id: i64,
) -> StoreResult<FriendRefusals> {
    let rows: Vec<(Option<i64>,)> = sqlx::query_as("SELECT partner_id FROM friend_refusals WHERE user_id = $1")
        .bind(user_id)
        .fetch_all(executor)
        .await?;
    let mut refusals = FriendRefusals::default();
    for (partner,) in rows {
        match partner {
            Some(id) => {
                refusals.partners.insert(id);
            }
            None => refusals.everyone = true,
        }
    }
    Ok(refusals)
}

/// The status of the person's latest event about `partner_id` seeing them through friends.
async fn last_status(tx: &mut WriteTx, user_id: i64, partner_id: i64) -> StoreResult<Option<String>> {
    Ok(sqlx::query_scalar(
        "SELECT status FROM consent_events WHERE user_id = $1 AND partner_id = $2 AND through_friends \
         ORDER BY id DESC LIMIT 1",
    )
    .bind(user_id)
    .bind(partner_id)
    .fetch_optional(&mut **tx)
    .await?)
}

async fn append(
    tx: &mut WriteTx,
    user_id: i64,
    partner_id: i64,
    status: &str,
    actor: Actor,
    reason: Option<&str>,
    now: i64,
) -> StoreResult<()> {
    let friends_category: i64 = sqlx::query_scalar("SELECT id FROM categories WHERE slug = 'friends'")
        .fetch_one(&mut **tx)
        .await?;
    let event = NewEvent {
        user_id,
        grant_id: None,
        partner_id,
        category_id: friends_category,
        access: "read",
        status,
        actor_kind: actor.kind(),
        actor_id: actor.id(),
        purpose: None,
        reason,
        at: now,
        request_id: None,
        through_friends: true,
    };
    Store::append_event(tx, &event).await
}
