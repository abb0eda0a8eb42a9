//! Sign-in: a plain HTML form, so it works before (or without) any script.

use crate::domain::demo_accounts::{DEMO_ACCOUNTS, DEMO_STAFF};
use crate::domain::next_page::NextPage;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

fn sign_in_problem(code: &str) -> &'static str {
    match code {
        "incomplete" => "Enter your email and your password.",
        "locked" => "Too many failed sign-ins. Wait 15 minutes, then try again.",
        _ => "That email and password do not match an account.",
    }
}

#[component]
pub fn SignIn() -> impl IntoView {
    let query = use_query_map();
    let problem = move || query.read().get("error").map(|code| sign_in_problem(&code));
    // Where the person was going, carried through the form (and back to it after a failure);
    // a `next` that is not a page of this site is not carried at all.
    let next = move || {
        query
            .read()
            .get("next")
            .and_then(|raw| NextPage::parse(&raw).ok())
            .filter(|next| !next.is_home())
            .map(|next| view! { <input type="hidden" name="next" value=next.to_string()/> })
    };
    view! {
        <Title text="Sign in · Who Can See"/>
        <main id="main" class="page narrow">
            <h1>"Sign in to Who Can See"</h1>
            <p>"See which partner companies can reach your messages, friends and contacts, and take access back in one click."</p>
            {move || problem().map(|message| view! { <p role="alert" class="problem">{message}</p> })}
            <form method="post" action="/sign-in" class="sign-in-form">
                {next}
                <label for="email">"Email"</label>
                <input id="email" name="email" type="email" autocomplete="username" required/>
                <label for="password">"Password"</label>
                <input id="password" name="password" type="password" autocomplete="current-password" required/>
                <button type="submit" class="primary">"Sign in"</button>
            </form>
            <section aria-labelledby="demo-accounts">
                <h2 id="demo-accounts">"Demo accounts"</h2>
                <ul>
                    {DEMO_ACCOUNTS
                        .iter()
                        .map(|(email, password, name)| {
                            view! {
                                <li>{*name} ": " <code>{*email}</code> " with password " <code>{*password}</code></li>
                            }
                        })
                        .collect_view()}
                    {DEMO_STAFF
                        .iter()
                        .map(|(email, password, name, role)| {
                            view! {
                                <li>
                                    {*name} " (" {role.as_str()} "): " <code>{*email}</code> " with password "
                                    <code>{*password}</code>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </section>
        </main>
    }
}
