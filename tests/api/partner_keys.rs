//! `who-can-see partner-key create <slug>`: a new random key that works at once, replaces the
//! old one (which a running server stops taking within a second), survives a restart, and is
//! stored only as a hash.

use crate::helpers::TestApp;
use crate::on_both_engines;
use std::time::{Duration, Instant};
use who_can_see::server::storage::consent::key_cache::KEY_TTL;

/// Runs `who-can-see partner-key create <slug>` on the app's database: (success, stdout, stderr).
fn create_key(app: &TestApp, slug: &str) -> (bool, String, String) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_who-can-see"))
        .args(["partner-key", "create", slug])
        .env("DATABASE_URL", &app.database_url)
        .env("RUST_LOG", "error")
        .output()
        .expect("the binary runs");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).trim().to_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// The command runs in another process, so the server notices only when its cached copy of the
/// old key runs out: within `KEY_TTL`. Asks with the old key until its first 401.
async fn old_key_stops_within_the_ttl(app: &TestApp, old_key: &str) {
    let rotated = Instant::now();
    loop {
        let status = app.status_with_key(old_key).await;
        if status == 401 {
            return;
        }
        assert_eq!(status, 200, "until it stops, the old key still works as it did");
        assert!(
            rotated.elapsed() < KEY_TTL + Duration::from_millis(500),
            "the old key still works {:?} after the rotation",
            rotated.elapsed()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn a_new_key_works_at_once_and_the_old_one_stops(app: TestApp) {
    assert_eq!(app.status_with_key("demo-key-spotify").await, 200);
    let (ok, first, stderr) = create_key(&app, "spotify");
    assert!(ok, "{stderr}");
    let random_part = first.strip_prefix("wcs_").expect("the key is printed alone");
    assert!(
        random_part.len() >= 64 && random_part.chars().all(|c| c.is_ascii_hexdigit()),
        "{first}"
    );
    assert_eq!(app.status_with_key(&first).await, 200, "a new key works at once");
    old_key_stops_within_the_ttl(&app, "demo-key-spotify").await;

    let (ok, second, stderr) = create_key(&app, "spotify");
    assert!(ok, "{stderr}");
    assert_ne!(first, second);
    assert_eq!(app.status_with_key(&second).await, 200);
    old_key_stops_within_the_ttl(&app, &first).await;
    assert_eq!(
        app.status_with_key("demo-key-netflix").await,
        200,
        "other partners keep theirs"
    );

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
        vec![Some(who_can_see::server::auth::session::hash_token(&second))],
        "only the hash"
    );

    // A restart seeds the demo data again: the key made on purpose must survive it.
    who_can_see::server::tools::demo::seed(&app.store).await.unwrap();
    assert_eq!(app.status_with_key(&second).await, 200);
    assert_eq!(app.status_with_key("demo-key-spotify").await, 401);
    assert_eq!(app.status_with_key("demo-key-netflix").await, 200);
}
on_both_engines!(a_new_key_works_at_once_and_the_old_one_stops);

async fn an_unknown_partner_gets_a_clear_error_and_nothing_changes(app: TestApp) {
    let before = app.store.partner_key_hashes().await.unwrap();
    let (ok, stdout, stderr) = create_key(&app, "nobody");
    assert!(!ok, "exits non-zero");
    assert!(stdout.is_empty(), "no key printed: {stdout}");
    assert!(stderr.contains("no partner called \u{201c}nobody\u{201d}"), "{stderr}");
    assert!(stderr.contains("spotify"), "names the partners there are: {stderr}");
    assert_eq!(app.store.partner_key_hashes().await.unwrap(), before);
    assert_eq!(app.status_with_key("demo-key-spotify").await, 200);
}
on_both_engines!(an_unknown_partner_gets_a_clear_error_and_nothing_changes);

async fn a_retired_partner_cannot_get_a_key(app: TestApp) {
    use who_can_see::domain::slug::Slug;
    let admin = app.user_id("admin").await;
    let yahoo = Slug::parse("yahoo", "partner").unwrap();
    assert!(app.store.retire_partner(admin, &yahoo, 1_000).await.unwrap());
    let before = app.store.partner_key_hashes().await.unwrap();
    let (ok, stdout, stderr) = create_key(&app, "yahoo");
    assert!(!ok, "exits non-zero");
    assert!(stdout.is_empty(), "no key printed: {stdout}");
    assert!(
        stderr.contains("yahoo is retired, so it cannot have an API key."),
        "{stderr}"
    );
    assert_eq!(app.store.partner_key_hashes().await.unwrap(), before);
}
on_both_engines!(a_retired_partner_cannot_get_a_key);
