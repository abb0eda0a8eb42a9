//! Every form posted without script (on every page but the dashboard, that is every form) comes
//! back to its page, which then says once what was done: "Allowed again: …", "Revoked: …",
//! "Ended your one other session…", "Added Acme to the catalog…".

use crate::helpers::{ALICE, TestApp, cookie_set_by};
use crate::on_both_engines;
use crate::support::{ADMIN, SUPPORT};

/// Posts a form on the page `from` as a browser without script does, follows the redirect back
/// to `from` with the notice cookie it set, and returns that page's text. Also checks that the
/// page clears the notice, and that reloading it shows the notice no more.
async fn page_after_form(app: &TestApp, cookie: &str, from: &str, action: &str, fields: &[(&str, &str)]) -> String {
    let posted = app.post_form_without_script(cookie, from, action, fields).await;
    assert!(posted.status().is_redirection(), "{}", posted.status());
    // Leptos leaves an empty query ("…/sessions?") where it took its own parameter out.
    let location = posted.headers()["location"].to_str().unwrap().trim_end_matches('?');
    assert_eq!(
        location,
        app.url(from),
        "back to the page the form is on, with no error"
    );
    let notice = cookie_set_by(&posted, "wcs_notice").expect("the redirect carries what was done");

    let returned = app.page(&format!("{cookie}; {notice}"), from).await;
    assert_eq!(returned.status(), 200);
    let cleared = returned
        .headers()
        .get_all("set-cookie")
        .iter()
        .any(|v| v.to_str().unwrap().starts_with("wcs_notice=;"));
    assert!(cleared, "the page clears the notice it shows");
    let page = returned.text().await.unwrap();
    assert!(page.contains(r#"role="status""#), "the notice is a status line");
    page
}

/// A notice on `page`, and none there on the next visit.
async fn said_once(app: &TestApp, cookie: &str, from: &str, page: &str, notice: &str) {
    assert!(page.contains(notice), "{notice} in {page}");
    let reloaded = app.page(cookie, from).await.text().await.unwrap();
    assert!(!reloaded.contains(notice), "said once: {notice}");
}

async fn history_says_what_allow_again_did(app: TestApp) {
    let cookie = app.sign_in(ALICE).await;
    let revoked = app
        .revoke(
            &cookie,
            &[("partner", "spotify"), ("category", "messages"), ("access", "read")],
        )
        .await;
    assert_eq!(revoked.status(), 200);
    let grant = app.grant_id("alice", "spotify", "messages", "read").await.to_string();
    let history = "/history?partner=spotify";

    let refused = app
        .post_form_without_script(&cookie, history, "/api/allow-again", &[("grant", "not-a-number")])
        .await;
    assert!(refused.headers()["location"].to_str().unwrap().contains("__err"));
    assert_eq!(
        cookie_set_by(&refused, "wcs_notice"),
        None,
        "a failed form claims nothing"
    );

    let posted = app
        .post_form_without_script(&cookie, history, "/api/allow-again", &[("grant", &grant)])
        .await;
    let notice = cookie_set_by(&posted, "wcs_notice").unwrap();
    let dashboard = app.dashboard(&format!("{cookie}; {notice}")).await;
    assert_eq!(
        cookie_set_by(&dashboard, "wcs_notice"),
        None,
        "another page neither shows nor clears it"
    );
    assert!(!dashboard.text().await.unwrap().contains("Allowed again"));

    app.revoke(&cookie, &[("grant", &grant)]).await;
    let page = page_after_form(&app, &cookie, history, "/api/allow-again", &[("grant", &grant)]).await;
    said_once(
        &app,
        &cookie,
        history,
        &page,
        "Allowed again: Spotify can read your messages.",
    )
    .await;
    assert_eq!(
        app.decision("spotify", "alice", "messages", "read").await["decision"],
        "allow"
    );
}
on_both_engines!(history_says_what_allow_again_did);

async fn support_staff_are_told_what_they_opened_and_revoked(app: TestApp) {
    let agent = app.sign_in(SUPPORT).await;
    let case = format!("/support/people/{}", app.user_id("alice").await);
    let person = app.user_id("alice").await.to_string();

    let opened = page_after_form(
        &app,
        &agent,
        &case,
        "/api/support-open",
        &[("person", &person), ("ticket", "T-42")],
    )
    .await;
    let told =
        "Opened Alice Example's permissions. This look is recorded, and Alice Example will see it in their history.";
    said_once(&app, &agent, &case, &opened, told).await;

    let revoked = page_after_form(
        &app,
        &agent,
        &case,
        "/api/support-revoke",
        &[
            ("person", &person),
            ("target", "partner:spotify"),
            ("reason", "She asked on the phone"),
        ],
    )
    .await;
    let told = "Revoked: Spotify can no longer reach any of Alice Example's data.";
    said_once(&app, &agent, &case, &revoked, told).await;
    assert_eq!(
        app.decision("spotify", "alice", "messages", "read").await["decision"],
        "deny"
    );
}
on_both_engines!(support_staff_are_told_what_they_opened_and_revoked);

async fn the_sessions_page_says_how_many_sessions_ended(app: TestApp) {
    let laptop = app.sign_in(ALICE).await;
    let phone = app.sign_in(ALICE).await;
    let _tablet = app.sign_in(ALICE).await;

    // One session, ended by its own button.
    let listed = app.page(&laptop, "/sessions").await.text().await.unwrap();
    let marker = r#"name="session" value=""#;
    let at = listed.find(marker).expect("another session's End button") + marker.len();
    let one = &listed[at..at + 32];
    let page = page_after_form(&app, &laptop, "/sessions", "/api/end-session", &[("session", one)]).await;
    said_once(
        &app,
        &laptop,
        "/sessions",
        &page,
        "Ended that session: that browser is signed out.",
    )
    .await;
    assert!(page.contains("Signed in on 2 browsers"), "one of three ended");

    let page = page_after_form(&app, &laptop, "/sessions", "/api/end-other-sessions", &[]).await;
    let told = "Ended your one other session: only this browser is signed in now.";
    said_once(&app, &laptop, "/sessions", &page, told).await;
    assert_eq!(app.dashboard(&phone).await.headers()["location"], "/sign-in");

    let again = page_after_form(&app, &laptop, "/sessions", "/api/end-other-sessions", &[]).await;
    assert!(again.contains("There were no other sessions to end."));
}
on_both_engines!(the_sessions_page_says_how_many_sessions_ended);

async fn the_catalog_page_says_what_the_admin_changed(app: TestApp) {
    let admin = app.sign_in(ADMIN).await;
    let catalog = "/admin/partners";
    let added = page_after_form(
        &app,
        &admin,
        catalog,
        "/api/admin-add-partner",
        &[
            ("slug", "acme"),
            ("name", "Acme Analytics"),
            ("description", "Counts things."),
        ],
    )
    .await;
    let told = "Added Acme Analytics to the catalog. It has no API key until you make one.";
    said_once(&app, &admin, catalog, &added, told).await;

    let retired = page_after_form(
        &app,
        &admin,
        catalog,
        "/api/admin-retire-partner",
        &[("partner", "acme")],
    )
    .await;
    let told = "Retired Acme Analytics: its API key no longer works, and no new grant can name it.";
    said_once(&app, &admin, catalog, &retired, told).await;
}
on_both_engines!(the_catalog_page_says_what_the_admin_changed);
