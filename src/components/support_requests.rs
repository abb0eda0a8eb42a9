//! The support console's list of a person's pending consent requests: each says what is asked,
//! in the person's words, and can be refused for them with a reason they will read. There is no
//! approve button, and no server function behind one: support never grants.

use crate::domain::request_view::PendingRequestView;
use leptos::prelude::*;

#[component]
pub fn SupportRequests(person_id: i64, person_name: String, requests: Vec<PendingRequestView>) -> impl IntoView {
    let items = if requests.is_empty() {
        view! { <p>{format!("No request waits for {person_name}'s answer.")}</p> }.into_any()
    } else {
        let forms = requests
            .into_iter()
            .map(|request| {
                let reason_id = format!("{}-reason", request.id);
                view! {
                    <li>
                        <p>{request.asks_sentence()}</p>
                        <p class="dates">{format!("Asked on {}. Expires unanswered on {}.", request.asked_on, request.answer_by)}</p>
                        <form method="post" action="/api/support-refuse-request" class="support-refuse">
                            <input type="hidden" name="person" value=person_id/>
                            <input type="hidden" name="request" value=request.id.clone()/>
                            <label for=reason_id.clone()>{format!("Reason for refusing ({person_name} will read it)")}</label>
                            <textarea id=reason_id name="reason" required maxlength="300"></textarea>
                            <button type="submit">
                                {format!("Refuse for {person_name}")}
                                <span class="visually-hidden">{format!(": the request from {}", request.partner_name)}</span>
                            </button>
                        </form>
                    </li>
                }
            })
            .collect_view();
        view! { <ul class="support-requests">{forms}</ul> }.into_any()
    };
    view! {
        <section aria-labelledby="case-requests">
            <h2 id="case-requests">"Requests waiting for an answer"</h2>
            <p>"Support can refuse a request for the person, with a reason they will read. Only the person can approve one."</p>
            {items}
        </section>
    }
}
