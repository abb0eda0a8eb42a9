//! The interactive part of the dashboard, and the only island: with JavaScript it revokes and
//! allows again without a page load; without it, every button is still a plain form.

use crate::api::dashboard::DashboardChange;
use crate::api::error::AppError;
use crate::components::category_actions::CategoryActions;
use crate::components::dashboard_actions::DashboardActions;
use crate::components::grant_table::GrantTable;
use crate::components::submit_button::SubmitButton;
use crate::domain::dashboard::DashboardView;
use leptos::prelude::*;

/// `notice`: what a form posted without JavaScript just did, shown until the next change.
#[island]
pub fn DashboardGrid(view: DashboardView, notice: String) -> impl IntoView {
    let actions = DashboardActions {
        revoke: ServerAction::new(),
        allow_again: ServerAction::new(),
    };
    let current = RwSignal::new(view);
    let notice = RwSignal::new(notice);
    let problem = RwSignal::new(String::new());
    let undo = RwSignal::new(Vec::<i64>::new());
    let notice_area = NodeRef::<leptos::html::Div>::new();
    // The grid changes only when the server answers, i.e. after the store committed. Focus
    // then moves to the notice: the button that was pressed may no longer exist.
    let apply = move |answer: Option<Result<DashboardChange, AppError>>| {
        match answer {
            Some(Ok(change)) => {
                current.set(change.view);
                notice.set(change.notice);
                undo.set(change.undo);
                problem.set(String::new());
                offer_undo_for_a_while(undo);
            }
            Some(Err(error)) => {
                notice.set(String::new());
                undo.set(Vec::new());
                problem.set(error.to_string());
            }
            None => return,
        }
        if let Some(area) = notice_area.get_untracked() {
            let _ = area.focus();
        }
    };
    Effect::new(move |_| apply(actions.revoke.value().get()));
    Effect::new(move |_| apply(actions.allow_again.value().get()));
    view! {
        <p class="summary">{move || current.with(|v| v.summary())}</p>
        <div class="notice-area" tabindex="-1" node_ref=notice_area>
            <p role="status" class="notice" class:shown=move || notice.with(|n| !n.is_empty())>{move || notice.get()}</p>
            {move || {
                let grants = undo.get();
                (!grants.is_empty()).then(|| {
                    let ids = grants.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
                    view! {
                        <ActionForm action=actions.allow_again attr:class="undo-form">
                            <input type="hidden" name="grant" value=ids/>
                            <SubmitButton
                                pending=actions.allow_again.pending()
                                class="allow"
                                label="Allow again"
                                working="Allowing…"
                                context=" what was just revoked"
                            />
                        </ActionForm>
                    }
                })
            }}
        </div>
        <p role="alert" class="problem" class:hidden=move || problem.with(String::is_empty)>{move || problem.get()}</p>
        {move || view! { <GrantTable actions view=current.get()/> }}
        {move || view! { <CategoryActions action=actions.revoke view=current.get()/> }}
    }
}

/// How long the notice offers to undo a revocation.
const UNDO_SECONDS: u64 = 30;

/// Clears the undo offer after a while, unless a newer change replaced it.
fn offer_undo_for_a_while(undo: RwSignal<Vec<i64>>) {
    let offered = undo.get_untracked();
    set_timeout(
        move || {
            if undo.get_untracked() == offered {
                undo.set(Vec::new());
            }
        },
        std::time::Duration::from_secs(UNDO_SECONDS),
    );
}
