//! The admin's partner catalog: add a partner, change its description, retire it, and give it
//! a new API key from the web. Every change is recorded with the admin and the time; bad
//! input changes nothing and records nothing.

use crate::helpers::TestApp;
use crate::on_both_engines;
use crate::support::{ADMIN, post};
use reqwest::header::{ACCEPT, CACHE_CONTROL, CONTENT_SECURITY_POLICY, COOKIE};
use serde_json::json;
use who_can_see::domain::access::Access;
use who_can_see::domain::admin::AdminAction;
use who_can_see::server::clock::now_ms;
use who_can_see::server::storage::consent::admin::{AdminActionRecord, PartnerRecord};
use who_can_see::server::storage::consent::grants::{Actor, NewGrant};

async fn catalog(app: &TestApp) -> Vec<PartnerRecord> {
    app.store.partner_catalog().await.unwrap()
}

async fn partner(app: &TestApp, slug: &str) -> PartnerRecord {
    catalog(app)
        .await
        .into_iter()
        .find(|p| p.slug == slug)
        .expect("the partner is in the catalog")
}

async fn record(app: &TestApp) -> Vec<AdminActionRecord> {
    app.store.recent_admin_actions(1000).await.unwrap()
}

/// Presses "Create a new key" / "Rotate the key" as the browser's plain form does.
async fn press_key_button(app: &TestApp, cookie: &str, slug: &str) -> reqwest::Response {
    app.client
        .post(app.url(&format!("/admin/partners/{slug}/key")))
        .header(COOKIE, cookie)
        .header(ACCEPT, "text/html")
        .header("sec-fetch-site", "same-origin")
        .send()
        .await
        .unwrap()
}

/// The key shown on the page, which must be there exactly once.
fn shown_key(page: &str) -> String {
    let start = page.find("value=\"wcs_").expect("the page shows a key") + "value=\"".len();
    let key: String = page[start..].chars().take_while(|c| *c != '"').collect();
    assert_eq!(page.matches(&key).count(), 1, "the key appears once: {page}");
    key
}

async fn new_key(app: &TestApp, cookie: &str, slug: &str) -> String {
    let response = press_key_button(app, cookie, slug).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()[CACHE_CONTROL], "no-store");
    let csp = response.headers()[CONTENT_SECURITY_POLICY].to_str().unwrap().to_owned();
    assert!(
        csp.contains("default-src 'none'") && !csp.contains("script-src"),
        "{csp}"
    );
    shown_key(&response.text().await.unwrap())
}

/// The latest recorded action is `action` on `slug`, by the admin, just now.
async fn assert_recorded(app: &TestApp, action: AdminAction, slug: &str, started: i64) {
    let admin_id = app.user_id("admin").await;
    let latest = record(app).await.into_iter().next().expect("something is recorded");
    assert_eq!((latest.action, latest.partner_slug.as_str()), (action, slug));
    assert_eq!((latest.admin_id, latest.admin_name.as_str()), (admin_id, "Ada Admin"));
    assert!(
        latest.at >= started && latest.at <= now_ms(),
        "recorded with the time of the change"
    );
}

async fn an_admin_adds_a_partner_and_changes_its_description_on_the_record(app: TestApp) {
    let admin = app.sign_in(ADMIN).await;
    let started = now_ms();
    let fields = [
        ("slug", "acme-books".to_owned()),
        ("name", "Acme Books".to_owned()),
        ("description", "E-book shop. Wants to read friends lists.".to_owned()),
    ];
    let (status, body) = post(&app, Some(&admin), "/api/admin-add-partner", &fields).await;
    assert_eq!(status, 200, "{body}");
    let added = partner(&app, "acme-books").await;
    assert_eq!(
        (
            added.name.as_str(),
            added.description.as_str(),
            added.has_key,
            added.retired_at
        ),
        ("Acme Books", "E-book shop. Wants to read friends lists.", false, None)
    );
    assert_recorded(&app, AdminAction::Added, "acme-books", started).await;

    let fields = [
        ("partner", "acme-books".to_owned()),
        ("description", "  E-book shop. Reads friends lists.  ".to_owned()),
    ];
    let (status, body) = post(&app, Some(&admin), "/api/admin-describe-partner", &fields).await;
    assert_eq!(status, 200, "{body}");
    let described = partner(&app, "acme-books").await;
    assert_eq!(described.description, "E-book shop. Reads friends lists.");
    assert_eq!(described.name, "Acme Books", "only the description changes");
    assert_recorded(&app, AdminAction::Described, "acme-books", started).await;

    // The page lists it, and says in words who did what and when.
    let page = app.page(&admin, "/admin/partners").await;
    assert_eq!(page.status(), 200);
    let page = page.text().await.unwrap();
    assert!(
        page.contains("Create a new key for Acme Books") && page.contains("Retire Acme Books"),
        "{page}"
    );
    assert!(page.contains("Ada Admin added Acme Books to the catalog on "), "{page}");
    assert!(
        page.contains("Ada Admin changed the description of Acme Books on "),
        "{page}"
    );
    assert!(page.contains(">Admin</a>"), "the header offers admins the catalog");
}
on_both_engines!(an_admin_adds_a_partner_and_changes_its_description_on_the_record);

async fn a_key_made_on_the_web_works_at_once_and_the_old_one_stops(app: TestApp) {
    let admin = app.sign_in(ADMIN).await;
    let started = now_ms();
    assert_eq!(app.status_with_key("demo-key-spotify").await, 200);
    let first = new_key(&app, &admin, "spotify").await;
    assert_eq!(app.status_with_key(&first).await, 200);
    assert_eq!(app.status_with_key("demo-key-spotify").await, 401);
    assert_recorded(&app, AdminAction::KeyRotated, "spotify", started).await;

    let second = new_key(&app, &admin, "spotify").await;
    assert_ne!(first, second);
    assert_eq!(
        app.status_with_key(&first).await,
        401,
        "rotating ends the old key at once"
    );
    assert_eq!(app.status_with_key(&second).await, 200);
    assert_eq!(
        app.status_with_key("demo-key-netflix").await,
        200,
        "other partners keep theirs"
    );

    // Only the hash is kept; the record never holds the key.
    let stored: Vec<Option<String>> = app
        .store
        .partner_key_hashes()
        .await
        .unwrap()
        .into_iter()
        .filter_map(|(slug, hash)| (slug == "spotify").then_some(hash))
        .collect();
    assert_eq!(
        stored,
        vec![Some(who_can_see::server::auth::session::hash_token(&second))]
    );
    assert!(record(&app).await.iter().all(|a| a.detail.is_none()));
    // The catalog page says a key exists, and never shows it.
    let page = app.page(&admin, "/admin/partners").await.text().await.unwrap();
    assert!(!page.contains(&second) && page.contains("Rotate the key of Spotify"));
    assert!(page.contains("Ada Admin rotated the API key of Spotify on "), "{page}");

    // A partner added without a key gets its first one.
    let fields = [
        ("slug", "acme".to_owned()),
        ("name", "Acme".to_owned()),
        ("description", "Anvils.".to_owned()),
    ];
    assert_eq!(post(&app, Some(&admin), "/api/admin-add-partner", &fields).await.0, 200);
    let acme = new_key(&app, &admin, "acme").await;
    assert_recorded(&app, AdminAction::KeyCreated, "acme", started).await;
    let answer = app
        .check(
            &acme,
            json!({ "user": "alice", "category": "messages", "access": "read" }),
        )
        .await;
    assert_eq!(answer.status(), 200);
    let answer: serde_json::Value = answer.json().await.unwrap();
    assert_eq!(answer["decision"], "deny", "a new partner holds nothing: {answer}");
}
on_both_engines!(a_key_made_on_the_web_works_at_once_and_the_old_one_stops);

async fn a_key_request_from_another_site_is_refused_and_changes_nothing(app: TestApp) {
    let admin = app.sign_in(ADMIN).await;
    let before = record(&app).await.len();
    let response = app
        .client
        .post(app.url("/admin/partners/spotify/key"))
        .header(COOKIE, &admin)
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    assert!(!response.text().await.unwrap().contains("wcs_"));
    assert_eq!(app.status_with_key("demo-key-spotify").await, 200);
    assert_eq!(record(&app).await.len(), before);
}
on_both_engines!(a_key_request_from_another_site_is_refused_and_changes_nothing);

async fn retiring_a_partner_ends_its_key_at_once_and_keeps_its_grants_and_history(app: TestApp) {
    let admin = app.sign_in(ADMIN).await;
    let started = now_ms();
    assert_eq!(app.status_with_key("demo-key-yahoo").await, 200);
    let grants_before = app.grant_states("alice").await;
    let (status, body) = post(
        &app,
        Some(&admin),
        "/api/admin-retire-partner",
        &[("partner", "yahoo".into())],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(app.status_with_key("demo-key-yahoo").await, 401);
    let yahoo = partner(&app, "yahoo").await;
    assert!(yahoo.retired_at.is_some() && !yahoo.has_key);
    assert_recorded(&app, AdminAction::Retired, "yahoo", started).await;

    // Existing grants and history keep naming it.
    assert_eq!(app.grant_states("alice").await, grants_before);
    assert!(grants_before.iter().any(|(partner, ..)| partner == "yahoo"));
    let alice = app.sign_in(crate::helpers::ALICE).await;
    assert!(
        app.page(&alice, "/history")
            .await
            .text()
            .await
            .unwrap()
            .contains("Yahoo")
    );

    // No new grant names it, whatever writes it.
    let bob = app.user_id("bob").await;
    let grant = NewGrant {
        user_id: bob,
        partner_slug: "yahoo",
        category_slug: "friends",
        access: Access::Read,
        purpose: "Show friends' posts",
        granted_at: now_ms(),
        expires_at: None,
    };
    assert!(app.store.give_grant(&grant, Actor::User(bob)).await.is_err());
    // A restart seeds demo keys for partners without one: a retired partner's stays dead.
    who_can_see::server::tools::demo::seed(&app.store).await.unwrap();
    assert_eq!(app.status_with_key("demo-key-yahoo").await, 401);

    // Retiring twice, or a key for a retired partner: refused, nothing recorded.
    let recorded = record(&app).await.len();
    let (status, body) = post(
        &app,
        Some(&admin),
        "/api/admin-retire-partner",
        &[("partner", "yahoo".into())],
    )
    .await;
    assert_eq!(
        (status, body.contains("Yahoo is already retired.")),
        (400, true),
        "{body}"
    );
    let response = press_key_button(&app, &admin, "yahoo").await;
    assert_eq!(response.status(), 400);
    let page = response.text().await.unwrap();
    assert!(
        page.contains("Yahoo is retired, so it cannot get an API key.") && !page.contains("wcs_"),
        "{page}"
    );
    assert_eq!(app.status_with_key("demo-key-yahoo").await, 401);
    assert_eq!(record(&app).await.len(), recorded);

    let page = app.page(&admin, "/admin/partners").await.text().await.unwrap();
    assert!(
        page.contains("Retired on ") && !page.contains("Retire Yahoo<"),
        "{page}"
    );
}
on_both_engines!(retiring_a_partner_ends_its_key_at_once_and_keeps_its_grants_and_history);

/// A server function, its fields, and the status and words of its refusal.
type Refusal<'a> = (&'a str, Vec<(&'a str, String)>, u16, &'a str);

async fn bad_input_gets_a_clear_error_and_changes_and_records_nothing(app: TestApp) {
    let admin = app.sign_in(ADMIN).await;
    let before = catalog(&app).await;
    let keys_before = app.store.partner_key_hashes().await.unwrap();
    let add = |slug: &str, name: &str, description: &str| {
        vec![
            ("slug", slug.to_owned()),
            ("name", name.to_owned()),
            ("description", description.to_owned()),
        ]
    };
    let describe = |partner: &str, description: &str| {
        vec![("partner", partner.to_owned()), ("description", description.to_owned())]
    };
    let long_name = "n".repeat(101);
    let long_description = "d".repeat(301);
    let cases: Vec<Refusal> = vec![
        (
            "/api/admin-add-partner",
            add("", "Acme", "Anvils."),
            400,
            "short name is missing",
        ),
        (
            "/api/admin-add-partner",
            add("Acme", "Acme", "Anvils."),
            400,
            "lowercase letters, digits or dashes",
        ),
        (
            "/api/admin-add-partner",
            add("acme corp", "Acme", "Anvils."),
            400,
            "lowercase letters, digits or dashes",
        ),
        (
            "/api/admin-add-partner",
            add("acme", " ", "Anvils."),
            400,
            "name is 1 to 100 characters",
        ),
        (
            "/api/admin-add-partner",
            add("acme", &long_name, "Anvils."),
            400,
            "name is 1 to 100 characters",
        ),
        (
            "/api/admin-add-partner",
            add("acme", "Acme", ""),
            400,
            "description is 1 to 300 characters",
        ),
        (
            "/api/admin-add-partner",
            add("acme", "Acme", &long_description),
            400,
            "description is 1 to 300",
        ),
        (
            "/api/admin-add-partner",
            add("spotify", "Spotify Two", "Dup."),
            400,
            "already in the catalog",
        ),
        (
            "/api/admin-add-partner",
            add("spotify-2", "SPOTIFY", "Dup."),
            400,
            "already in the catalog",
        ),
        (
            "/api/admin-describe-partner",
            describe("nobody", "Anvils."),
            404,
            "no such partner",
        ),
        (
            "/api/admin-describe-partner",
            describe("spotify", "  "),
            400,
            "description is 1 to 300",
        ),
        (
            "/api/admin-describe-partner",
            describe("spotify", &long_description),
            400,
            "description is 1 to 300",
        ),
        (
            "/api/admin-describe-partner",
            describe("Spotify!", "Anvils."),
            400,
            "lowercase letters",
        ),
        (
            "/api/admin-retire-partner",
            vec![("partner", "nobody".into())],
            404,
            "no such partner",
        ),
        (
            "/api/admin-retire-partner",
            vec![("partner", "".into())],
            400,
            "partner is missing",
        ),
    ];
    for (path, fields, status, message) in cases {
        let (got, body) = post(&app, Some(&admin), path, &fields).await;
        assert_eq!(got, status, "{path} {fields:?}: {body}");
        assert!(
            body.contains(message),
            "{path} {fields:?} should say {message:?}: {body}"
        );
    }
    for (slug, status, message) in [
        ("nobody", 404, "There is no such partner."),
        ("Spotify", 400, "lowercase"),
    ] {
        let response = press_key_button(&app, &admin, slug).await;
        assert_eq!(response.status(), status, "key for {slug}");
        assert_eq!(response.headers()[CACHE_CONTROL], "no-store");
        let page = response.text().await.unwrap();
        assert!(page.contains(message) && !page.contains("wcs_"), "{page}");
    }
    assert_eq!(catalog(&app).await, before, "nothing changed");
    assert_eq!(
        app.store.partner_key_hashes().await.unwrap(),
        keys_before,
        "no key changed"
    );
    assert!(record(&app).await.is_empty(), "nothing recorded");
}
on_both_engines!(bad_input_gets_a_clear_error_and_changes_and_records_nothing);

async fn the_record_of_admin_actions_is_append_only(app: TestApp) {
    let admin = app.sign_in(ADMIN).await;
    let (status, _) = post(
        &app,
        Some(&admin),
        "/api/admin-retire-partner",
        &[("partner", "bing".into())],
    )
    .await;
    assert_eq!(status, 200);
    let pool = sqlx::AnyPool::connect(&app.database_url).await.unwrap();
    assert!(
        sqlx::query("UPDATE admin_actions SET admin_id = admin_id")
            .execute(&pool)
            .await
            .is_err()
    );
    assert!(sqlx::query("DELETE FROM admin_actions").execute(&pool).await.is_err());
    assert_eq!(record(&app).await.len(), 1);
}
on_both_engines!(the_record_of_admin_actions_is_append_only);

async fn a_retired_partner_cannot_be_allowed_again_and_the_person_is_told_why(app: TestApp) {
    use who_can_see::domain::slug::Slug;
    let cookie = app.sign_in(crate::helpers::ALICE).await;
    let grant = app.grant_id("alice", "spotify", "messages", "read").await;
    app.revoke(&cookie, &[("grant", &grant.to_string())]).await;
    let admin = app.user_id("admin").await;
    let spotify = Slug::parse("spotify", "partner").unwrap();
    assert!(app.store.retire_partner(admin, &spotify, 1_000).await.unwrap());
    let before = app.ledger_length("alice").await;

    let response = app.allow_again(&cookie, grant).await;
    assert_eq!(response.status(), 400);
    let body = response.text().await.unwrap();
    assert!(body.contains("Spotify has left the partner catalog"), "{body}");
    assert_eq!(app.ledger_length("alice").await, before, "nothing written");
}
on_both_engines!(a_retired_partner_cannot_be_allowed_again_and_the_person_is_told_why);
