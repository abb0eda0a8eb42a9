//! "Allow again": gives back a grant that was taken back, as a new consent event, for as long as
//! the person chooses (nothing lasts forever unless they say so).

use crate::api::dashboard::AllowAgain;
use crate::components::submit_button::SubmitButton;
use crate::domain::request_decision::Term;
use leptos::prelude::*;

/// The term offered first when giving an access back: the 90 days after which an unused access
/// expires anyway.
const FIRST_CHOICE: &str = "90";

#[component]
pub fn AllowAgainButton(
    action: ServerAction<AllowAgain>,
    grant: i64,
    /// The visible words, e.g. "Allow read again".
    #[prop(into)]
    label: String,
    /// Words only screen readers hear, completing the label: " for Spotify on your messages".
    #[prop(into)]
    context: String,
) -> impl IntoView {
    let term_id = format!("allow-{grant}-term");
    let terms = Term::CHOICES
        .iter()
        .map(|(value, words)| view! { <option value=*value selected=*value == FIRST_CHOICE>{*words}</option> })
        .collect_view();
    let term_label = format!("For how long{context}");
    view! {
        <ActionForm action=action attr:class="allow-form">
            <input type="hidden" name="grant" value=grant.to_string()/>
            <label for=term_id.clone() class="visually-hidden">{term_label}</label>
            <select id=term_id name="term" class="term">{terms}</select>
            <SubmitButton pending=action.pending() class="allow" label working="Allowing…" context/>
        </ActionForm>
    }
}
