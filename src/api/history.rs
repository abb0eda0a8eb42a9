//! Loading the History page.

use crate::api::error::AppError;
use crate::api::signed_in::SignedIn;
use crate::domain::history::HistoryPage;
use leptos::prelude::*;

/// `partner` and `category` filter by slug; `page` counts from 1. Empty strings mean "all".
#[server(endpoint = "history")]
pub async fn load_history(
    partner: Option<String>,
    category: Option<String>,
    page: Option<String>,
) -> Result<SignedIn<HistoryPage>, AppError> {
    use crate::api::context::{app_state, failed, signed_in_user};
    use crate::domain::slug::Slug;
    let user = signed_in_user().await.map_err(failed)?;
    let slug = |raw: Option<String>, what| -> Result<Option<String>, AppError> {
        match raw.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => Ok(None),
            Some(s) => Slug::parse(s, what)
                .map(|s| Some(s.as_str().to_owned()))
                .map_err(|e| AppError::BadInput(e.to_string())),
        }
    };
    let partner = slug(partner, "partner").map_err(failed)?;
    let category = slug(category, "category").map_err(failed)?;
    let page = match page.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => 1,
        Some(raw) => raw
            .parse::<u32>()
            .ok()
            .filter(|p| *p >= 1)
            .ok_or_else(|| failed(AppError::BadInput("The page must be a whole number from 1.".into())))?,
    };
    let history = crate::server::use_cases::history::page(&app_state().store, user.id, partner, category, page)
        .await
        .map_err(|e| failed(e.into()))?;
    SignedIn::new(&user, history).await.map_err(failed)
}
