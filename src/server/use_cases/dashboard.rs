//! Assembles the dashboard from the store, and runs a user's revocation and "Allow again".
//! Each click reads the partner catalog once and words its notice and draws the dashboard it
//! answers with from that one reading.

use crate::api::dashboard::DashboardChange;
use crate::domain::access::Access;
use crate::domain::activity::{WEEK_MS, usage_sentence};
use crate::domain::dashboard::{CategoryColumn, Cell, DashboardView, GrantView, PartnerRow};
use crate::domain::decision::{GrantStatus, effective_status};
use crate::domain::history::EventStatus;
use crate::domain::request_decision::Term;
use crate::domain::revocation::{RevocationScope, Revoked, revocation_notice};
use crate::domain::unused::UnusedLimit;
use crate::domain::wording;
use crate::server::clock::{human_date, now_ms};
use crate::server::metrics;
use crate::server::storage::activity::AccessUse;
use crate::server::storage::consent::catalog::Catalog;
use crate::server::storage::consent::grants::{Actor, AllowedAgain, ChangedGrant, GrantRow};
use crate::server::storage::consent::revocation::Revocation;
use crate::server::storage::consent::told::ToldRow;
use crate::server::storage::{Store, StoreError};
use crate::server::use_cases::history::told_sentence;
use std::collections::HashMap;

pub async fn build(store: &Store, user_id: i64, unused: UnusedLimit) -> Result<DashboardView, StoreError> {
    build_with(store, user_id, unused, &store.catalog().await?).await
}

/// The dashboard, named and ordered by the catalog this click has already read: partners by
/// name, categories in their order.
async fn build_with(
    store: &Store,
    user_id: i64,
    unused: UnusedLimit,
    catalog: &Catalog,
) -> Result<DashboardView, StoreError> {
    let now = now_ms();
    let watched_since = store.use_watched_since().await?;
    let usage: HashMap<(i64, i64, Access), AccessUse> = store
        .access_use_of_user(user_id, now - WEEK_MS)
        .await?
        .into_iter()
        .map(|u| ((u.partner_id, u.category_id, u.access), u))
        .collect();
    let told = store.told_of_latest_grant_events(user_id).await?;
    let mut grants_by_partner: HashMap<i64, Vec<GrantRow>> = HashMap::new();
    for grant in store.grants_of_user(user_id).await? {
        grants_by_partner.entry(grant.partner_id).or_default().push(grant);
    }
    let rows = catalog
        .partners
        .iter()
        .filter_map(|partner| {
            let mut cells = vec![Cell::default(); catalog.categories.len()];
            for grant in grants_by_partner.remove(&partner.id)? {
                let Some(index) = catalog.categories.iter().position(|c| c.id == grant.category_id) else {
                    continue;
                };
                let used = usage.get(&(grant.partner_id, grant.category_id, grant.access));
                let noun = catalog.categories[index].name.to_lowercase();
                let unused_rule = UnusedRule {
                    limit: unused,
                    watched_since,
                    partner_name: &partner.name,
                    category_noun: &noun,
                };
                let told = told.get(&grant.id);
                cells[index]
                    .grants
                    .push(grant_view(grant, used, &unused_rule, told, now));
            }
            for cell in &mut cells {
                cell.grants.sort_by_key(|g| g.access);
            }
            Some(PartnerRow {
                slug: partner.slug.clone(),
                name: partner.name.clone(),
                cells,
            })
        })
        .collect();
    let categories = catalog
        .categories
        .iter()
        .map(|c| CategoryColumn {
            slug: c.slug.clone(),
            name: c.name.clone(),
        })
        .collect();
    Ok(DashboardView { categories, rows })
}

/// What a cell needs to say whether an access will expire unused, and in whose words.
struct UnusedRule<'a> {
    limit: UnusedLimit,
    watched_since: i64,
    partner_name: &'a str,
    category_noun: &'a str,
}

/// One grant as its cell shows it, with how much its partner used it this week.
fn grant_view(
    grant: GrantRow,
    used: Option<&AccessUse>,
    unused: &UnusedRule,
    told: Option<&ToldRow>,
    now: i64,
) -> GrantView {
    let status = effective_status(grant.status, grant.expires_at, now);
    let active = status == GrantStatus::Active;
    let last_used = used.and_then(|u| u.last_allowed_at);
    let used_this_week = used.is_some_and(|u| u.allowed_since > 0);
    let deadline = unused.limit.deadline(grant.changed_at, last_used, unused.watched_since);
    let unused_warning = (active && !used_this_week && grant.expires_at.is_none_or(|end| deadline < end))
        .then(|| wording::expires_unless_used(unused.partner_name, &human_date(deadline)));
    let never_used = (active && last_used.is_none())
        .then(|| wording::never_used(unused.partner_name, grant.access, unused.category_noun));
    // A grant whose term ran out before anyone recorded it ended at its term; every recorded
    // end (an expiry by date or by disuse included) is its `changed_at`.
    let ended_at = match (grant.status, status) {
        (GrantStatus::Active, GrantStatus::Expired) => grant.expires_at.unwrap_or(grant.changed_at),
        _ => grant.changed_at,
    };
    GrantView {
        id: grant.id,
        access: grant.access,
        active,
        purpose: grant.purpose,
        since: human_date(grant.granted_at),
        ended: (!active).then(|| format!("{} {}", status.ended_word(), human_date(ended_at))),
        // The stored end, not one only reached by the clock: that has no event to tell of yet.
        told: told
            .filter(|_| grant.status != GrantStatus::Active)
            .and_then(|told| told_sentence(told, unused.partner_name, EventStatus::Withdrawn)),
        until: grant.expires_at.filter(|_| active).map(human_date),
        usage: usage_sentence(grant.access, used.map_or(0, |u| u.allowed_since), last_used, now),
        unused_warning,
        never_used,
    }
}

/// Revokes for the user themselves: the notice, the grants taken back (for "Allow again")
/// and the dashboard after it, all once the revocation is committed.
pub async fn revoke(
    store: &Store,
    user_id: i64,
    scope: &RevocationScope,
    unused: UnusedLimit,
) -> Result<DashboardChange, StoreError> {
    let Revocation { revoked, catalog } =
        metrics::revocation(store.revoke(user_id, scope, Actor::User(user_id), now_ms())).await?;
    let notice = revocation_notice(scope, &named(&catalog, &revoked), "your");
    let view = build_with(store, user_id, unused, &catalog).await?;
    // The cells just built already say what each partner was told of its grant's end.
    let cells: HashMap<i64, &GrantView> = view
        .rows
        .iter()
        .flat_map(|row| row.cells.iter().flat_map(|cell| cell.grants.iter()))
        .map(|grant| (grant.id, grant))
        .collect();
    let told = revoked
        .iter()
        .filter_map(|r| cells.get(&r.grant_id).and_then(|grant| grant.told.clone()));
    Ok(DashboardChange {
        notice: followed_by(notice, told),
        undo: revoked.iter().map(|r| r.grant_id).collect(),
        view,
    })
}

/// A revocation's notice, followed by what each partner is told of it: "… Telling Spotify…".
pub async fn with_what_partners_are_told(
    store: &Store,
    user_id: i64,
    catalog: &Catalog,
    revoked: &[ChangedGrant],
    notice: String,
) -> Result<String, StoreError> {
    let told = store.told_of_latest_grant_events(user_id).await?;
    let sentences = revoked.iter().filter_map(|grant| {
        let partner = catalog
            .partner(grant.partner_id)
            .map(|p| p.name.as_str())
            .unwrap_or_default();
        told.get(&grant.grant_id)
            .and_then(|told| told_sentence(told, partner, EventStatus::Withdrawn))
    });
    Ok(followed_by(notice, sentences))
}

/// The notice, followed by each partner's sentence once: "… Telling Spotify…".
fn followed_by(notice: String, sentences: impl IntoIterator<Item = String>) -> String {
    let mut said: Vec<String> = Vec::new();
    for sentence in sentences {
        if !said.contains(&sentence) {
            said.push(sentence);
        }
    }
    said.iter().fold(notice, |notice, sentence| {
        let stop = if sentence.ends_with('…') { "" } else { "." };
        format!("{notice} {sentence}{stop}")
    })
}

/// Gives taken-back grants again: the notice and the dashboard after it.
/// `term` is how long they last now; `None` gives each back as it was.
pub async fn allow_again(
    store: &Store,
    user_id: i64,
    grant_ids: &[i64],
    term: Option<Term>,
    unused: UnusedLimit,
) -> Result<DashboardChange, StoreError> {
    let mut given = Vec::new();
    for grant_id in grant_ids {
        if let AllowedAgain::Granted(grant) = store
            .allow_again(user_id, *grant_id, Actor::User(user_id), term, now_ms())
            .await?
        {
            given.push(grant);
        }
    }
    let catalog = store.catalog().await?;
    let notice = match named(&catalog, &given).as_slice() {
        [] => "Nothing changed: that access was already allowed.".to_owned(),
        [one] => format!(
            "Allowed again: {}.",
            wording::partner_holds(&one.partner_name, &[one.access], &one.category_noun)
        ),
        many => format!("Allowed again: {} accesses are back as they were.", many.len()),
    };
    Ok(DashboardChange {
        notice,
        view: build_with(store, user_id, unused, &catalog).await?,
        undo: Vec::new(),
    })
}

/// Puts catalog names on changed grants, for the sentences people read.
pub fn named(catalog: &Catalog, grants: &[ChangedGrant]) -> Vec<Revoked> {
    grants
        .iter()
        .map(|r| Revoked {
            partner_name: catalog
                .partner(r.partner_id)
                .map(|p| p.name.clone())
                .unwrap_or_default(),
            category_noun: catalog
                .category(r.category_id)
                .map(|c| c.name.to_lowercase())
                .unwrap_or_default(),
            access: r.access,
        })
        .collect()
}
