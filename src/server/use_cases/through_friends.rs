//! "Through your friends": which partners see the person through a friend's grants, and the
//! person's one-click "no" (to one partner, or to all) and its undo, each on the record. Support
//! may say no for the person, with a reason; support can never undo it.

use crate::domain::activity::AttemptsAfterEnd;
use crate::domain::friends_view::{SeenThroughFriends, ThroughFriendsView};
use crate::domain::role::parse_reason;
use crate::domain::through_friends::exposure_of;
use crate::server::clock::{human_date, now_ms};
use crate::server::storage::consent::friend_refusals::SeenBy;
use crate::server::storage::consent::grants::Actor;
use crate::server::storage::{Store, StoreError};
use crate::server::use_cases::activity;
use std::collections::BTreeMap;

/// What one partner sees of the person, and through which friends (name, since when).
#[derive(Default)]
struct Seen {
    shows: Vec<String>,
    friends: Vec<(String, String)>,
}

pub async fn view(store: &Store, user_id: i64) -> Result<ThroughFriendsView, StoreError> {
    let now = now_ms();
    let catalog = store.catalog().await?;
    let refusals = store.friend_refusals_of(user_id).await?;
    let (seen, tried) = activity::through_friends_this_week(store, user_id, now).await?;
    let mut by_partner: BTreeMap<i64, Seen> = BTreeMap::new();
    for row in store.exposures_of(user_id, now).await? {
        let Some(exposure) = exposure_of(&row.friend_category) else {
            continue;
        };
        let Seen { shows, friends } = by_partner.entry(row.partner_id).or_default();
        if !shows.iter().any(|s| s == exposure.shows) {
            shows.push(exposure.shows.to_owned());
        }
        if !friends.iter().any(|(name, _)| *name == row.friend_name) {
            friends.push((row.friend_name, human_date(row.friends_since)));
        }
    }
    let partners = catalog
        .partners
        .iter()
        .filter_map(|partner| {
            let Seen { shows, friends } = by_partner.remove(&partner.id)?;
            Some(SeenThroughFriends {
                partner_slug: partner.slug.clone(),
                partner_name: partner.name.clone(),
                shows,
                friends,
                refused: refusals.refuses(partner.id),
                seen: of_partner(&seen, partner.id, |sentence| sentence.clone()),
                tried_after_no: of_partner(&tried, partner.id, AttemptsAfterEnd::sentence),
            })
        })
        .collect();
    Ok(ThroughFriendsView {
        partners,
        nobody: refusals.everyone,
    })
}

/// The sentences about one partner, in order.
fn of_partner<T>(all: &[(i64, T)], partner_id: i64, words: impl Fn(&T) -> String) -> Vec<String> {
    all.iter()
        .filter(|(id, _)| *id == partner_id)
        .map(|(_, item)| words(item))
        .collect()
}

/// Whom a click is about: a partner by its slug, or (none named) every partner.
fn seen_by(
    store_catalog: &crate::server::storage::consent::catalog::Catalog,
    partner: Option<&str>,
) -> Result<(SeenBy, String), StoreError> {
    match partner {
        Some(slug) => {
            let id = store_catalog.partner_id(slug)?;
            let name = store_catalog.partner(id).map(|p| p.name.clone()).unwrap_or_default();
            Ok((SeenBy::Partner(id), name))
        }
        None => Ok((SeenBy::EveryPartner, String::new())),
    }
}

/// The person's "no"; returns the notice.
pub async fn refuse(store: &Store, user_id: i64, partner: Option<&str>) -> Result<String, StoreError> {
    let (who, name) = seen_by(&store.catalog().await?, partner)?;
    store
        .refuse_through_friends(user_id, who, Actor::User(user_id), None, now_ms())
        .await?;
    Ok(match who {
        SeenBy::Partner(_) => format!("Done: {name} cannot see you through your friends any more."),
        SeenBy::EveryPartner => "Done: nobody sees you through your friends any more.".to_owned(),
    })
}

/// The person's undo ("Allow again"); returns the notice.
pub async fn allow_again(store: &Store, user_id: i64, partner: Option<&str>) -> Result<String, StoreError> {
    let (who, name) = seen_by(&store.catalog().await?, partner)?;
    store.allow_through_friends(user_id, who, now_ms()).await?;
    Ok(match who {
        SeenBy::Partner(_) => format!("Allowed again: {name} may see you through your friends."),
        SeenBy::EveryPartner => {
            "Allowed again: partners may see you through your friends, except those you said no to.".to_owned()
        }
    })
}

/// Support says no for a person, with the reason they will read. Only for an opened case.
pub async fn refuse_for(
    store: &Store,
    agent_id: i64,
    user_id: i64,
    partner: Option<&str>,
    reason: &str,
) -> Result<String, StoreError> {
    let reason = parse_reason(reason).map_err(StoreError::UnknownName)?;
    let (who, _) = seen_by(&store.catalog().await?, partner)?;
    store
        .refuse_through_friends(user_id, who, Actor::Support(agent_id), Some(&reason), now_ms())
        .await?;
    Ok("Done: the person will see it in their history, with your reason.".to_owned())
}
