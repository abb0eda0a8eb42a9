//! Requests: what partners ask of the signed-in person, and their answer to each (approve all or
//! part, for how long, or refuse), as plain forms that work without JavaScript.

use crate::api::requests::{ApproveRequest, RefuseRequest, load_requests};
use crate::api::signed_in::SignedIn;
use crate::components::form_notice::FormNotice;
use crate::components::form_problem::FormProblem;
use crate::components::signed_in_header::SignedInHeader;
use crate::components::signed_in_page::signed_in_page;
use crate::components::submit_button::SubmitButton;
use crate::domain::request_decision::Term;
use crate::domain::request_view::PendingRequestView;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn Requests() -> impl IntoView {
    let page = Resource::new(|| (), |_| load_requests());
    view! {
        <Title text="Requests · Who Can See"/>
        <Suspense fallback=|| view! { <p>"Loading your requests…"</p> }>
            {move || Suspend::new(async move { signed_in_page(page.await, "Requests", None, requests) })}
        </Suspense>
    }
}

fn requests(page: SignedIn<Vec<PendingRequestView>>) -> impl IntoView {
    let approve = ServerAction::<ApproveRequest>::new();
    let refuse = ServerAction::<RefuseRequest>::new();
    let list = if page.content.is_empty() {
        view! { <p class="empty-state">"No partner is asking for anything."</p> }.into_any()
    } else {
        page.content
            .iter()
            .map(|request| one_request(request, approve, refuse))
            .collect_view()
            .into_any()
    };
    view! {
        <SignedInHeader name=page.name email=page.email staff=page.staff admin=page.admin requests=page.requests/>
        <main id="main" class="page">
            <h1>"Requests"</h1>
            <p>"Partners ask here before they reach your data. Approve all or part of a request, for as long as you choose, or refuse it."</p>
            <FormProblem/>
            <FormNotice/>
            {list}
        </main>
    }
}

fn one_request(
    request: &PendingRequestView,
    approve: ServerAction<ApproveRequest>,
    refuse: ServerAction<RefuseRequest>,
) -> impl IntoView {
    let id = request.id.clone();
    let heading_id = format!("{id}-heading");
    let holding = request
        .holding_sentences()
        .into_iter()
        .map(|sentence| view! { <p class="holding">{sentence}</p> })
        .collect_view();
    let checkboxes = request
        .accesses
        .iter()
        .map(|asked| {
            let value = asked.choice.form_value();
            let box_id = format!("{id}-{}", value.replace(':', "-"));
            let label = format!(
                "{} your {}",
                capitalized(&asked.choice.access.to_string()),
                asked.category_noun
            );
            view! {
                <li>
                    <input type="checkbox" id=box_id.clone() name="access[]" value=value checked=true/>
                    <label for=box_id>{label}</label>
                </li>
            }
        })
        .collect_view();
    let term_id = format!("{id}-term");
    let terms = Term::CHOICES
        .iter()
        .map(|(value, words)| view! { <option value=*value>{*words}</option> })
        .collect_view();
    let context = format!(" the request from {}", request.partner_name);
    let refuse_context = context.clone();
    let (section_id, approve_id, refuse_id) = (id.clone(), id.clone(), id);
    let labelled_by = heading_id.clone();
    view! {
        <section id=section_id class="request" aria-labelledby=labelled_by>
            <h2 id=heading_id>{request.partner_name.clone()}</h2>
            <p class="asks">{request.asks_sentence()}</p>
            {holding}
            <p class="dates">{format!("Asked on {}. Answer by {}, or it expires.", request.asked_on, request.answer_by)}</p>
            <ActionForm action=approve attr:class="approve-form">
                <input type="hidden" name="request" value=approve_id/>
                <fieldset>
                    <legend>"Allow"</legend>
                    <ul class="choices">{checkboxes}</ul>
                </fieldset>
                <label for=term_id.clone()>"For how long"</label>
                <select id=term_id name="term">{terms}</select>
                <SubmitButton pending=approve.pending() class="approve" label="Approve" working="Approving…" context/>
            </ActionForm>
            <ActionForm action=refuse attr:class="refuse-form">
                <input type="hidden" name="request" value=refuse_id/>
                <SubmitButton pending=refuse.pending() class="refuse" label="Refuse" working="Refusing…" context=refuse_context/>
            </ActionForm>
        </section>
    }
}

/// "Read" from "read".
fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
