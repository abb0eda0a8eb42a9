//! Assembles the dashboard from the store, and runs a user's revocation.

use crate::domain::access::Access;
use crate::domain::activity::{WEEK_MS, usage_sentence};
use crate::domain::dashboard::{CategoryColumn, Cell, DashboardView, GrantView, PartnerRow};
use crate::domain::decision::{GrantStatus, effective_status};
use crate::domain::revocation::{RevocationScope, Revoked, revocation_notice};
use crate::domain::wording;
use crate::server::clock::{human_date, now_ms};
use crate::server::storage::activity::AccessUse;
use crate::server::storage::consent::grants::{Actor, AllowedAgain, RevokedGrant};
use crate::server::storage::{Store, StoreError};
use std::collections::HashMap;

pub async fn build(store: &Store, user_id: i64) -> Result<DashboardView, StoreError> {
    let categories: Vec<CategoryColumn> = store
        .categories()
        .await?
        .into_iter()
        .map(|c| CategoryColumn {
            slug: c.slug,
            name: c.name,
        })
        .collect();
    let mut rows: Vec<PartnerRow> = Vec::new();
    let now = now_ms();
    let usage: HashMap<(i64, i64, Access), AccessUse> = store
        .access_use_of_user(user_id, now - WEEK_MS)
        .await?
        .into_iter()
        .map(|u| ((u.partner_id, u.category_id, u.access), u))
        .collect();
    for grant in store.grants_of_user(user_id).await? {
        if rows.last().is_none_or(|row| row.slug != grant.partner_slug) {
            rows.push(PartnerRow {
                slug: grant.partner_slug.clone(),
                name: grant.partner_name.clone(),
                cells: vec![Cell::default(); categories.len()],
            });
        }
        let Some(index) = categories.iter().position(|c| c.slug == grant.category_slug) else {
            continue;
        };
        let status = effective_status(grant.status, grant.expires_at, now);
        let active = status == GrantStatus::Active;
        // An expired grant ended when its time ran out, which may be before anyone noticed.
        let ended_at = match status {
            GrantStatus::Expired => grant.expires_at.unwrap_or(grant.changed_at),
            _ => grant.changed_at,
        };
        if let Some(row) = rows.last_mut() {
            row.cells[index].grants.push(GrantView {
                id: grant.id,
                access: grant.access,
                active,
                purpose: grant.purpose,
                since: human_date(grant.granted_at),
                ended: (!active).then(|| format!("{} {}", status.ended_word(), human_date(ended_at))),
                usage: {
                    let used = usage.get(&(grant.partner_id, grant.category_id, grant.access));
                    usage_sentence(
                        grant.access,
                        used.map_or(0, |u| u.allowed_since),
                        used.and_then(|u| u.last_allowed_at),
                        now,
                    )
                },
            });
        }
    }
    for cell in rows.iter_mut().flat_map(|row| row.cells.iter_mut()) {
        cell.grants.sort_by_key(|g| g.access);
    }
    Ok(DashboardView { categories, rows })
}

/// Revokes for the user themselves; returns the sentence to announce and the grants taken back.
pub async fn revoke(store: &Store, user_id: i64, scope: &RevocationScope) -> Result<(String, Vec<i64>), StoreError> {
    let revoked = store.revoke(user_id, scope, Actor::User(user_id), now_ms()).await?;
    let notice = revocation_notice(scope, &named(store, &revoked).await?, "your");
    Ok((notice, revoked.iter().map(|r| r.grant_id).collect()))
}

/// Gives taken-back grants again and returns the sentence to announce.
pub async fn allow_again(store: &Store, user_id: i64, grant_ids: &[i64]) -> Result<String, StoreError> {
    let mut given = Vec::new();
    for grant_id in grant_ids {
        if let AllowedAgain::Granted(grant) = store
            .allow_again(user_id, *grant_id, Actor::User(user_id), now_ms())
            .await?
        {
            given.push(grant);
        }
    }
    let names = named(store, &given).await?;
    Ok(match names.as_slice() {
        [] => "Nothing changed: that access was already allowed.".to_owned(),
        [one] => format!(
            "Allowed again: {}.",
            wording::partner_holds(&one.partner_name, &[one.access], &one.category_noun)
        ),
        many => format!("Allowed again: {} accesses are back as they were.", many.len()),
    })
}

/// Puts catalog names on changed grants, for the sentences people read.
pub async fn named(store: &Store, grants: &[RevokedGrant]) -> Result<Vec<Revoked>, StoreError> {
    let partners = store.partners().await?;
    let categories = store.categories().await?;
    Ok(grants
        .iter()
        .map(|r| Revoked {
            partner_name: partners
                .iter()
                .find(|p| p.id == r.partner_id)
                .map(|p| p.name.clone())
                .unwrap_or_default(),
            category_noun: categories
                .iter()
                .find(|c| c.id == r.category_id)
                .map(|c| c.name.to_lowercase())
                .unwrap_or_default(),
            access: r.access,
        })
        .collect())
}
