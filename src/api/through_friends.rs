//! The "Through your friends" page: loading it, and the person's "no" and its undo (to one
//! partner, or with no partner named to all), as plain forms that work without JavaScript.

use crate::api::error::AppError;
use crate::api::signed_in::SignedIn;
use crate::domain::friends_view::ThroughFriendsView;
use leptos::prelude::*;

#[server(endpoint = "through-friends")]
pub async fn load_through_friends() -> Result<SignedIn<ThroughFriendsView>, AppError> {
    use crate::api::context::{app_state, failed, signed_in_user};
    let user = signed_in_user().await.map_err(failed)?;
    let view = crate::server::use_cases::through_friends::view(&app_state().store, user.id)
        .await
        .map_err(|e| failed(e.into()))?;
    SignedIn::new(&user, view).await.map_err(failed)
}

/// A partner's slug, or none (an empty field) for every partner.
#[cfg(feature = "ssr")]
fn partner_slug(raw: Option<String>) -> Result<Option<String>, AppError> {
    use crate::domain::slug::Slug;
    match raw.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(raw) => Slug::parse(raw, "partner")
            .map(|slug| Some(slug.as_str().to_owned()))
            .map_err(|e| AppError::BadInput(e.to_string())),
    }
}

/// "Don't let <partner> see me through my friends", or without a partner "Nobody sees me
/// through my friends".
#[server(endpoint = "refuse-through-friends")]
pub async fn refuse_through_friends(partner: Option<String>) -> Result<String, AppError> {
    use crate::api::context::{app_state, failed, signed_in_user, tell_after_redirect};
    let user = signed_in_user().await.map_err(failed)?;
    let partner = partner_slug(partner).map_err(failed)?;
    let notice = crate::server::use_cases::through_friends::refuse(&app_state().store, user.id, partner.as_deref())
        .await
        .map_err(|e| failed(e.into()))?;
    tell_after_redirect(&notice);
    Ok(notice)
}

/// "Allow again": undoes the person's "no" to one partner, or to all.
#[server(endpoint = "allow-through-friends")]
pub async fn allow_through_friends(partner: Option<String>) -> Result<String, AppError> {
    use crate::api::context::{app_state, failed, signed_in_user, tell_after_redirect};
    let user = signed_in_user().await.map_err(failed)?;
    let partner = partner_slug(partner).map_err(failed)?;
    let notice =
        crate::server::use_cases::through_friends::allow_again(&app_state().store, user.id, partner.as_deref())
            .await
            .map_err(|e| failed(e.into()))?;
    tell_after_redirect(&notice);
    Ok(notice)
}
