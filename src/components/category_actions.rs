//! "Nobody can read my messages": take one access on one category back from every partner.

use crate::api::dashboard::Revoke;
use crate::components::revoke_button::{RevokeButton, RevokeTarget};
use crate::domain::dashboard::DashboardView;
use leptos::prelude::*;

#[component]
pub fn CategoryActions(action: ServerAction<Revoke>, view: DashboardView) -> impl IntoView {
    let actions = view.category_actions();
    if actions.is_empty() {
        return ().into_any();
    }
    let buttons = actions
        .into_iter()
        .map(|(category, access)| {
            view! {
                <RevokeButton
                    action
                    target=RevokeTarget {
                        category: Some(category.slug.clone()),
                        access: Some(access),
                        ..Default::default()
                    }
                    label=format!("Nobody can {access} my {}", category.noun())
                />
            }
        })
        .collect_view();
    view! {
        <section class="category-actions" aria-labelledby="whole-category">
            <h2 id="whole-category">"Take back a whole category"</h2>
            <div class="actions">{buttons}</div>
        </section>
    }
    .into_any()
}
