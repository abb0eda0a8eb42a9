//! The load users, their grants and their chained ledger events, made in memory in batches.

use super::load_user_handle;
use crate::domain::access::Access;
use crate::domain::ledger_hash::{GENESIS, NewEvent};
use crate::server::clock::date_ms;
use crate::server::storage::consent::catalog::CatalogEntry;
use crate::server::storage::consent::ledger::event_hash;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// The average number of grants a load user holds.
pub(super) const GRANTS_PER_USER: f64 = 25.0;
/// The share of grants the user has withdrawn since (a second ledger event each).
pub(super) const WITHDRAWN_SHARE: f64 = 0.08;

/// One partner, category and access a grant can be for, and how likely a user is to hold it.
pub(super) struct GrantKind {
    pub(super) partner_id: i64,
    pub(super) category_id: i64,
    pub(super) access: Access,
    pub(super) probability: f64,
    pub(super) purpose: String,
}

/// What the 2018 reports said each partner could do: these grants are the common ones.
pub(super) fn reported(partner: &str, category: &str, access: Access) -> bool {
    use Access::Read;
    matches!(
        (partner, category, access),
        ("spotify", "messages", _)
            | ("netflix" | "rbc", "messages", Read)
            | ("bing" | "amazon" | "nytimes" | "yandex", "friends", Read)
            | ("amazon" | "apple", "contacts", Read)
            | ("yandex", "profile", Read)
            | ("apple", "calendar", Read)
            | ("yahoo", "posts", Read)
    )
}

/// Every partner × category × access, weighted so a user holds `GRANTS_PER_USER` on average:
/// reading is common, writing rarer, deleting rarest, and the reported patterns four times as likely.
pub(super) fn grant_kinds(partners: &[CatalogEntry], categories: &[CatalogEntry]) -> Vec<GrantKind> {
    let weight = |partner: &CatalogEntry, category: &CatalogEntry, access: Access| {
        let base = match access {
            Access::Read => 1.0,
            Access::Write => 0.35,
            Access::Delete => 0.15,
        };
        if reported(&partner.slug, &category.slug, access) {
            base * 4.0
        } else {
            base
        }
    };
    let mut kinds = Vec::new();
    let mut total = 0.0;
    for partner in partners {
        for category in categories {
            for access in Access::ALL {
                let w = weight(partner, category, access);
                total += w;
                kinds.push(GrantKind {
                    partner_id: partner.id,
                    category_id: category.id,
                    access,
                    probability: w,
                    purpose: format!(
                        "{} features that use your {}",
                        partner.name,
                        category.name.to_lowercase()
                    ),
                });
            }
        }
    }
    for kind in &mut kinds {
        kind.probability = (kind.probability * GRANTS_PER_USER / total).min(0.95);
    }
    kinds
}

pub(super) struct UserRow {
    pub(super) id: i64,
    pub(super) handle: String,
    pub(super) email: String,
    pub(super) name: String,
    pub(super) created_at: i64,
}

pub(super) struct GrantRow {
    pub(super) id: i64,
    pub(super) user_id: i64,
    pub(super) kind: usize,
    pub(super) status: &'static str,
    pub(super) granted_at: i64,
    pub(super) changed_at: i64,
}

pub(super) struct EventRow {
    pub(super) id: i64,
    pub(super) user_id: i64,
    pub(super) grant_id: i64,
    pub(super) kind: usize,
    pub(super) status: &'static str,
    pub(super) at: i64,
    pub(super) prev_hash: String,
    pub(super) hash: String,
}

#[derive(Default)]
pub(super) struct Batch {
    pub(super) users: Vec<UserRow>,
    pub(super) grants: Vec<GrantRow>,
    pub(super) events: Vec<EventRow>,
}

/// The next free id of each table: rows are numbered here so events can name their grant.
#[derive(Clone, Copy)]
pub(super) struct NextIds {
    pub(super) user: i64,
    pub(super) grant: i64,
    pub(super) event: i64,
}

/// Makes users `from..to` with their grants and their chained ledger events.
pub(super) fn generate(kinds: &[GrantKind], from: u32, to: u32, ids: &mut NextIds, now: i64) -> Batch {
    let mut rng = StdRng::seed_from_u64(u64::from(from));
    let (first_grant_day, last_grant_day) = (date_ms(2010, 1, 1), date_ms(2018, 12, 1));
    let mut batch = Batch::default();
    for n in from..to {
        let user_id = ids.user;
        ids.user += 1;
        let handle = load_user_handle(n);
        batch.users.push(UserRow {
            id: user_id,
            email: format!("{handle}@load.example"),
            name: format!("Load User {n}"),
            handle,
            created_at: date_ms(2009, 1, 1) + rng.gen_range(0..365 * 86_400_000),
        });
        // (at, grant id, kind, status) of each event, put in time order before chaining.
        let mut events: Vec<(i64, i64, usize, &'static str)> = Vec::new();
        for (kind, grant_kind) in kinds.iter().enumerate() {
            if !rng.gen_bool(grant_kind.probability) {
                continue;
            }
            let grant_id = ids.grant;
            ids.grant += 1;
            let granted_at = rng.gen_range(first_grant_day..last_grant_day);
            events.push((granted_at, grant_id, kind, "granted"));
            let (status, changed_at) = if rng.gen_bool(WITHDRAWN_SHARE) {
                let withdrawn_at = rng.gen_range(granted_at + 1..now);
                events.push((withdrawn_at, grant_id, kind, "withdrawn"));
                ("withdrawn", withdrawn_at)
            } else {
                ("active", granted_at)
            };
            batch.grants.push(GrantRow {
                id: grant_id,
                user_id,
                kind,
                status,
                granted_at,
                changed_at,
            });
        }
        events.sort_unstable();
        let mut prev_hash = GENESIS.to_owned();
        for (at, grant_id, kind, status) in events {
            let grant_kind = &kinds[kind];
            let event = NewEvent {
                user_id,
                grant_id: Some(grant_id),
                partner_id: grant_kind.partner_id,
                category_id: grant_kind.category_id,
                access: grant_kind.access.as_str(),
                status,
                actor_kind: "user",
                actor_id: Some(user_id),
                purpose: (status == "granted").then_some(grant_kind.purpose.as_str()),
                reason: None,
                at,
                request_id: None,
                through_friends: false,
            };
            let hash = event_hash(&event, &prev_hash);
            batch.events.push(EventRow {
                id: ids.event,
                user_id,
                grant_id,
                kind,
                status,
                at,
                prev_hash: std::mem::replace(&mut prev_hash, hash.clone()),
                hash,
            });
            ids.event += 1;
        }
    }
    batch
}
