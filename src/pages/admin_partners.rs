//! The admin's partner catalog: every partner with its state, a form to add one, and per
//! partner its description, a new API key and retiring it; then the record of admin actions.

use crate::api::admin::load_partner_catalog;
use crate::api::error::AppError;
use crate::api::signed_in::SignedIn;
use crate::components::form_notice::FormNotice;
use crate::components::form_problem::FormProblem;
use crate::components::signed_in_header::SignedInHeader;
use crate::components::signed_in_page::signed_in_page;
use crate::domain::admin::{AdminActionView, PartnerCatalog, PartnerEvents, PartnerListing};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn AdminPartnersPage() -> impl IntoView {
    let catalog = Resource::new(|| (), |_| load_partner_catalog());
    view! {
        <Title text="Partner catalog · Admin · Who Can See"/>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move { admin_only(catalog.await) })}
        </Suspense>
    }
}

fn admin_only(loaded: Result<SignedIn<PartnerCatalog>, AppError>) -> AnyView {
    signed_in_page(loaded, "Partner catalog", Some(("/", "Back to your data")), catalog)
}

fn catalog(page: SignedIn<PartnerCatalog>) -> impl IntoView {
    let catalog = page.content;
    let partners = catalog.partners.into_iter().map(partner_entry).collect_view();
    view! {
        <SignedInHeader name=page.name email=page.email staff=page.staff admin=page.admin requests=page.requests/>
        <main id="main" class="page">
            <h1>"Partner catalog"</h1>
            <p>"Partners reach people's data only with their API key. Everything you change here is recorded with your name and the time."</p>
            <FormProblem/>
            <FormNotice/>
            {add_form()}
            <section aria-labelledby="partners-heading">
                <h2 id="partners-heading">"Partners"</h2>
                <ul class="admin-partners">{partners}</ul>
            </section>
            {action_record(catalog.actions)}
        </main>
    }
}

fn add_form() -> impl IntoView {
    view! {
        <section aria-labelledby="add-heading">
            <h2 id="add-heading">"Add a partner"</h2>
            <form method="post" action="/api/admin-add-partner" class="admin-form">
                <label for="new-name">"Name"</label>
                <input id="new-name" name="name" required maxlength="100"/>
                <label for="new-slug">"Short name"</label>
                <input
                    id="new-slug"
                    name="slug"
                    required
                    maxlength="40"
                    autocomplete="off"
                    spellcheck="false"
                    aria-describedby="new-slug-hint"
                />
                <p id="new-slug-hint" class="hint">
                    "Lowercase letters, digits and dashes, e.g. acme-books. It names the partner in addresses and the API, and never changes."
                </p>
                <label for="new-description">"Description"</label>
                <textarea id="new-description" name="description" required maxlength="300"></textarea>
                <button type="submit">"Add partner"</button>
            </form>
        </section>
    }
}

fn partner_entry(partner: PartnerListing) -> impl IntoView {
    let name = partner.name.clone();
    let slug = partner.slug.clone();
    let description_id = format!("description-{slug}");
    let status = match &partner.retired_on {
        Some(day) => format!("Retired on {day}"),
        None => "Active".to_owned(),
    };
    let key_state = if partner.has_key { "Has a key" } else { "No key" };
    let events = events_section(partner.events.clone(), slug.clone(), name.clone());
    // A retired partner gets no key and cannot be retired twice; its description stays editable.
    let key_button = partner.key_button();
    let buttons = partner.retired_on.is_none().then(|| {
        view! {
            <div class="admin-buttons">
                <form method="post" action=format!("/admin/partners/{slug}/key")>
                    <button type="submit">{key_button}</button>
                </form>
                <form method="post" action="/api/admin-retire-partner">
                    <input type="hidden" name="partner" value=slug.clone()/>
                    <button type="submit" class="danger">{format!("Retire {name}")}</button>
                </form>
            </div>
        }
    });
    view! {
        <li>
            <h3>{name.clone()}</h3>
            <dl class="partner-facts">
                <dt>"Short name"</dt>
                <dd><code>{slug.clone()}</code></dd>
                <dt>"API key"</dt>
                <dd>{key_state}</dd>
                <dt>"Status"</dt>
                <dd>{status}</dd>
            </dl>
            <form method="post" action="/api/admin-describe-partner" class="admin-form">
                <input type="hidden" name="partner" value=slug.clone()/>
                <label for=description_id.clone()>{format!("Description of {name}")}</label>
                <textarea id=description_id name="description" required maxlength="300">
                    {partner.description}
                </textarea>
                <button type="submit">{format!("Save the description of {name}")}</button>
            </form>
            {buttons}
            {events}
        </li>
    }
}

/// Where the partner is told of consent changes: its state, backlog and last failure, and the
/// forms to set the endpoint, send a test event and turn it off.
fn events_section(events: PartnerEvents, slug: String, name: String) -> AnyView {
    let endpoint_id = format!("endpoint-{slug}");
    let on = events.endpoint.is_some() && events.turned_off.is_none();
    let test_and_off = events.endpoint.is_some().then(|| {
        let off = on.then(|| {
            view! {
                <form method="post" action="/api/admin-turn-off-endpoint">
                    <input type="hidden" name="partner" value=slug.clone()/>
                    <button type="submit" class="danger">{format!("Turn off events to {name}")}</button>
                </form>
            }
        });
        view! {
            <div class="admin-buttons">
                <form method="post" action="/api/admin-test-endpoint">
                    <input type="hidden" name="partner" value=slug.clone()/>
                    <button type="submit">{format!("Send a test event to {name}")}</button>
                </form>
                {off}
            </div>
        }
    });
    view! {
        <h4>{format!("Consent events to {name}")}</h4>
        <dl class="partner-facts">
            <dt>"Endpoint"</dt>
            <dd>{events.state()}</dd>
            <dt>"Backlog"</dt>
            <dd>{events.backlog_sentence()}</dd>
            <dt>"Last failure"</dt>
            <dd>{events.last_failure.clone().unwrap_or_else(|| "None".to_owned())}</dd>
        </dl>
        <form method="post" action="/api/admin-set-endpoint" class="admin-form">
            <input type="hidden" name="partner" value=slug.clone()/>
            <label for=endpoint_id.clone()>{format!("Event endpoint of {name} (https)")}</label>
            <input
                id=endpoint_id
                name="endpoint"
                type="url"
                required
                maxlength="300"
                value=events.endpoint.clone().unwrap_or_default()
            />
            <button type="submit">{format!("Save the event endpoint of {name}")}</button>
        </form>
        {test_and_off}
    }
    .into_any()
}

fn action_record(actions: Vec<AdminActionView>) -> impl IntoView {
    let listing = if actions.is_empty() {
        view! { <p class="empty-state">"No admin has changed the catalog yet."</p> }.into_any()
    } else {
        let items = actions
            .iter()
            .map(|action| {
                let detail = action
                    .detail
                    .as_ref()
                    .map(|detail| format!(": \u{201c}{detail}\u{201d}"));
                view! { <li>{action.sentence()} {detail}</li> }
            })
            .collect_view();
        view! { <ol class="admin-record">{items}</ol> }.into_any()
    };
    view! {
        <section aria-labelledby="record-heading">
            <h2 id="record-heading">"Recent admin actions"</h2>
            {listing}
        </section>
    }
}
