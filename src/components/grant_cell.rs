//! One cell of the grid: what one partner can do with one category of my data.

use crate::components::allow_again_button::AllowAgainButton;
use crate::components::dashboard_actions::DashboardActions;
use crate::components::revoke_button::{RevokeButton, RevokeTarget};
use crate::domain::dashboard::{CategoryColumn, Cell, PartnerRow};
use crate::domain::wording;
use leptos::prelude::*;

#[component]
pub fn GrantCell(
    actions: DashboardActions,
    partner: PartnerRow,
    category: CategoryColumn,
    cell: Cell,
) -> impl IntoView {
    if !cell.ever_granted() {
        return view! {
            <td class="cell empty">
                <span aria-hidden="true">"–"</span>
                <span class="visually-hidden">"No access"</span>
            </td>
        }
        .into_any();
    }
    let noun = category.noun();
    let active = cell.active_accesses();
    let context = format!(" access of {} to your {noun}", partner.name);
    let sentence = if active.is_empty() {
        wording::partner_lost_all(&partner.name, &noun)
    } else {
        wording::partner_holds(&partner.name, &active, &noun)
    };
    let details = cell.active().next().map(|first| {
        view! {
            <p class="detail">"Since " {first.since.clone()}</p>
            <p class="detail">"Purpose: " {first.purpose.clone()}</p>
        }
    });
    // What the partner actually did with each access it holds.
    let usage = (!active.is_empty()).then(|| {
        let lines = cell
            .active()
            .map(|grant| {
                // A grant given for a term says when it ends: "read until 6 Mar 2027".
                let until = grant
                    .until
                    .as_ref()
                    .map(|date| view! { <li class="until">{format!("{} until {date}", grant.access)}</li> });
                let warning = grant
                    .unused_warning
                    .clone()
                    .map(|warning| view! { <li class="expiry-warning">{warning}</li> });
                view! {
                    <li>{grant.usage.clone()}</li>
                    {until}
                    {warning}
                }
            })
            .collect_view();
        view! { <ul class="usage">{lines}</ul> }
    });
    // A right never used is worth taking back: the question comes with its own button.
    let never_used = cell
        .active()
        .filter_map(|grant| grant.never_used.clone().map(|question| (grant, question)))
        .map(|(grant, question)| {
            view! {
                <div class="never-used">
                    <p>{question}</p>
                    <RevokeButton
                        action=actions.revoke
                        target=RevokeTarget { grant: Some(grant.id), ..Default::default() }
                        label="Take it back"
                        context=format!(": the {} access of {} to your {noun}", grant.access, partner.name)
                    />
                </div>
            }
        })
        .collect_view();
    let ended = cell
        .grants
        .iter()
        .filter_map(|g| g.ended.as_ref().map(|date| (g, date)))
        .map(|(grant, date)| {
            view! {
                <li>
                    {format!("{} {date}", grant.access)}
                    {grant.told.clone().map(|told| view! { <span class="told">{told}</span> })}
                    <AllowAgainButton
                        action=actions.allow_again
                        grant=grant.id
                        label=format!("Allow {} again", grant.access)
                        context=format!(" for {} on your {noun}", partner.name)
                    />
                </li>
            }
        })
        .collect_view();
    let per_access = cell
        .active()
        .map(|grant| {
            view! {
                <RevokeButton
                    action=actions.revoke
                    target=RevokeTarget { grant: Some(grant.id), ..Default::default() }
                    label=format!("Revoke {}", grant.access)
                    context=context.clone()
                />
            }
        })
        .collect_view();
    let whole_cell = (active.len() > 1).then(|| {
        view! {
            <RevokeButton
                action=actions.revoke
                target=RevokeTarget {
                    partner: Some(partner.slug.clone()),
                    category: Some(category.slug.clone()),
                    ..Default::default()
                }
                label="Revoke all"
                context=context.clone()
            />
        }
    });
    let state = if active.is_empty() { "cell ended" } else { "cell holds" };
    view! {
        <td class=state>
            <p class="sentence">{sentence}</p>
            {details}
            {usage}
            {never_used}
            <ul class="ended">{ended}</ul>
            <div class="actions">{per_access} {whole_cell}</div>
        </td>
    }
    .into_any()
}
