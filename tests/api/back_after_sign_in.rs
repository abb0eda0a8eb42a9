//! A signed-out visitor is sent to sign in and, once signed in, lands on the page they asked
//! for; never on another site, whatever the sign-in form is given as `next`.

use crate::helpers::{ALICE, TestApp, session_cookie};
use crate::on_both_engines;
use reqwest::Url;
use reqwest::header::{ACCEPT, COOKIE, LOCATION};

/// Posts the sign-in form as the browser does, with `next` as its hidden field.
async fn sign_in_to(app: &TestApp, (email, password): (&str, &str), next: &str) -> reqwest::Response {
    app.client
        .post(app.url("/sign-in"))
        .form(&[("email", email), ("password", password), ("next", next)])
        .send()
        .await
        .unwrap()
}

fn location(response: &reqwest::Response) -> String {
    response.headers()[LOCATION].to_str().unwrap().to_owned()
}

/// The `next` a sign-in address carries, decoded.
fn next_of(address: &str) -> Option<String> {
    let url = Url::parse(&format!("http://app{address}")).unwrap();
    assert_eq!(url.path(), "/sign-in", "{address}");
    url.query_pairs()
        .find(|(key, _)| key == "next")
        .map(|(_, next)| next.into_owned())
}

async fn every_signed_in_page_sends_a_visitor_to_sign_in_and_says_where_they_were_going(app: TestApp) {
    let alice = app.user_id("alice").await;
    let person = format!("/support/people/{alice}");
    let pages = [
        "/history",
        "/history?partner=spotify&page=2",
        "/activity",
        "/activity?days=30",
        "/sessions",
        "/support",
        "/support?q=alice",
        person.as_str(),
        "/admin/partners",
        "/history/export.json",
        "/history/export.csv",
    ];
    // A browser, a client that takes anything, and one that says nothing: all are redirected.
    for accept in [Some("text/html,application/xhtml+xml,*/*;q=0.8"), Some("*/*"), None] {
        for page in pages {
            let mut request = app.client.get(app.url(page));
            if let Some(accept) = accept {
                request = request.header(ACCEPT, accept);
            }
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), 303, "{page} with Accept {accept:?}");
            assert_eq!(
                next_of(&location(&response)).as_deref(),
                Some(page),
                "{page} with Accept {accept:?}"
            );
        }
        // The dashboard is where a sign-in lands anyway: no `next` needed.
        let mut request = app.client.get(app.url("/"));
        if let Some(accept) = accept {
            request = request.header(ACCEPT, accept);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 303, "/ with Accept {accept:?}");
        assert_eq!(location(&response), "/sign-in");
    }
}
on_both_engines!(every_signed_in_page_sends_a_visitor_to_sign_in_and_says_where_they_were_going);

async fn the_sign_in_form_carries_next_and_signing_in_lands_there(app: TestApp) {
    let asked = app
        .client
        .get(app.url("/history?partner=spotify"))
        .send()
        .await
        .unwrap();
    let form = app.client.get(app.url(&location(&asked))).send().await.unwrap();
    assert_eq!(form.status(), 200);
    let html = form.text().await.unwrap();
    assert!(
        html.contains(r#"<input type="hidden" name="next" value="/history?partner=spotify""#),
        "{html}"
    );

    let signed_in = sign_in_to(&app, ALICE, "/history?partner=spotify").await;
    assert_eq!(signed_in.status(), 303);
    assert_eq!(location(&signed_in), "/history?partner=spotify");
    let cookie = session_cookie(&signed_in).expect("a session");
    let page = app
        .client
        .get(app.url("/history?partner=spotify"))
        .header(COOKIE, &cookie)
        .header(ACCEPT, "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
}
on_both_engines!(the_sign_in_form_carries_next_and_signing_in_lands_there);

/// `next` values that must never send a freshly signed-in person anywhere but the dashboard.
const NOT_OUR_PAGES: &[(&str, &str)] = &[
    ("", "empty"),
    ("history", "a relative path"),
    ("https://evil.example/", "another site"),
    ("http:evil.example", "a scheme without slashes"),
    ("//evil.example", "a scheme-relative address"),
    ("///evil.example", "three slashes"),
    ("/\\evil.example", "a backslash browsers read as a slash"),
    ("\\/evil.example", "a backslash first"),
    ("/\t/evil.example", "a tab browsers strip"),
    ("/\r\nLocation: https://evil.example", "a header injection"),
    (" //evil.example", "a leading space"),
    ("javascript:alert(document.cookie)", "a script"),
    ("data:text/html,<script>alert(1)</script>", "a data address"),
    ("/sign-in", "the sign-in page itself"),
];

async fn a_next_that_is_not_a_page_of_this_site_lands_on_the_dashboard(app: TestApp) {
    for (next, what) in NOT_OUR_PAGES {
        let response = sign_in_to(&app, ALICE, next).await;
        assert_eq!(response.status(), 303, "{what}");
        assert_eq!(location(&response), "/", "{what}: {next:?}");
        assert!(session_cookie(&response).is_some(), "{what}: still signed in");
        // The form never offers it either.
        let query = Url::parse_with_params("http://app/sign-in", &[("next", next)]).unwrap();
        let form = app
            .client
            .get(app.url(&format!("/sign-in?{}", query.query().unwrap())))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(!form.contains(r#"name="next""#), "{what}: {next:?}");
    }
    // Escapes stay escapes: a line break written as %0d%0a is part of a path of this site,
    // never a break in the header.
    let response = sign_in_to(&app, ALICE, "/%0d%0aSet-Cookie:x=1").await;
    assert_eq!(location(&response), "/%0d%0aSet-Cookie:x=1");
    assert_eq!(
        response.headers().get_all("set-cookie").iter().count(),
        1,
        "only the session cookie"
    );
}
on_both_engines!(a_next_that_is_not_a_page_of_this_site_lands_on_the_dashboard);

async fn a_failed_sign_in_keeps_where_the_person_was_going(app: TestApp) {
    let cases = [
        (
            vec![("email", ALICE.0), ("password", "wrong-password")],
            "invalid",
            "a wrong password",
        ),
        (vec![("email", ALICE.0)], "incomplete", "no password"),
        (vec![("email", ""), ("password", "x")], "incomplete", "no email"),
    ];
    for (fields, error, what) in cases {
        let mut fields = fields;
        fields.push(("next", "/sessions"));
        let response = app.client.post(app.url("/sign-in")).form(&fields).send().await.unwrap();
        assert_eq!(
            location(&response),
            format!("/sign-in?error={error}&next=%2Fsessions"),
            "{what}"
        );
        assert!(session_cookie(&response).is_none(), "{what}");
    }
    // A bad `next` is dropped on the way back too.
    let response = app
        .client
        .post(app.url("/sign-in"))
        .form(&[
            ("email", ALICE.0),
            ("password", "wrong-password"),
            ("next", "//evil.example"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(location(&response), "/sign-in?error=invalid");
    // The form shown after the failure still leads on.
    let form = app
        .client
        .get(app.url("/sign-in?error=invalid&next=%2Fsessions"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(form.contains("That email and password do not match an account."));
    assert!(
        form.contains(r#"<input type="hidden" name="next" value="/sessions""#),
        "{form}"
    );
    // Then the right password lands there.
    let response = sign_in_to(&app, ALICE, "/sessions").await;
    assert_eq!(location(&response), "/sessions");
}
on_both_engines!(a_failed_sign_in_keeps_where_the_person_was_going);
