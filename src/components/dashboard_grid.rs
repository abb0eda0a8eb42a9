//! The interactive part of the dashboard, and the only island: with JavaScript it revokes and
//! allows again without a page load; without it, every button is still a plain form.

use crate::api::dashboard::{AllowAgain, DashboardChange, Revoke};
use crate::api::error::AppError;
use crate::components::category_actions::CategoryActions;
use crate::components::grant_table::GrantTable;
use crate::domain::dashboard::DashboardView;
use leptos::prelude::*;

/// The two things a dashboard button can do, handed down to every cell.
#[derive(Clone, Copy)]
pub struct DashboardActions {
    pub revoke: ServerAction<Revoke>,
    pub allow_again: ServerAction<AllowAgain>,
}

#[island]
pub fn DashboardGrid(view: DashboardView) -> impl IntoView {
    let actions = DashboardActions {
        revoke: ServerAction::new(),
        allow_again: ServerAction::new(),
    };
    let current = RwSignal::new(view);
    let notice = RwSignal::new(String::new());
    let problem = RwSignal::new(String::new());
    // The grid changes only when the server answers, i.e. after the store committed.
    let apply = move |answer: Option<Result<DashboardChange, AppError>>| match answer {
        Some(Ok(change)) => {
            current.set(change.view);
            notice.set(change.notice);
            problem.set(String::new());
        }
        Some(Err(error)) => {
            notice.set(String::new());
            problem.set(error.to_string());
        }
        None => {}
    };
    Effect::new(move |_| apply(actions.revoke.value().get()));
    Effect::new(move |_| apply(actions.allow_again.value().get()));
    view! {
        <p class="summary">{move || current.with(|v| v.summary())}</p>
        <p role="status" class="notice">{move || notice.get()}</p>
        <p role="alert" class="problem" class:hidden=move || problem.with(String::is_empty)>{move || problem.get()}</p>
        {move || view! { <GrantTable actions view=current.get()/> }}
        {move || view! { <CategoryActions action=actions.revoke view=current.get()/> }}
    }
}
