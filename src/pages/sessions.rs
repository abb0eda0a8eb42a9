//! Sessions: where the signed-in person is signed in, and a way to end the others.

use crate::api::sessions::{EndOtherSessions, EndSession, SessionView, load_sessions};
use crate::api::signed_in::SignedIn;
use crate::components::data_table::DataTable;
use crate::components::form_notice::FormNotice;
use crate::components::form_problem::FormProblem;
use crate::components::signed_in_header::SignedInHeader;
use crate::components::signed_in_page::signed_in_page;
use crate::components::submit_button::SubmitButton;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn Sessions() -> impl IntoView {
    let page = Resource::new(|| (), |_| load_sessions());
    view! {
        <Title text="Your sessions · Who Can See"/>
        <Suspense fallback=|| view! { <p>"Loading your sessions…"</p> }>
            {move || Suspend::new(async move { signed_in_page(page.await, "Your sessions", None, sessions) })}
        </Suspense>
    }
}

fn sessions(page: SignedIn<Vec<SessionView>>) -> impl IntoView {
    let end_one = ServerAction::<EndSession>::new();
    let end_others = ServerAction::<EndOtherSessions>::new();
    let others = page.content.iter().filter(|s| !s.current).count();
    let caption = match others {
        0 => "Signed in on this browser only".to_owned(),
        n => format!("Signed in on {} browsers", n + 1),
    };
    let rows = page
        .content
        .into_iter()
        .map(|session| {
            let started = session.started.clone();
            let action = if session.current {
                view! { <span>"This browser"</span> }.into_any()
            } else {
                view! {
                    <ActionForm action=end_one attr:class="inline-form">
                        <input type="hidden" name="session" value=session.id.clone()/>
                        <SubmitButton
                            pending=end_one.pending()
                            class="revoke"
                            label="End this session"
                            working="Ending…"
                            context=format!(" (signed in {})", session.started)
                        />
                    </ActionForm>
                }
                .into_any()
            };
            view! {
                <tr>
                    <td>{started}</td>
                    <td>{session.last_seen}</td>
                    <td>{session.browser}</td>
                    <td>{action}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <SignedInHeader name=page.name email=page.email staff=page.staff admin=page.admin requests=page.requests/>
        <main id="main" class="page">
            <h1>"Your sessions"</h1>
            <p>"Every browser where you are signed in. End any you do not recognise."</p>
            <FormProblem/>
            <FormNotice/>
            <DataTable caption columns=&["Signed in", "Last seen", "Browser", "Action"]>
                {rows}
            </DataTable>
            {(others > 0).then(|| view! {
                <ActionForm action=end_others attr:class="inline-form">
                    <SubmitButton
                        pending=end_others.pending()
                        class="revoke"
                        label="Sign out everywhere else"
                        working="Signing out…"
                    />
                </ActionForm>
            })}
        </main>
    }
}
