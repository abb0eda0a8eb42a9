//! Nothing lasts forever: an access its partner does not use for 90 days (configurable) expires
//! by itself, with that reason on the record. The dashboard warns before, and asks about rights
//! never used, with one click to take just that right back.

use crate::helpers::{ALICE, BOB, Engine, TestApp, serve_args, spawn_app_with};
use crate::on_both_engines;
use clap::Parser;
use std::time::Duration;
use who_can_see::domain::activity::DAY_MS;
use who_can_see::domain::unused::UnusedLimit;
use who_can_see::server::clock::{human_date, now_ms};
use who_can_see::server::config::Cli;

/// Moves back the moment the store began watching use, as if it had run for a while.
async fn watched_since(app: &TestApp, at: i64) {
    let pool = sqlx::AnyPool::connect(&app.database_url).await.unwrap();
    sqlx::query("UPDATE use_watch SET started_at = $1")
        .bind(at)
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
}

/// (status, actor kind, reason) of a grant's latest ledger event.
async fn last_event(app: &TestApp, grant: i64) -> (String, String, Option<String>) {
    let pool = sqlx::AnyPool::connect(&app.database_url).await.unwrap();
    let event = sqlx::query_as(
        "SELECT status, actor_kind, reason FROM consent_events WHERE grant_id = $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(grant)
    .fetch_one(&pool)
    .await
    .unwrap();
    pool.close().await;
    event
}

/// Folds recorded use into the grants until `grant` has a last use: counts are written once
/// a second.
async fn fold_until_used(app: &TestApp, handle: &str, grant: i64) {
    let user = app.user_id(handle).await;
    for _ in 0..50 {
        app.store.fold_last_uses(now_ms()).await.unwrap();
        let used = app.store.grants_of_user(user).await.unwrap();
        let pool = sqlx::AnyPool::connect(&app.database_url).await.unwrap();
        let last: Option<i64> = sqlx::query_scalar("SELECT last_used_at FROM grants WHERE id = $1")
            .bind(grant)
            .fetch_one(&pool)
            .await
            .unwrap();
        pool.close().await;
        if last.is_some() && !used.is_empty() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the use of grant {grant} was never folded in");
}

/// An app whose own sweeper expires nothing by disuse (ten years), so the test's clock alone
/// decides.
async fn app_with_a_patient_sweeper(engine: Engine) -> TestApp {
    let mut args = serve_args(true);
    args.unused_days = UnusedLimit::MOST_DAYS;
    spawn_app_with(engine, args).await
}

async fn an_access_unused_for_90_days_expires_and_use_keeps_one_alive(engine: Engine) {
    let app = app_with_a_patient_sweeper(engine).await;
    watched_since(&app, now_ms() - 400 * DAY_MS).await;
    let netflix = app.grant_id("bob", "netflix", "messages", "read").await;
    let spotify_read = app.grant_id("bob", "spotify", "messages", "read").await;
    let spotify_delete = app.grant_id("bob", "spotify", "messages", "delete").await;
    assert_eq!(
        app.decision("spotify", "bob", "messages", "read").await["decision"],
        "allow"
    );
    fold_until_used(&app, "bob", spotify_read).await;

    // A day later, by a clock the test controls: what went unused since 2014 ends, what Spotify
    // used yesterday stays.
    let now = now_ms();
    let limit = UnusedLimit::default();
    assert!(app.store.expire_unused(now + DAY_MS, limit).await.unwrap() > 0);
    for grant in [netflix, spotify_delete] {
        assert_eq!(
            last_event(&app, grant).await,
            ("expired".into(), "system".into(), Some("unused for 90 days".into()))
        );
    }
    assert_eq!(last_event(&app, spotify_read).await.0, "granted");
    let denied = app.decision("netflix", "bob", "messages", "read").await;
    assert_eq!(
        (denied["decision"].as_str(), denied["reason"].as_str()),
        (Some("deny"), Some("expired"))
    );
    assert_eq!(
        app.decision("spotify", "bob", "messages", "read").await["decision"],
        "allow"
    );
    let bob = app.sign_in(BOB).await;
    let history = app.page(&bob, "/history").await.text().await.unwrap();
    assert!(history.contains("unused for 90 days"), "History gives the reason");

    // Spotify's read lasts 90 days from its last use, not a day more.
    assert_eq!(app.store.expire_unused(now + 89 * DAY_MS, limit).await.unwrap(), 0);
    assert_eq!(app.store.expire_unused(now + 91 * DAY_MS, limit).await.unwrap(), 1);
    assert_eq!(last_event(&app, spotify_read).await.0, "expired");
    assert_eq!(
        app.store.replay_ledger().await.unwrap(),
        app.store.current_grant_statuses().await.unwrap()
    );
    assert_eq!(app.store.verify_ledger().await.unwrap().broken, None);
}
mod an_access_unused_for_90_days_expires {
    use crate::helpers::Engine;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        super::an_access_unused_for_90_days_expires_and_use_keeps_one_alive(Engine::Sqlite).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        super::an_access_unused_for_90_days_expires_and_use_keeps_one_alive(Engine::Postgres).await;
    }
}

async fn nothing_is_held_unused_for_the_years_before_use_was_watched(app: TestApp) {
    // The demo's grants are years old and were never used, but use is watched only since the
    // store began: nothing expires until it has watched for the whole limit.
    let now = now_ms();
    let limit = UnusedLimit::of_days(30).unwrap();
    assert_eq!(app.store.expire_unused(now, limit).await.unwrap(), 0);
    assert_eq!(app.store.expire_unused(now + 29 * DAY_MS, limit).await.unwrap(), 0);
    let before = app.grant_states("alice").await;
    assert!(before.iter().filter(|g| g.3 == "active").count() > 5);
    assert!(app.store.expire_unused(now + 31 * DAY_MS, limit).await.unwrap() > 5);
    let after = app.grant_states("alice").await;
    assert!(after.iter().all(|g| g.3 != "active"), "{after:?}");
}
on_both_engines!(nothing_is_held_unused_for_the_years_before_use_was_watched);

async fn the_dashboard_warns_before_and_asks_about_rights_never_used(app: TestApp) {
    let watched = app.store.use_watched_since().await.unwrap();
    let cookie = app.sign_in(ALICE).await;
    let page = app.page(&cookie, "/").await.text().await.unwrap();
    let warning = format!(
        "Expires on {} unless Netflix uses it",
        human_date(watched + 90 * DAY_MS)
    );
    assert!(page.contains(&warning), "{warning} in the dashboard");
    assert!(page.contains("Netflix has never read your messages. Take that right back?"));
    assert!(page.contains("Spotify has never deleted your messages. Take that right back?"));
    assert!(
        page.contains("Take it back<span class=\"visually-hidden\">: the delete access of Spotify to your messages")
    );

    // Once Netflix uses it, neither is said any more; Spotify's delete is still never used.
    assert_eq!(
        app.decision("netflix", "alice", "messages", "read").await["decision"],
        "allow"
    );
    let mut page = String::new();
    for _ in 0..50 {
        page = app.page(&cookie, "/").await.text().await.unwrap();
        if !page.contains("Netflix has never read") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(!page.contains("Netflix has never read your messages"), "{page}");
    assert!(!page.contains(&warning), "used this week: no warning");
    assert!(page.contains("Spotify has never deleted your messages. Take that right back?"));

    // One click takes back just that right.
    let delete = app.grant_id("alice", "spotify", "messages", "delete").await;
    let answer = app.revoke(&cookie, &[("grant", &delete.to_string())]).await;
    assert_eq!(answer.status(), 200);
    let states = app.grant_states("alice").await;
    let spotify: Vec<_> = states
        .iter()
        .filter(|g| g.0 == "spotify" && g.1 == "messages")
        .map(|g| (g.2.as_str(), g.3.as_str()))
        .collect();
    assert_eq!(
        spotify,
        [("delete", "withdrawn"), ("read", "active"), ("write", "active")]
    );
    let after = app.page(&cookie, "/").await.text().await.unwrap();
    assert!(!after.contains("Spotify has never deleted"));
}
on_both_engines!(the_dashboard_warns_before_and_asks_about_rights_never_used);

#[test]
fn the_limit_is_configurable_and_a_bad_one_is_refused() {
    let parsed = Cli::try_parse_from(["who-can-see", "serve", "--unused-days", "30"]).unwrap();
    assert_eq!(parsed.serve.unused_days, 30);
    let default = Cli::try_parse_from(["who-can-see", "serve"]).unwrap();
    assert_eq!(default.serve.unused_days, 90);
    for bad in ["0", "3651", "-1", "ninety"] {
        let refused = Cli::try_parse_from(["who-can-see", "serve", "--unused-days", bad]);
        assert!(refused.is_err(), "--unused-days {bad} must be refused");
    }
}
