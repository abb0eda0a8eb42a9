//! On SQLite, counted decisions are logged each second, shown from memory, and folded into the
//! counts table in large batches: each logged second is counted exactly once, even when the
//! server dies after a fold but before removing the log the fold came from.

use crate::helpers::TempSqliteFolder;
use who_can_see::domain::access::Access;
use who_can_see::server::clock::now_ms;
use who_can_see::server::storage::Store;
use who_can_see::server::storage::activity::{AccessKey, HourTally};
use who_can_see::server::storage::activity_writer::Record;
use who_can_see::server::storage::count_log::{CountedHour, generations, log_stem};

const USER: i64 = 7;

fn counted(allowed: i64, at: i64) -> CountedHour {
    let key = AccessKey {
        user_id: USER,
        partner_id: 1,
        category_id: 1,
        access: Access::Read,
    };
    let tally = HourTally {
        allowed,
        denied: 0,
        last_allowed_at: Some(at),
    };
    (key, at - at.rem_euclid(3_600_000), tally)
}

/// Allowed decisions about the user, as the dashboard reads them: table and memory together.
async fn allowed(store: &Store) -> i64 {
    let uses = store.access_use_of_user(USER, 0).await.unwrap();
    uses.iter().map(|u| u.allowed_since).sum()
}

#[tokio::test]
async fn a_logged_second_is_folded_once_even_if_its_log_outlives_the_fold() {
    let folder = TempSqliteFolder::new();
    let store = folder.migrated_store().await;
    let mut writer = store.activity_writer(Record::Counts).await.unwrap();
    let (mut log, recent) = store
        .open_count_log(&mut writer)
        .await
        .unwrap()
        .expect("a file store logs");
    let now = now_ms();

    log.append(&[counted(3, now)]).unwrap();
    recent.add(&[counted(3, now)]);
    assert_eq!(allowed(&store).await, 3, "shown before any fold");

    let through = log.rotate().unwrap();
    let mut frozen = Vec::new();
    recent.freeze().summed_into(&mut frozen);
    writer.fold_counts(&frozen, through, &recent).await.unwrap();
    assert_eq!(allowed(&store).await, 3, "in the table now, and no longer in memory");

    // The next second is logged, then the server dies before it removes the folded log.
    log.append(&[counted(2, now)]).unwrap();
    drop(log);
    store.close().await;

    let restarted = folder.migrated_store().await;
    let mut writer = restarted.activity_writer(Record::Counts).await.unwrap();
    restarted.open_count_log(&mut writer).await.unwrap().unwrap();
    assert_eq!(
        allowed(&restarted).await,
        5,
        "the folded second once, the logged one once"
    );
    let stem = log_stem(&folder.store_file());
    assert_eq!(
        generations(&stem).unwrap().len(),
        1,
        "only the new, empty generation is left"
    );
    restarted.close().await;
}
