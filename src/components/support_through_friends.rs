//! The support console's "Through friends" part: who sees the person through their friends,
//! and a "no" for them (one partner, or every partner) with a reason they will read. There is
//! no undo here: only the person can let a partner see them again.

use crate::domain::friends_view::ThroughFriendsView;
use leptos::prelude::*;

#[component]
pub fn SupportThroughFriends(person_id: i64, person_name: String, view: ThroughFriendsView) -> impl IntoView {
    let open: Vec<_> = view.partners.iter().filter(|p| !p.refused).cloned().collect();
    let lines = view
        .partners
        .iter()
        .map(|seen| {
            let state = if seen.refused { " (said no)" } else { "" };
            view! { <li>{format!("{}{state}", seen.sentence())}</li> }
        })
        .collect_view();
    let form = (!open.is_empty()).then(|| {
        let buttons = open
            .iter()
            .map(|seen| {
                view! {
                    <button type="submit" name="partner" value=seen.partner_slug.clone()>
                        {format!("Don't let {} see {person_name} through friends", seen.partner_name)}
                    </button>
                }
            })
            .collect_view();
        view! {
            <form method="post" action="/api/support-refuse-through-friends" class="support-revoke">
                <input type="hidden" name="person" value=person_id/>
                <label for="friends-reason">{format!("Reason for saying no ({person_name} will read it)")}</label>
                <textarea id="friends-reason" name="reason" required maxlength="300"></textarea>
                <div class="admin-buttons">
                    {buttons}
                    <button type="submit" name="partner" value="">{format!("Nobody sees {person_name} through friends")}</button>
                </div>
            </form>
        }
    });
    let body = if view.partners.is_empty() {
        view! { <p>"No partner can see this person through their friends."</p> }.into_any()
    } else {
        view! {
            <ul>{lines}</ul>
            {form}
        }
        .into_any()
    };
    view! {
        <section aria-labelledby="case-through-friends">
            <h2 id="case-through-friends">"Through their friends"</h2>
            {body}
        </section>
    }
}
