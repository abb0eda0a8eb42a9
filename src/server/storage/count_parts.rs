//! The SQLite counts table in parts (see the migration `sqlite-counts/*_counts_in_parts.sql`).
//!
//! Each fold adds its counts as a new part, numbered by the newest log generation it folds, so
//! its rows go to the end of the table: a fold writes about as many pages as it has rows to fill,
//! however many counts the hour already holds. (As one sorted run per hour, a fold's rows landed
//! all over the current hour, and a fold late in a busy hour rewrote most of its pages.) Counts
//! written straight to the table (SQLite in memory) are part 0.
//!
//! Pages read a user's counts with one seek per part listed in `count_parts`. So that this stays
//! one seek per hour, an hour that has ended and holds several parts is merged into its newest
//! part, once, by the fold after the hour ends. PostgreSQL's table has no parts.

use super::Engine;
use super::error::StoreResult;
use super::sql_lists::{AnyQuery, insert_rows};
use sqlx::AnyConnection;

/// Lists the part `part` under each of `hours`, so that pages read it.
pub(super) async fn list_parts(conn: &mut AnyConnection, hours: &[i64], part: i64) -> Result<(), sqlx::Error> {
    let head = "INSERT INTO count_parts (hour_start, part)";
    let already_listed = "ON CONFLICT (hour_start, part) DO NOTHING";
    insert_rows(
        conn,
        Engine::Sqlite,
        head,
        already_listed,
        2,
        hours,
        |query: AnyQuery<'_>, hour| query.bind(*hour).bind(part),
    )
    .await
}

/// Merges the parts of every hour that started before `current_hour` and has more than one,
/// each in a transaction of its own; returns how many hours it merged.
pub(super) async fn merge_ended_hours(conn: &mut AnyConnection, current_hour: i64) -> StoreResult<usize> {
    let split: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT hour_start, MAX(part) FROM count_parts WHERE hour_start < $1 \
         GROUP BY hour_start HAVING COUNT(*) > 1 ORDER BY hour_start",
    )
    .bind(current_hour)
    .fetch_all(&mut *conn)
    .await?;
    for (hour, newest_part) in &split {
        merge_hour(conn, *hour, *newest_part).await?;
    }
    Ok(split.len())
}

/// Adds every part of `hour` up into its newest, then drops the others: all or nothing.
async fn merge_hour(conn: &mut AnyConnection, hour: i64, newest_part: i64) -> StoreResult<()> {
    let mut tx = sqlx::Connection::begin_with(&mut *conn, "BEGIN IMMEDIATE").await?;
    // The newest part's rows are in the sums, so a key it already has takes the sum as it is.
    sqlx::query(
        "INSERT INTO decision_counts \
         (hour_start, part, user_id, partner_id, category_id, access, allowed, denied, last_allowed_at) \
         SELECT $1, $2, user_id, partner_id, category_id, access, SUM(allowed), SUM(denied), MAX(last_allowed_at) \
         FROM decision_counts WHERE hour_start = $1 \
         GROUP BY user_id, partner_id, category_id, access \
         ON CONFLICT (hour_start, part, user_id, partner_id, category_id, access) DO UPDATE SET \
         allowed = excluded.allowed, denied = excluded.denied, last_allowed_at = excluded.last_allowed_at",
    )
    .bind(hour)
    .bind(newest_part)
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM decision_counts WHERE hour_start = $1 AND part < $2")
        .bind(hour)
        .bind(newest_part)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM count_parts WHERE hour_start = $1 AND part < $2")
        .bind(hour)
        .bind(newest_part)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}
