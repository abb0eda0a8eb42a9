//! "Allow again": gives back a grant that was taken back, as a new consent event.

use crate::api::dashboard::AllowAgain;
use crate::components::submit_button::SubmitButton;
use leptos::prelude::*;

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
    view! {
        <ActionForm action=action attr:class="allow-form">
            <input type="hidden" name="grant" value=grant.to_string()/>
            <SubmitButton pending=action.pending() class="allow" label working="Allowing…" context/>
        </ActionForm>
    }
}
