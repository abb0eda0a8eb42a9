//! "Through your friends": which partners see the signed-in person through a friend's grants,
//! opening to the friends it comes through, with a one-click "no" per partner and for all, and
//! "Allow again" to undo. Plain forms: all of it works without JavaScript.

use crate::api::signed_in::SignedIn;
use crate::api::through_friends::load_through_friends;
use crate::components::form_notice::FormNotice;
use crate::components::form_problem::FormProblem;
use crate::components::signed_in_header::SignedInHeader;
use crate::components::signed_in_page::signed_in_page;
use crate::domain::friends_view::{SeenThroughFriends, ThroughFriendsView};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ThroughFriends() -> impl IntoView {
    let page = Resource::new(|| (), |_| load_through_friends());
    view! {
        <Title text="Through your friends · Who Can See"/>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move { signed_in_page(page.await, "Through your friends", None, through_friends) })}
        </Suspense>
    }
}

/// One button that posts `partner` (empty: every partner) to `action`.
fn partner_form(action: &'static str, partner: &str, label: String, class: &'static str) -> impl IntoView {
    view! {
        <form method="post" action=action class="friends-form">
            <input type="hidden" name="partner" value=partner.to_owned()/>
            <button type="submit" class=class>{label}</button>
        </form>
    }
}

fn partner_line(seen: &SeenThroughFriends) -> impl IntoView {
    let friends = seen
        .friends
        .iter()
        .map(|(name, since)| view! { <li>{format!("{name}, friends since {since}")}</li> })
        .collect_view();
    let state = if seen.refused {
        view! {
            <p class="refused-line">{seen.refused_sentence()}</p>
            {partner_form("/api/allow-through-friends", &seen.partner_slug, format!("Allow {} again", seen.partner_name), "allow")}
        }
        .into_any()
    } else {
        partner_form(
            "/api/refuse-through-friends",
            &seen.partner_slug,
            format!("Don't let {} see me through my friends", seen.partner_name),
            "revoke",
        )
        .into_any()
    };
    let used = seen
        .seen
        .iter()
        .map(|sentence| view! { <p class="use">{sentence.clone()}</p> })
        .collect_view();
    let tried = seen
        .tried_after_no
        .iter()
        .map(|sentence| view! { <p class="attempt-alert">{sentence.clone()}</p> })
        .collect_view();
    view! {
        <li class=if seen.refused { "seen refused" } else { "seen" }>
            <p class="sentence">{seen.sentence()}</p>
            {tried}
            {used}
            <details>
                <summary>{format!("Through which friends, since when ({})", seen.friends.len())}</summary>
                <ul>{friends}</ul>
            </details>
            {state}
        </li>
    }
}

fn through_friends(page: SignedIn<ThroughFriendsView>) -> impl IntoView {
    let view = page.content;
    let everyone = if view.nobody {
        view! {
            <p class="refused-line">"You said no: nobody sees you through your friends."</p>
            {partner_form("/api/allow-through-friends", "", "Allow partners again".to_owned(), "allow")}
        }
        .into_any()
    } else if view.partners.iter().any(|p| !p.refused) {
        partner_form(
            "/api/refuse-through-friends",
            "",
            "Nobody sees me through my friends".to_owned(),
            "revoke",
        )
        .into_any()
    } else {
        ().into_any()
    };
    let list = if view.partners.is_empty() {
        view! { <p class="empty-state">{ThroughFriendsView::empty_state()}</p> }.into_any()
    } else {
        let lines = view.partners.iter().map(partner_line).collect_view();
        view! { <ul class="through-friends">{lines}</ul> }.into_any()
    };
    view! {
        <SignedInHeader name=page.name email=page.email staff=page.staff admin=page.admin requests=page.requests/>
        <main id="main" class="page">
            <h1>"Through your friends"</h1>
            <p>
                "When a friend lets a partner read their friends list, contacts, posts or calendar, "
                "the partner sees what of it is about you. You never agreed to that; here you can say no."
            </p>
            <FormProblem/>
            <FormNotice/>
            {everyone}
            {list}
        </main>
    }
}
