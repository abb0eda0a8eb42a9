//! Upgrading a SQLite store whose counts earlier versions kept in parts (per-key rows and
//! per-user JSON rows) keeps every count: the dashboard and the Activity page show the same.

use crate::helpers::TempSqliteFolder;
use sqlx::sqlite::SqlitePoolOptions;
use who_can_see::domain::access::Access;
use who_can_see::domain::activity::HOUR_MS;

/// The first migration of the one-table layout; everything before it is the parts layout.
const ONE_TABLE: i64 = 20261206000001;

#[tokio::test]
async fn counts_kept_in_parts_by_an_earlier_version_are_carried_over_added_up() {
    let folder = TempSqliteFolder::new();
    let counts_file = folder.store_file().with_extension("counts.db");
    let old = SqlitePoolOptions::new()
        .max_connections(1)
        .connect(&format!("sqlite://{}?mode=rwc", counts_file.display()))
        .await
        .unwrap();
    let mut parts_layout = sqlx::migrate!("./migrations/sqlite-counts");
    parts_layout.migrations = parts_layout
        .migrations
        .iter()
        .filter(|m| m.version < ONE_TABLE)
        .cloned()
        .collect::<Vec<_>>()
        .into();
    parts_layout.run(&old).await.unwrap();
    let (hour, earlier) = (1_000 * HOUR_MS, 999 * HOUR_MS);
    // User 1: part 0 holds a per-key row, part 7 a JSON row with the same key and another one.
    sqlx::query(
        "INSERT INTO decision_counts (hour_start, part, user_id, partner_id, category_id, access, allowed, denied, last_allowed_at) \
         VALUES ($1, 0, 1, 2, 3, 'read', 5, 1, $2), ($3, 0, 1, 2, 3, 'read', 2, 0, $4)",
    )
    .bind(hour)
    .bind(hour + 10)
    .bind(earlier)
    .bind(earlier + 1)
    .execute(&old)
    .await
    .unwrap();
    sqlx::query("INSERT INTO user_count_parts (hour_start, part, user_id, counts) VALUES ($1, 7, 1, $2)")
        .bind(hour)
        .bind(format!("[[2,3,\"read\",4,0,{}],[2,3,\"write\",1,2,null]]", hour + 20))
        .execute(&old)
        .await
        .unwrap();
    sqlx::query("INSERT INTO count_parts (hour_start, part) VALUES ($1, 0), ($1, 7), ($2, 0)")
        .bind(hour)
        .bind(earlier)
        .execute(&old)
        .await
        .unwrap();
    old.close().await;

    let store = folder.migrated_store().await;
    let mut uses = store.access_use_of_user(1, hour).await.unwrap();
    uses.sort_by_key(|u| u.access);
    let shown: Vec<(Access, i64, Option<i64>)> = uses
        .iter()
        .map(|u| (u.access, u.allowed_since, u.last_allowed_at))
        .collect();
    assert_eq!(
        shown,
        vec![(Access::Read, 9, Some(hour + 20)), (Access::Write, 1, None)],
        "this hour's counts added up across parts, the last use the latest of them"
    );
    let hours = store.hours_of_use(1, 0).await.unwrap();
    let per_hour: Vec<(i64, Access, i64, i64)> = hours
        .iter()
        .map(|h| (h.hour_start, h.access, h.allowed, h.denied))
        .collect();
    assert_eq!(
        per_hour,
        vec![
            (earlier, Access::Read, 2, 0),
            (hour, Access::Read, 9, 1),
            (hour, Access::Write, 1, 2)
        ]
    );
    store.close().await;
}
