//! The grid: one row per partner, one column per data category.

use crate::components::dashboard_actions::DashboardActions;
use crate::components::grant_cell::GrantCell;
use crate::components::revoke_button::{RevokeButton, RevokeTarget};
use crate::domain::dashboard::DashboardView;
use leptos::prelude::*;

#[component]
pub fn GrantTable(actions: DashboardActions, view: DashboardView) -> impl IntoView {
    if view.rows.is_empty() {
        return view! {
            <p class="empty-state">"Nothing to take back: no partner has been given access to any of your data."</p>
        }
        .into_any();
    }
    let headers = view
        .categories
        .iter()
        .map(|c| view! { <th scope="col">{c.name.clone()}</th> })
        .collect_view();
    let rows = view
        .rows
        .iter()
        .map(|row| {
            let remove = row.holds_anything().then(|| {
                view! {
                    <RevokeButton
                        action=actions.revoke
                        target=RevokeTarget { partner: Some(row.slug.clone()), ..Default::default() }
                        label=format!("Remove {}", row.name)
                    />
                }
            });
            let cells = view
                .categories
                .iter()
                .zip(row.cells.iter())
                .map(|(category, cell)| {
                    view! { <GrantCell actions partner=row.clone() category=category.clone() cell=cell.clone()/> }
                })
                .collect_view();
            view! {
                <tr>
                    <th scope="row">
                        <span class="partner-name">
                            // A plain mark drawn for this app, not the partner's trademark; the name says who.
                            <img src=format!("/partners/{}.svg", row.slug) alt="" width="24" height="24"/>
                            {row.name.clone()}
                        </span>
                        {remove}
                    </th>
                    {cells}
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll">
            <table class="grants">
                <caption>"Partners who can reach your data"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Partner"</th>
                        {headers}
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}
