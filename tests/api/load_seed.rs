//! `seed-load` writes users, grants and ledger events the rest of the app accepts as its own.

use crate::helpers::{Engine, spawn_app};
use who_can_see::domain::revocation::RevocationScope;
use who_can_see::server::clock::now_ms;
use who_can_see::server::storage::consent::grants::Actor;
use who_can_see::server::tools::load_seed::{SeedLoadArgs, load_user_handle, seed_load};

async fn seeded_load_users_have_intact_ledgers_that_replay_to_their_grants(engine: Engine) {
    let app = spawn_app(engine).await;
    let args = |users| SeedLoadArgs {
        users,
        friends_per_side: 3,
    };
    seed_load(&app.database_url, &args(40)).await.unwrap();
    // Seeding again up to a larger number adds only the missing users.
    seed_load(&app.database_url, &args(60)).await.unwrap();
    // Each of the first 40 has 3 friends on either side, both ways.
    let friends = crate::friendships::friends(&app, &load_user_handle(0)).await;
    assert_eq!(
        friends,
        [1, 2, 3, 37, 38, 39].map(load_user_handle),
        "friends wrap around"
    );
    let through = app
        .check(
            "demo-key-bing",
            serde_json::json!({ "user": load_user_handle(1), "category": "profile", "access": "read", "via": load_user_handle(0) }),
        )
        .await;
    assert_eq!(through.status(), 200);

    let report = app.store.verify_ledger().await.unwrap();
    assert_eq!(report.broken, None, "every chain holds");
    assert_eq!(
        app.store.replay_ledger().await.unwrap(),
        app.store.current_grant_statuses().await.unwrap()
    );
    let last = app.user_id(&load_user_handle(59)).await;
    let grants = app.store.grants_of_user(last).await.unwrap();
    assert!(
        (5..=60).contains(&grants.len()),
        "about 25 grants each, got {}",
        grants.len()
    );
    let decision = app.decision("spotify", &load_user_handle(7), "messages", "read").await;
    assert!(decision["decision"] == "allow" || decision["decision"] == "deny");
    app.sign_in(("load-user-00003@load.example", "load-user-password"))
        .await;

    // The app's own writes get fresh ids after the seeded rows, and chain onto the seeded events.
    let some_grant = grants
        .iter()
        .find(|g| g.status.as_str() == "active")
        .expect("an active grant")
        .id;
    app.store
        .revoke(last, &RevocationScope::Grant(some_grant), Actor::User(last), now_ms())
        .await
        .unwrap();
    who_can_see::server::tools::demo::add_demo_user(&app.store, "late@example.com", "late-password-2018", "Late")
        .await
        .unwrap();
    assert_eq!(app.store.verify_ledger().await.unwrap().broken, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite() {
    seeded_load_users_have_intact_ledgers_that_replay_to_their_grants(Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres() {
    seeded_load_users_have_intact_ledgers_that_replay_to_their_grants(Engine::Postgres).await;
}
