//! The interactive part of the dashboard, and the only island: with JavaScript it revokes
//! without a page load; without it, every button is still a plain form.

use crate::api::dashboard::Revoke;
use crate::components::category_actions::CategoryActions;
use crate::components::grant_table::GrantTable;
use crate::domain::dashboard::DashboardView;
use leptos::prelude::*;

#[island]
pub fn DashboardGrid(view: DashboardView) -> impl IntoView {
    let action = ServerAction::<Revoke>::new();
    let current = RwSignal::new(view);
    let notice = RwSignal::new(String::new());
    let problem = RwSignal::new(String::new());
    // The grid changes only when the server answers, i.e. after the store committed.
    Effect::new(move |_| match action.value().get() {
        Some(Ok(outcome)) => {
            current.set(outcome.view);
            notice.set(outcome.notice);
            problem.set(String::new());
        }
        Some(Err(error)) => {
            notice.set(String::new());
            problem.set(error.to_string());
        }
        None => {}
    });
    view! {
        <p class="summary">{move || current.with(|v| v.summary())}</p>
        <p role="status" class="notice">{move || notice.get()}</p>
        <p role="alert" class="problem" class:hidden=move || problem.with(String::is_empty)>{move || problem.get()}</p>
        {move || view! { <GrantTable action view=current.get()/> }}
        {move || view! { <CategoryActions action view=current.get()/> }}
    }
}
