//! On SQLite, a refused attempt is appended to the refused-attempt log by the request itself and
//! moved into the table in the background: pages see it at once, and each attempt is on record
//! exactly once, even when the server dies after a move but before removing the log it moved.

use crate::helpers::TempSqliteFolder;
use who_can_see::domain::access::Access;
use who_can_see::server::clock::now_ms;
use who_can_see::server::demo::add_demo_user;
use who_can_see::server::storage::Store;
use who_can_see::server::storage::activity::{AccessKey, RefusedAttempt};
use who_can_see::server::storage::count_log::generations;
use who_can_see::server::storage::refusal_log::refusal_log_stem;

fn refused(user_id: i64, at: i64) -> RefusedAttempt {
    let key = AccessKey {
        user_id,
        partner_id: 1,
        category_id: 1,
        access: Access::Read,
    };
    RefusedAttempt {
        key,
        reason: "withdrawn",
        ended_at: at - 60_000,
        at,
    }
}

/// Refused attempts on the user, as the Activity page reads them.
async fn on_record(store: &Store, user: i64) -> usize {
    store.refused_attempts_of_user(user, 0).await.unwrap().len()
}

#[tokio::test]
async fn a_logged_attempt_is_on_record_once_even_if_its_log_outlives_the_move() {
    let folder = TempSqliteFolder::new();
    let store = folder.migrated_store().await;
    let handle = add_demo_user(&store, "log@example.test", "log-password-1", "Log")
        .await
        .unwrap();
    let user = store.user_id_by_handle(&handle).await.unwrap().unwrap();
    store.open_refusal_log().await.unwrap();
    let log = store.refusal_log().expect("a file store logs refused attempts").clone();
    let stem = refusal_log_stem(&folder.store_file());
    let first_generation = format!("{}.1", stem.display());
    let now = now_ms();

    log.append(&[refused(user, now), refused(user, now + 1)]).unwrap();
    let logged = std::fs::read(&first_generation).unwrap();
    assert_eq!(
        on_record(&store, user).await,
        2,
        "a page sees them before any background move"
    );
    assert!(
        std::fs::metadata(&first_generation).is_err(),
        "a moved generation is removed"
    );

    // The server dies after that move but before removing its log, with one more logged.
    std::fs::write(&first_generation, logged).unwrap();
    log.append(&[refused(user, now + 2)]).unwrap();
    drop(log);
    store.close().await;

    let restarted = folder.migrated_store().await;
    restarted.open_refusal_log().await.unwrap();
    assert_eq!(
        on_record(&restarted, user).await,
        3,
        "the moved two once, the one only logged once"
    );
    assert_eq!(
        generations(&stem).unwrap().len(),
        1,
        "only the new, empty generation is left"
    );
    restarted.close().await;
}
