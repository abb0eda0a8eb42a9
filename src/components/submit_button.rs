//! A form's submit button that shows it is working while its request runs, and cannot be
//! pressed again meanwhile, so a double click does nothing twice.

use leptos::prelude::*;

#[component]
pub fn SubmitButton(
    /// True while the form's action is running.
    #[prop(into)]
    pending: Signal<bool>,
    #[prop(into)] class: String,
    /// The visible words, e.g. "Revoke read".
    #[prop(into)]
    label: String,
    /// What the button says while this click is being handled, e.g. "Revoking…".
    #[prop(into)]
    working: String,
    /// Words only screen readers hear, completing the label.
    #[prop(optional, into)]
    context: String,
) -> impl IntoView {
    // Only the button that was pressed says it is working; the others are just disabled.
    let pressed = RwSignal::new(false);
    Effect::new(move |_| {
        if !pending.get() {
            pressed.set(false);
        }
    });
    let busy = move || pressed.get() && pending.get();
    view! {
        <button
            type="submit"
            class=class
            disabled=move || pending.get()
            aria-busy=move || busy().then_some("true")
            on:click=move |_| pressed.set(true)
        >
            {move || if busy() { working.clone() } else { label.clone() }}
            {(!context.is_empty()).then(|| view! { <span class="visually-hidden">{context}</span> })}
        </button>
    }
}
