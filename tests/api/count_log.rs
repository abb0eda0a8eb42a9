//! On SQLite, counted decisions are logged each second, shown from memory, and folded into the
//! counts table in large batches: each logged second is counted exactly once, even when the
//! server dies after a fold but before removing the log the fold came from.

use crate::helpers::TempSqliteFolder;
use sqlx::Connection;
use std::sync::Arc;
use who_can_see::domain::access::Access;
use who_can_see::domain::activity::hour_start_of;
use who_can_see::server::background_thread::run_on_own_thread;
use who_can_see::server::clock::now_ms;
use who_can_see::server::storage::Store;
use who_can_see::server::storage::activity::{AccessKey, HourTally};
use who_can_see::server::storage::activity_writer::{ActivityWriter, Record};
use who_can_see::server::storage::count_log::{CountLog, CountedHour, generations, log_stem};
use who_can_see::server::storage::recent_counts::{RecentCounts, sum_same_keys};

const USER: i64 = 7;

fn counted(allowed: i64, at: i64) -> CountedHour {
    counted_access(Access::Read, allowed, at)
}

fn counted_access(access: Access, allowed: i64, at: i64) -> CountedHour {
    let key = AccessKey {
        user_id: USER,
        partner_id: 1,
        category_id: 1,
        access,
    };
    let tally = HourTally {
        allowed,
        denied: 0,
        last_allowed_at: Some(at),
    };
    (key, hour_start_of(at), tally)
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

/// A connection of the test's own to the store's counts file (`<store>.counts.db`).
async fn counts_file(folder: &TempSqliteFolder) -> sqlx::SqliteConnection {
    let path = folder.store_file().with_extension("counts.db");
    sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap()
}

/// How many parts the counts file holds for the hour of `at` (each fold adds one).
async fn parts_of_hour(folder: &TempSqliteFolder, at: i64) -> i64 {
    let mut file = counts_file(folder).await;
    let (parts,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM count_parts WHERE hour_start = $1")
        .bind(hour_start_of(at))
        .fetch_one(&mut file)
        .await
        .unwrap();
    parts
}

/// Allowed decisions of each hour the Activity page shows, oldest first, and how many
/// accesses each hour lists.
async fn allowed_per_hour(store: &Store) -> Vec<(i64, i64, usize)> {
    let mut per_hour: Vec<(i64, i64, usize)> = Vec::new();
    for hour in store.hours_of_use(USER, 0).await.unwrap() {
        match per_hour.last_mut() {
            Some((start, allowed, accesses)) if *start == hour.hour_start => {
                *allowed += hour.allowed;
                *accesses += 1;
            }
            _ => per_hour.push((hour.hour_start, hour.allowed, 1)),
        }
    }
    per_hour
}

/// A migrated file store with its counts writer, its counts log and the counts in memory.
async fn logged_store(folder: &TempSqliteFolder) -> (Store, ActivityWriter, CountLog, Arc<RecentCounts>) {
    let store = folder.migrated_store().await;
    let mut writer = store.activity_writer(Record::Counts).await.unwrap();
    let (log, recent) = store.open_count_log(&mut writer).await.unwrap().unwrap();
    (store, writer, log, recent)
}

/// Merges the ended hours before `current_hour` as the count task does; how many it merged.
async fn merge(writer: &mut ActivityWriter, current_hour: i64) -> usize {
    writer.merge_ended_hours(current_hour).await.unwrap()
}

/// The counts file's rows of the hour of `at`: per-user rows (user, counts as JSON) and per-key rows.
async fn rows_of_hour(folder: &TempSqliteFolder, at: i64) -> (Vec<(i64, String)>, i64) {
    let mut file = counts_file(folder).await;
    let per_user =
        sqlx::query_as("SELECT user_id, counts FROM user_count_parts WHERE hour_start = $1 ORDER BY user_id")
            .bind(hour_start_of(at))
            .fetch_all(&mut file)
            .await
            .unwrap();
    let (per_key,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM decision_counts WHERE hour_start = $1")
        .bind(hour_start_of(at))
        .fetch_one(&mut file)
        .await
        .unwrap();
    (per_user, per_key)
}

/// Folds counts as the count task does: logged, held in memory, then frozen and folded.
async fn fold(writer: &mut ActivityWriter, log: &mut CountLog, recent: &RecentCounts, counts: &[CountedHour]) {
    // As a second's decisions are tallied: sorted, one per key and hour.
    let mut counts = counts.to_vec();
    sum_same_keys(&mut counts);
    log.append(&counts).unwrap();
    recent.add(&counts);
    let through = log.rotate().unwrap();
    let mut frozen = Vec::new();
    recent.freeze().summed_into(&mut frozen);
    writer.fold_counts(&frozen, through, recent).await.unwrap();
}

#[tokio::test]
async fn each_fold_is_a_part_of_its_own_and_an_ended_hour_is_merged_into_one_part() {
    let folder = TempSqliteFolder::new();
    let (store, mut writer, mut log, recent) = logged_store(&folder).await;
    let now = now_ms();
    let current_hour = hour_start_of(now);
    let ended_hour = current_hour - 2 * 3_600_000;

    // Three folds: two of the hour two hours ago (the second also reads and writes), one of now.
    let folds = [
        vec![counted(3, ended_hour + 1_000)],
        vec![
            counted(2, ended_hour + 2_000),
            counted_access(Access::Write, 4, ended_hour + 3_000),
        ],
        vec![counted(1, now)],
    ];
    for counts in &folds {
        fold(&mut writer, &mut log, &recent, counts).await;
    }
    let before = store.access_use_of_user(USER, 0).await.unwrap();
    assert_eq!(parts_of_hour(&folder, ended_hour).await, 2, "one part per fold");
    let shown = allowed_per_hour(&store).await;
    assert_eq!(
        shown,
        vec![(ended_hour, 9, 2), (current_hour, 1, 1)],
        "an hour's parts are added up, each access once"
    );
    assert_eq!(allowed(&store).await, 10);

    assert_eq!(merge(&mut writer, current_hour).await, 1, "only the ended hour");
    assert_eq!(parts_of_hour(&folder, ended_hour).await, 1);
    assert_eq!(
        store.access_use_of_user(USER, 0).await.unwrap(),
        before,
        "the same counts and last uses, read from one part"
    );
    assert_eq!(allowed_per_hour(&store).await, shown);
    assert_eq!(merge(&mut writer, current_hour).await, 0, "nothing left to merge");
    store.close().await;
}

#[tokio::test]
async fn counts_of_one_user_and_hour_that_come_apart_in_a_fold_are_added_up() {
    let folder = TempSqliteFolder::new();
    let (store, mut writer, mut log, recent) = logged_store(&folder).await;
    let now = now_ms();
    let earlier = now - 2 * 3_600_000;
    // In the order counts recovered at a start are folded (by key, then hour): the user's
    // earlier hour comes twice, with the current hour between.
    let recovered = [
        counted(3, earlier),
        counted(2, now),
        counted_access(Access::Write, 4, earlier),
    ];
    let through = log.rotate().unwrap();
    writer.fold_counts(&recovered, through, &recent).await.unwrap();
    assert_eq!(
        allowed_per_hour(&store).await,
        vec![(hour_start_of(earlier), 7, 2), (hour_start_of(now), 2, 1)],
        "both accesses of the earlier hour, each counted once"
    );
    store.close().await;
}

/// Allowed decisions about `access` of `user` in the hour of `at`, as a fold would count them.
fn counted_for(user_id: i64, access: Access, allowed: i64, at: i64) -> CountedHour {
    let (key, hour, tally) = counted_access(access, allowed, at);
    (AccessKey { user_id, ..key }, hour, tally)
}

/// Allowed reads and writes of `user`, as the dashboard shows them.
async fn reads_and_writes_shown(store: &Store, user: i64) -> (i64, i64) {
    let uses = store.access_use_of_user(user, 0).await.unwrap();
    let of = |access: Access| {
        uses.iter()
            .filter(|u| u.access == access)
            .map(|u| u.allowed_since)
            .sum::<i64>()
    };
    (of(Access::Read), of(Access::Write))
}

#[tokio::test]
async fn an_ended_hour_of_many_users_is_merged_with_every_count_kept() {
    let folder = TempSqliteFolder::new();
    let (store, mut writer, mut log, recent) = logged_store(&folder).await;
    let now = now_ms();
    let current_hour = hour_start_of(now);
    let ended_hour = current_hour - 3_600_000;
    // Ids far apart and close together.
    let users: Vec<i64> = (1..=150).chain((0..40).map(|n| 1_000_000 + 37 * n)).collect();
    // Each user read in the first fold and wrote in the second; every third user also read
    // in the second, so some keys come in both parts.
    let first: Vec<CountedHour> = users
        .iter()
        .map(|&user| counted_for(user, Access::Read, user % 5 + 1, ended_hour + 1_000))
        .collect();
    let mut second: Vec<CountedHour> = users
        .iter()
        .map(|&user| counted_for(user, Access::Write, 2, ended_hour + 2_000))
        .collect();
    second.extend(
        users
            .iter()
            .filter(|&&user| user % 3 == 0)
            .map(|&user| counted_for(user, Access::Read, 10, ended_hour + 3_000)),
    );
    fold(&mut writer, &mut log, &recent, &first).await;
    fold(&mut writer, &mut log, &recent, &second).await;
    assert_eq!(parts_of_hour(&folder, ended_hour).await, 2);

    let expected = |user: i64, later_reads: i64| {
        let read = user % 5 + 1 + if user % 3 == 0 { 10 } else { 0 } + later_reads;
        (read, 2)
    };
    for &user in &users {
        assert_eq!(
            reads_and_writes_shown(&store, user).await,
            expected(user, 0),
            "user {user} before the merge"
        );
    }

    assert_eq!(merge(&mut writer, current_hour).await, 1);
    assert_eq!(parts_of_hour(&folder, ended_hour).await, 1, "one part left");
    for &user in &users {
        assert_eq!(
            reads_and_writes_shown(&store, user).await,
            expected(user, 0),
            "user {user} after the merge"
        );
    }

    // Counts of the ended hour that come late (recovered at a start) make a new part, and the
    // next merge adds the merged part into it.
    let late: Vec<CountedHour> = users
        .iter()
        .map(|&user| counted_for(user, Access::Read, 1, ended_hour + 4_000))
        .collect();
    fold(&mut writer, &mut log, &recent, &late).await;
    assert_eq!(parts_of_hour(&folder, ended_hour).await, 2);
    assert_eq!(merge(&mut writer, current_hour).await, 1);
    assert_eq!(parts_of_hour(&folder, ended_hour).await, 1);
    for &user in &users {
        assert_eq!(
            reads_and_writes_shown(&store, user).await,
            expected(user, 1),
            "user {user} after merging again"
        );
    }
    store.close().await;
}

#[tokio::test]
async fn a_merged_hour_holds_each_users_access_once_with_its_counts_added_up() {
    let folder = TempSqliteFolder::new();
    let (store, mut writer, mut log, recent) = logged_store(&folder).await;
    let current_hour = hour_start_of(now_ms());
    let ended_hour = current_hour - 3_600_000;
    // The same read in three folds, the last one also writing.
    fold(&mut writer, &mut log, &recent, &[counted(3, ended_hour + 1_000)]).await;
    fold(&mut writer, &mut log, &recent, &[counted(2, ended_hour + 5_000)]).await;
    fold(
        &mut writer,
        &mut log,
        &recent,
        &[
            counted(1, ended_hour + 2_000),
            counted_access(Access::Write, 4, ended_hour + 3_000),
        ],
    )
    .await;
    assert_eq!(rows_of_hour(&folder, ended_hour).await.0.len(), 3, "a row per fold");

    assert_eq!(merge(&mut writer, current_hour).await, 1);
    let (per_user, per_key) = rows_of_hour(&folder, ended_hour).await;
    assert_eq!(
        per_user,
        vec![(
            USER,
            format!(
                r#"[[1,1,"read",6,0,{}],[1,1,"write",4,0,{}]]"#,
                ended_hour + 5_000,
                ended_hour + 3_000
            )
        )],
        "one row: each access once, its counts added up, its latest use kept"
    );
    assert_eq!(per_key, 0);
    assert_eq!(reads_and_writes_shown(&store, USER).await, (6, 4));
    store.close().await;
}

#[tokio::test]
async fn counts_kept_one_row_per_access_by_an_older_version_are_merged_too() {
    let folder = TempSqliteFolder::new();
    let (store, mut writer, mut log, recent) = logged_store(&folder).await;
    let current_hour = hour_start_of(now_ms());
    let ended_hour = current_hour - 3_600_000;
    fold(&mut writer, &mut log, &recent, &[counted(3, ended_hour + 1_000)]).await;
    // As versions before per-user rows left an hour: one row per access, in a part of its own.
    let mut file = counts_file(&folder).await;
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "INSERT INTO decision_counts \
         (hour_start, part, user_id, partner_id, category_id, access, allowed, denied, last_allowed_at) \
         VALUES ({ended_hour}, 0, {USER}, 1, 1, 'read', 5, 2, {at}), ({ended_hour}, 0, {USER}, 1, 1, 'delete', 1, 0, NULL); \
         INSERT INTO count_parts (hour_start, part) VALUES ({ended_hour}, 0);",
        at = ended_hour + 9_000
    )))
    .execute(&mut file)
    .await
    .unwrap();
    let before = store.access_use_of_user(USER, 0).await.unwrap();
    assert_eq!(reads_and_writes_shown(&store, USER).await.0, 8, "both parts shown");

    assert_eq!(merge(&mut writer, current_hour).await, 1);
    assert_eq!(parts_of_hour(&folder, ended_hour).await, 1);
    let (per_user, per_key) = rows_of_hour(&folder, ended_hour).await;
    assert_eq!(
        per_user,
        vec![(
            USER,
            format!(r#"[[1,1,"read",8,2,{}],[1,1,"delete",1,0,null]]"#, ended_hour + 9_000)
        )]
    );
    assert_eq!(per_key, 0, "the per-access rows are gone");
    assert_eq!(store.access_use_of_user(USER, 0).await.unwrap(), before);
    store.close().await;
}

#[tokio::test]
async fn a_merge_on_a_thread_of_its_own_hands_back_a_writer_that_keeps_folding() {
    let folder = TempSqliteFolder::new();
    let (store, mut writer, mut log, recent) = logged_store(&folder).await;
    let current_hour = hour_start_of(now_ms());
    let ended_hour = current_hour - 3_600_000;
    fold(&mut writer, &mut log, &recent, &[counted(3, ended_hour + 1_000)]).await;
    fold(&mut writer, &mut log, &recent, &[counted(2, ended_hour + 2_000)]).await;

    // As the count task merges: the writer's connection moves to another thread and runtime.
    let (mut writer, merged) = run_on_own_thread("test-merge", move || async move {
        let merged = writer.merge_ended_hours(current_hour).await.unwrap();
        (writer, merged)
    })
    .await
    .expect("the merge ran");
    assert_eq!(merged, 1);
    assert_eq!(parts_of_hour(&folder, ended_hour).await, 1);

    // Back on the test's runtime, the same connection folds the current hour.
    fold(&mut writer, &mut log, &recent, &[counted(4, now_ms())]).await;
    assert_eq!(allowed(&store).await, 9, "the merged hour's 5 and the new fold's 4");
    store.close().await;
}

#[tokio::test]
async fn an_hour_whose_counts_cannot_be_read_is_left_as_it_was() {
    let folder = TempSqliteFolder::new();
    let (store, mut writer, mut log, recent) = logged_store(&folder).await;
    let current_hour = hour_start_of(now_ms());
    let ended_hour = current_hour - 3_600_000;
    fold(&mut writer, &mut log, &recent, &[counted(3, ended_hour + 1_000)]).await;
    fold(&mut writer, &mut log, &recent, &[counted(2, ended_hour + 2_000)]).await;
    // A row whose counts are not the form a fold writes (a file edited by hand, say).
    let mut file = counts_file(&folder).await;
    sqlx::query("INSERT INTO user_count_parts (hour_start, part, user_id, counts) VALUES ($1, 0, 99, 'not json')")
        .bind(ended_hour)
        .execute(&mut file)
        .await
        .unwrap();
    let before = rows_of_hour(&folder, ended_hour).await;

    assert!(
        writer.merge_ended_hours(current_hour).await.is_err(),
        "the merge says it failed"
    );
    assert_eq!(rows_of_hour(&folder, ended_hour).await, before, "every row as it was");
    assert_eq!(parts_of_hour(&folder, ended_hour).await, 2, "both parts still listed");
    store.close().await;
}
