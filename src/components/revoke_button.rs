//! One revocation button: its own form, so it works as a plain HTML POST without JavaScript.

use crate::api::dashboard::Revoke;
use crate::components::submit_button::SubmitButton;
use crate::domain::access::Access;
use leptos::prelude::*;

/// What the button takes back; empty fields are left out of the form.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RevokeTarget {
    pub grant: Option<i64>,
    pub partner: Option<String>,
    pub category: Option<String>,
    pub access: Option<Access>,
}

#[component]
pub fn RevokeButton(
    action: ServerAction<Revoke>,
    target: RevokeTarget,
    /// The visible words, e.g. "Revoke read".
    #[prop(into)]
    label: String,
    /// Words only screen readers hear, completing the label: " access of Spotify to your messages".
    #[prop(optional, into)]
    context: String,
) -> impl IntoView {
    let hidden = |name: &'static str, value: Option<String>| {
        value.map(|value| view! { <input type="hidden" name=name value=value/> })
    };
    view! {
        <ActionForm action=action attr:class="revoke-form">
            {hidden("grant", target.grant.map(|id| id.to_string()))}
            {hidden("partner", target.partner)}
            {hidden("category", target.category)}
            {hidden("access", target.access.map(|a| a.as_str().to_owned()))}
            <SubmitButton pending=action.pending() class="revoke" label working="Revoking…" context/>
        </ActionForm>
    }
}
