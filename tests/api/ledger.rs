//! The consent ledger is append-only, enforced by the database itself.

use crate::helpers::{ALICE, TestApp};
use crate::on_both_engines;

async fn the_database_refuses_to_edit_or_delete_ledger_events(app: TestApp) {
    let cookie = app.sign_in(ALICE).await;
    app.revoke(&cookie, &[("partner", "netflix")]).await;
    let before = app.ledger_length("alice").await;
    let pool = sqlx::AnyPool::connect(&app.database_url).await.unwrap();
    let update = sqlx::query("UPDATE consent_events SET status = 'granted'")
        .execute(&pool)
        .await;
    assert!(update.unwrap_err().to_string().contains("append-only"));
    let delete = sqlx::query("DELETE FROM consent_events").execute(&pool).await;
    assert!(delete.unwrap_err().to_string().contains("append-only"));
    assert_eq!(app.ledger_length("alice").await, before);
}
on_both_engines!(the_database_refuses_to_edit_or_delete_ledger_events);

async fn every_revocation_is_one_ledger_event_per_grant(app: TestApp) {
    let cookie = app.sign_in(ALICE).await;
    let before = app.ledger_length("alice").await;
    app.revoke(&cookie, &[("partner", "amazon")]).await;
    assert_eq!(app.ledger_length("alice").await, before + 2, "contacts and friends");
}
on_both_engines!(every_revocation_is_one_ledger_event_per_grant);

/// Runs `who-can-see verify-ledger` against the test's database: (exit success, output).
pub fn verify_ledger_command(app: &TestApp) -> (bool, String) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_who-can-see"))
        .arg("verify-ledger")
        .env("DATABASE_URL", &app.database_url)
        .env("RUST_LOG", "error")
        .output()
        .expect("the binary runs");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

async fn verify_ledger_passes_an_honest_ledger_and_catches_an_edited_event(app: TestApp) {
    let cookie = app.sign_in(ALICE).await;
    app.revoke(&cookie, &[("partner", "spotify")]).await;
    let (ok, output) = verify_ledger_command(&app);
    assert!(ok, "{output}");
    assert!(output.contains("Ledger intact"), "{output}");

    // Someone with database access rewrites a withdrawal as a grant, behind the app's back.
    let alice = app.user_id("alice").await;
    let pool = app.disable_ledger_protection().await;
    let (event_id,): (i64,) =
        sqlx::query_as("SELECT MIN(id) FROM consent_events WHERE user_id = $1 AND status = 'withdrawn'")
            .bind(alice)
            .fetch_one(&pool)
            .await
            .unwrap();
    sqlx::query("UPDATE consent_events SET status = 'granted' WHERE id = $1")
        .bind(event_id)
        .execute(&pool)
        .await
        .unwrap();

    let (ok, output) = verify_ledger_command(&app);
    assert!(!ok, "a broken chain exits non-zero");
    assert!(output.contains(&format!("user {alice}, event {event_id}")), "{output}");
}
on_both_engines!(verify_ledger_passes_an_honest_ledger_and_catches_an_edited_event);

async fn verify_ledger_catches_a_deleted_event(app: TestApp) {
    let cookie = app.sign_in(ALICE).await;
    app.revoke(&cookie, &[("partner", "amazon")]).await;
    let alice = app.user_id("alice").await;
    let pool = app.disable_ledger_protection().await;
    let delete = match app.engine {
        crate::helpers::Engine::Sqlite => "DROP TRIGGER consent_events_refuse_delete",
        crate::helpers::Engine::Postgres => "SELECT 1",
    };
    sqlx::query(delete).execute(&pool).await.unwrap();
    if let crate::helpers::Engine::Postgres = app.engine {
        sqlx::query("ALTER TABLE consent_events DISABLE TRIGGER ALL")
            .execute(&pool)
            .await
            .unwrap();
    }
    let (victim, next): (i64, i64) = {
        let ids: Vec<(i64,)> =
            sqlx::query_as("SELECT id FROM consent_events WHERE user_id = $1 ORDER BY id DESC LIMIT 2")
                .bind(alice)
                .fetch_all(&pool)
                .await
                .unwrap();
        (ids[1].0, ids[0].0)
    };
    // Whoever removes an event removes its notification too, which the outbox's key demands.
    for delete in [
        "DELETE FROM notifications WHERE event_id = $1",
        "DELETE FROM consent_events WHERE id = $1",
    ] {
        sqlx::query(delete).bind(victim).execute(&pool).await.unwrap();
    }
    let (ok, output) = verify_ledger_command(&app);
    assert!(!ok);
    assert!(
        output.contains(&format!("user {alice}, event {next}")) && output.contains("removed"),
        "{output}"
    );
}
on_both_engines!(verify_ledger_catches_a_deleted_event);

/// A small deterministic generator, so a failing sequence can be replayed.
struct Sequence(u64);

impl Sequence {
    fn next(&mut self, below: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % below
    }
}

async fn replaying_the_ledger_gives_exactly_the_current_grants(app: TestApp) {
    use who_can_see::domain::access::Access;
    use who_can_see::domain::revocation::RevocationScope;
    use who_can_see::domain::slug::Slug;
    use who_can_see::server::storage::consent::grants::Actor;
    let users = [app.user_id("alice").await, app.user_id("bob").await];
    let partners = ["spotify", "netflix", "rbc", "bing", "amazon", "apple", "myspace"];
    let categories = ["messages", "friends", "contacts", "calendar"];
    let mut sequence = Sequence(2018);
    for step in 0..400 {
        let user = users[sequence.next(users.len())];
        let now = 1_800_000_000_000 + step;
        let grants = app.store.grants_of_user(user).await.unwrap();
        let grant = grants[sequence.next(grants.len())].id;
        let _ = match sequence.next(4) {
            0 => app
                .store
                .allow_again(user, grant, Actor::User(user), None, now)
                .await
                .map(|_| ()),
            1 => app
                .store
                .revoke(user, &RevocationScope::Grant(grant), Actor::User(user), now)
                .await
                .map(|_| ()),
            2 => {
                let scope = RevocationScope::Matching {
                    partner: Some(Slug::parse(partners[sequence.next(partners.len())], "partner").unwrap()),
                    category: None,
                    access: None,
                };
                app.store.revoke(user, &scope, Actor::User(user), now).await.map(|_| ())
            }
            _ => {
                let scope = RevocationScope::Matching {
                    partner: None,
                    category: Some(Slug::parse(categories[sequence.next(categories.len())], "category").unwrap()),
                    access: Some(Access::ALL[sequence.next(3)]),
                };
                app.store.revoke(user, &scope, Actor::User(user), now).await.map(|_| ())
            }
        };
    }
    assert_eq!(
        app.store.replay_ledger().await.unwrap(),
        app.store.current_grant_statuses().await.unwrap()
    );
    assert_eq!(app.store.verify_ledger().await.unwrap().broken, None);
}
on_both_engines!(replaying_the_ledger_gives_exactly_the_current_grants);

async fn concurrent_revokes_and_regrants_lose_nothing_and_duplicate_nothing(app: TestApp) {
    use who_can_see::domain::revocation::RevocationScope;
    use who_can_see::server::storage::consent::grants::Actor;
    let alice = app.user_id("alice").await;
    let grants: Vec<i64> = app
        .store
        .grants_of_user(alice)
        .await
        .unwrap()
        .into_iter()
        .map(|g| g.id)
        .take(3)
        .collect();
    let mut tasks = Vec::new();
    for task in 0..12u64 {
        let store = app.store.clone();
        let grants = grants.clone();
        tasks.push(tokio::spawn(async move {
            let mut sequence = Sequence(task);
            for step in 0..25 {
                let grant = grants[sequence.next(grants.len())];
                let now = 1_800_000_000_000 + step;
                if sequence.next(2) == 0 {
                    store
                        .revoke(alice, &RevocationScope::Grant(grant), Actor::User(alice), now)
                        .await
                        .unwrap();
                } else {
                    store
                        .allow_again(alice, grant, Actor::User(alice), None, now)
                        .await
                        .unwrap();
                }
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    assert_eq!(
        app.store.replay_ledger().await.unwrap(),
        app.store.current_grant_statuses().await.unwrap()
    );
    assert_eq!(
        app.store.verify_ledger().await.unwrap().broken,
        None,
        "one chain, no forks"
    );
    // No duplicate events: a grant's consecutive events always alternate.
    let events: Vec<(i64, String)> = sqlx::query_as(
        "SELECT grant_id, status FROM consent_events WHERE user_id = $1 AND grant_id IS NOT NULL ORDER BY id",
    )
    .bind(alice)
    .fetch_all(&sqlx::AnyPool::connect(&app.database_url).await.unwrap())
    .await
    .unwrap();
    for grant in grants {
        let statuses: Vec<&String> = events.iter().filter(|(g, _)| *g == grant).map(|(_, s)| s).collect();
        assert!(
            statuses.windows(2).all(|pair| pair[0] != pair[1]),
            "grant {grant}: {statuses:?}"
        );
    }
}
on_both_engines!(concurrent_revokes_and_regrants_lose_nothing_and_duplicate_nothing);
