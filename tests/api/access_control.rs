//! Every page and server function, tried as a visitor, as another person, as support and as
//! admin. Each gets exactly what it may, and nobody reaches Alice's data through an id.

use crate::helpers::{ALICE, BOB, TestApp};
use crate::on_both_engines;
use crate::support::{ADMIN, SUPPORT, post};
use reqwest::header::{ACCEPT, COOKIE};

#[derive(Debug, Clone, Copy, PartialEq)]
enum Who {
    Visitor,
    OtherPerson,
    Support,
    Admin,
}

fn form_urlencoded(pairs: &[(&str, &str)]) -> String {
    let url = reqwest::Url::parse_with_params("http://app/", pairs).unwrap();
    url.query().unwrap_or_default().to_owned()
}

/// What a caller gets: a status, or a redirect (303) to sign in and back.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Gets {
    Status(u16),
    SignIn,
}

use Gets::{SignIn, Status};

/// A page or server function, and what each kind of caller gets, in the order of `Who`.
struct Route {
    method: &'static str,
    path: String,
    fields: Vec<(&'static str, String)>,
    expected: [Gets; 4],
}

fn page(path: &str, expected: [Gets; 4]) -> Route {
    Route {
        method: "GET",
        path: path.to_owned(),
        fields: Vec::new(),
        expected,
    }
}

fn call(path: &str, fields: Vec<(&'static str, String)>, expected: [Gets; 4]) -> Route {
    Route {
        method: "POST",
        path: path.to_owned(),
        fields,
        expected,
    }
}

async fn get(app: &TestApp, cookie: Option<&str>, path: &str) -> Gets {
    let mut request = app.client.get(app.url(path)).header(ACCEPT, "text/html");
    if let Some(cookie) = cookie {
        request = request.header(COOKIE, cookie);
    }
    let response = request.send().await.unwrap();
    // Back to this very page after signing in; the dashboard, where a sign-in lands anyway,
    // needs no `next`.
    let sign_in = match path {
        "/" => "/sign-in".to_owned(),
        _ => format!("/sign-in?{}", form_urlencoded(&[("next", path)])),
    };
    let to_sign_in = response
        .headers()
        .get("location")
        .is_some_and(|location| *location == *sign_in);
    if response.status() == 303 && to_sign_in {
        SignIn
    } else {
        Status(response.status().as_u16())
    }
}

async fn every_route_gives_each_caller_exactly_what_it_may(app: TestApp) {
    let alice = app.user_id("alice").await;
    let grant = app.grant_id("alice", "netflix", "messages", "read").await;
    let bob = app.sign_in(BOB).await;
    let support = app.sign_in(SUPPORT).await;
    let admin = app.sign_in(ADMIN).await;
    let support_id = app.user_id("support").await;
    // Support must open Alice's case before revoking for her; that is recorded.
    for agent in [&support, &admin] {
        let (status, _) = post(&app, Some(agent), "/api/support-open", &[("person", alice.to_string())]).await;
        assert_eq!(status, 200);
    }
    let alice_cookie = app.sign_in(ALICE).await;
    let request = crate::consent_request_helpers::asked(
        &app,
        "yahoo",
        &crate::consent_request_helpers::asking("alice", &[("posts", &["read"])], None),
    )
    .await;
    let alice_session: serde_json::Value =
        serde_json::from_str(&post(&app, Some(&alice_cookie), "/api/sessions", &[]).await.1).unwrap();
    let alice_session = alice_session["content"][0]["id"].as_str().unwrap().to_owned();
    let before = app.ledger_length("alice").await;

    let own = [SignIn, Status(200), Status(200), Status(200)];
    let staff_page = [SignIn, Status(403), Status(200), Status(200)];
    let own_call = [Status(401), Status(200), Status(200), Status(200)];
    let staff_call = [Status(401), Status(403), Status(200), Status(200)];
    let someone_elses = [Status(401), Status(404), Status(404), Status(404)];
    let admin_page = [SignIn, Status(403), Status(403), Status(200)];
    let admin_call = [Status(401), Status(403), Status(403), Status(200)];
    let routes = vec![
        page("/", own),
        page("/history", own),
        page("/activity", own),
        page("/sessions", own),
        page("/requests", own),
        page("/history/export.json", own),
        page("/history/export.csv", own),
        page("/support", staff_page),
        page(&format!("/support/people/{alice}"), staff_page),
        call("/api/dashboard", vec![], own_call),
        call("/api/history", vec![], own_call),
        call("/api/activity", vec![], own_call),
        call("/api/sessions", vec![], own_call),
        call("/api/requests", vec![], own_call),
        // Alice's grant and session, named by id: nobody else reaches them through the
        // person's own endpoints, not even support (support has its own, below).
        call("/api/revoke", vec![("grant", grant.to_string())], someone_elses),
        call("/api/allow-again", vec![("grant", grant.to_string())], someone_elses),
        call(
            "/api/end-session",
            vec![("session", alice_session.clone())],
            someone_elses,
        ),
        // Alice's request, named by id: only she answers it.
        call(
            "/api/approve-request",
            vec![
                ("request", request.clone()),
                ("access[]", "posts:read".into()),
                ("term", "forever".into()),
            ],
            someone_elses,
        ),
        call("/api/refuse-request", vec![("request", request.clone())], someone_elses),
        call("/api/support-search", vec![("q", "alice".into())], staff_call),
        call("/api/support-case", vec![("person", alice.to_string())], staff_call),
        // Staff accounts are never a case.
        call(
            "/api/support-case",
            vec![("person", support_id.to_string())],
            [Status(401), Status(403), Status(404), Status(404)],
        ),
        call("/api/support-open", vec![("person", alice.to_string())], staff_call),
        call(
            "/api/support-revoke",
            vec![
                ("person", alice.to_string()),
                ("target", format!("grant:{grant}")),
                ("reason", "Access-control test".into()),
            ],
            staff_call,
        ),
        // The partner catalog: admins only. The admin adds a partner, gives it a key, describes
        // and retires it; nobody else changes anything.
        page("/admin/partners", admin_page),
        call("/api/admin-partners", vec![], admin_call),
        call(
            "/api/admin-add-partner",
            vec![
                ("slug", "access-test".into()),
                ("name", "Access Test".into()),
                ("description", "Made by the access-control test.".into()),
            ],
            admin_call,
        ),
        call("/admin/partners/access-test/key", vec![], admin_call),
        call(
            "/api/admin-describe-partner",
            vec![("partner", "access-test".into()), ("description", "Described.".into())],
            admin_call,
        ),
        call(
            "/api/admin-retire-partner",
            vec![("partner", "access-test".into())],
            admin_call,
        ),
    ];

    let callers = [
        (Who::Visitor, None),
        (Who::OtherPerson, Some(bob.as_str())),
        (Who::Support, Some(support.as_str())),
        (Who::Admin, Some(admin.as_str())),
    ];
    let mut wrong = Vec::new();
    for route in &routes {
        for (index, (who, cookie)) in callers.iter().enumerate() {
            let got = match route.method {
                "GET" => get(&app, *cookie, &route.path).await,
                _ => Status(post(&app, *cookie, &route.path, &route.fields).await.0),
            };
            if got != route.expected[index] {
                wrong.push(format!(
                    "{} {} as {who:?}: got {got:?}, expected {:?}",
                    route.method, route.path, route.expected[index]
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));

    // The one change to Alice's ledger: the revocation support made for her (the admin's
    // second one found nothing left to revoke).
    assert_eq!(app.ledger_length("alice").await, before + 1);
    assert_eq!(
        app.decision("netflix", "alice", "messages", "read").await["reason"],
        "revoked"
    );
    // Alice's session survived everyone's attempts to end it.
    assert_eq!(get(&app, Some(&alice_cookie), "/").await, Status(200));
}
on_both_engines!(every_route_gives_each_caller_exactly_what_it_may);
