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
//!
//! A fold's part is written one row per user and hour (`user_count_parts`: the user's counts
//! as a JSON array), not one row per key. Under load nearly every counted decision is a key of
//! its own, about five per user in a fold of half a million: in a sqlite3 shell, 500,000 rows
//! of `decision_counts` took 0.77-1.05 s of CPU to insert in key order, 100,000 rows of 70
//! bytes 0.08-0.11 s. Pages read both tables (`COUNTS_OF_USER`). Merging an ended hour sums each
//! user's counts of all its parts into one such row of the newest part, a slice of users at a
//! time (hours merged before were merged into `decision_counts`, one row per key).

use super::Engine;
use super::activity::{AccessKey, HourTally, access_of};
use super::count_log::CountedHour;
use super::error::{StoreError, StoreResult};
use super::recent_counts::sum_same_keys;
use super::sql_lists::{AnyQuery, insert_rows};
use crate::server::background_thread::BackgroundThread;
use sqlx::AnyConnection;

/// A user's counts in each listed part since `$2` (an hour start), from both tables: rows of
/// (hour_start, partner_id, category_id, access, allowed, denied, last_allowed_at). Every listed
/// part is one seek into each table (`SEARCH ... USING PRIMARY KEY (hour_start=? AND part=? AND
/// user_id=?)`). SQL to put after `WITH counts_of_user AS`.
pub(super) const COUNTS_OF_USER: &str = "(\
    SELECT c.hour_start, c.partner_id, c.category_id, c.access, c.allowed, c.denied, c.last_allowed_at \
    FROM count_parts AS p CROSS JOIN decision_counts AS c \
    WHERE p.hour_start >= $2 AND c.hour_start = p.hour_start AND c.part = p.part AND c.user_id = $1 \
    UNION ALL \
    SELECT u.hour_start, e.value ->> 0, e.value ->> 1, e.value ->> 2, e.value ->> 3, e.value ->> 4, e.value ->> 5 \
    FROM count_parts AS p CROSS JOIN user_count_parts AS u CROSS JOIN json_each(u.counts) AS e \
    WHERE p.hour_start >= $2 AND u.hour_start = p.hour_start AND u.part = p.part AND u.user_id = $1)";

/// Users whose rows a fold writes in one statement (about five counts each under load), and so
/// how long SQLite's thread works on one: about as long as 100 rows of counts used to take.
const USERS_PER_STATEMENT: usize = 100;

/// One user's counts of one hour in a part: the row of `user_count_parts`.
struct UserHour {
    hour_start: i64,
    user_id: i64,
    counts: String,
}

/// `[[partner_id, category_id, "access", allowed, denied, last_allowed_at or null], ...]`.
fn counts_json(counts: &[CountedHour]) -> String {
    use std::fmt::Write as _;
    let mut text = String::with_capacity(counts.len() * 40 + 2);
    text.push('[');
    for (n, (key, _, tally)) in counts.iter().enumerate() {
        if n > 0 {
            text.push(',');
        }
        let _ = write!(
            text,
            "[{},{},\"{}\",{},{},",
            key.partner_id,
            key.category_id,
            key.access.as_str(),
            tally.allowed,
            tally.denied
        );
        let _ = match tally.last_allowed_at {
            Some(at) => write!(text, "{at}]"),
            None => write!(text, "null]"),
        };
    }
    text.push(']');
    text
}

/// Reads back a list `counts_json` wrote, as counts of `user_id` in `hour`, onto `counts`.
fn add_counts_of_json(counts: &mut Vec<CountedHour>, user_id: i64, hour: i64, list: &str) -> StoreResult<()> {
    let entries: Vec<(i64, i64, &str, i64, i64, Option<i64>)> =
        serde_json::from_str(list).map_err(|error| StoreError::Database(sqlx::Error::Decode(error.into())))?;
    for (partner_id, category_id, access, allowed, denied, last_allowed_at) in entries {
        let key = AccessKey {
            user_id,
            partner_id,
            category_id,
            access: access_of(access)?,
        };
        let tally = HourTally {
            allowed,
            denied,
            last_allowed_at,
        };
        counts.push((key, hour, tally));
    }
    Ok(())
}

/// The next run of `counts` (sorted by hour, then key, which starts with the user) that belongs
/// to one user and hour, and what follows it.
fn split_user_hour(counts: &[CountedHour]) -> (&[CountedHour], &[CountedHour]) {
    let Some((first_key, first_hour, _)) = counts.first() else {
        return (counts, counts);
    };
    let end = counts
        .iter()
        .position(|(key, hour_start, _)| key.user_id != first_key.user_id || hour_start != first_hour)
        .unwrap_or(counts.len());
    counts.split_at(end)
}

/// The row of the first user and hour of `counts` (sorted by hour, then key), and what follows.
fn next_user_row(counts: &[CountedHour]) -> (UserHour, &[CountedHour]) {
    let (user_hour, rest) = split_user_hour(counts);
    let row = UserHour {
        hour_start: user_hour[0].1,
        user_id: user_hour[0].0.user_id,
        counts: counts_json(user_hour),
    };
    (row, rest)
}

/// Inserts the part `part` of counts sorted by hour, then key, one row per user and hour, in
/// statements of `USERS_PER_STATEMENT` users, calling `between` before each statement but the
/// first (the fold pauses there).
pub(super) async fn insert_user_parts<F: Future<Output = ()>>(
    conn: &mut AnyConnection,
    mut counts: &[CountedHour],
    part: i64,
    between: impl Fn() -> F,
) -> Result<(), sqlx::Error> {
    let mut rows: Vec<UserHour> = Vec::with_capacity(USERS_PER_STATEMENT);
    let mut first = true;
    while !counts.is_empty() {
        rows.clear();
        while rows.len() < USERS_PER_STATEMENT && !counts.is_empty() {
            let (row, rest) = next_user_row(counts);
            rows.push(row);
            counts = rest;
        }
        if !first {
            between().await;
        }
        first = false;
        insert_user_rows(conn, &rows, part).await?;
    }
    Ok(())
}

/// Inserts rows of `user_count_parts` into part `part`, in one statement. A user and hour met
/// again in the same part gets these counts added to its list: counts recovered at a start come
/// sorted by key, then hour, so a user's hour can come in several runs of a fold.
async fn insert_user_rows(conn: &mut AnyConnection, rows: &[UserHour], part: i64) -> Result<(), sqlx::Error> {
    let head = "INSERT INTO user_count_parts (hour_start, part, user_id, counts)";
    let add_to_list = "ON CONFLICT (hour_start, part, user_id) DO UPDATE SET \
        counts = substr(user_count_parts.counts, 1, length(user_count_parts.counts) - 1) \
        || ',' || substr(excluded.counts, 2)";
    insert_rows(
        conn,
        Engine::Sqlite,
        head,
        add_to_list,
        4,
        rows,
        |query: AnyQuery<'_>, row| {
            query
                .bind(row.hour_start)
                .bind(part)
                .bind(row.user_id)
                .bind(row.counts.clone())
        },
    )
    .await
}

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

/// Merges the parts of every hour that started before `current_hour` and has more than one;
/// returns how many hours it merged.
pub(super) async fn merge_ended_hours(
    conn: &mut AnyConnection,
    background: &BackgroundThread,
    current_hour: i64,
) -> StoreResult<usize> {
    let split: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT hour_start, MAX(part) FROM count_parts WHERE hour_start < $1 \
         GROUP BY hour_start HAVING COUNT(*) > 1 ORDER BY hour_start",
    )
    .bind(current_hour)
    .fetch_all(&mut *conn)
    .await?;
    for (hour, newest_part) in &split {
        merge_hour(conn, background, *hour, *newest_part).await?;
    }
    Ok(split.len())
}

/// User ids whose counts one step of a merge adds up: one statement of each kind, about as long
/// on SQLite's thread as one of a fold's. The sums are made in Rust: in a sqlite3 shell, summing
/// 1,000 users' rows (seventy counts each) with SQLite's JSON functions took 0.21 s of CPU,
/// reading them 3 ms.
const USER_IDS_PER_MERGE_STEP: i64 = 100;

/// Steps per transaction. A commit costs SQLite's thread something of its own besides its rows
/// (it walks its page cache: 13% of that thread's samples when each step committed alone).
/// Steps of 500 ids, though, held a core long enough to triple the recorded check's p99 while
/// the merge ran.
const MERGE_STEPS_PER_TRANSACTION: usize = 5;

/// The pause after each step of a merge, so that an hour of millions of counts is merged in
/// short steps between checks, never in one long burst (one transaction of 7 million rows
/// halved a round of the load benchmark). Inside a transaction, too: nothing else writes the
/// counts file meanwhile (folds wait for the merge), and pages read the last commit.
const PAUSE_BETWEEN_MERGE_STEPS: std::time::Duration = std::time::Duration::from_millis(2);

/// Adds every part of `hour` up into its newest, step by step of user ids, then unlists the
/// others. Each transaction commits whole, so pages read every count once at any moment; a merge
/// cut short (by a crash or an error) is taken up again by the next one, which finds the users
/// left in the older parts.
async fn merge_hour(
    conn: &mut AnyConnection,
    background: &BackgroundThread,
    hour: i64,
    newest_part: i64,
) -> StoreResult<()> {
    let mut from_user = Some(i64::MIN);
    let mut first = true;
    while from_user.is_some() {
        let mut tx = sqlx::Connection::begin_with(&mut *conn, "BEGIN IMMEDIATE").await?;
        for _ in 0..MERGE_STEPS_PER_TRANSACTION {
            let Some(from) = from_user else { break };
            let Some(first_user) = first_user_in_older_parts(&mut tx, hour, newest_part, from).await? else {
                from_user = None;
                break;
            };
            if !first {
                tokio::time::sleep(PAUSE_BETWEEN_MERGE_STEPS).await;
            }
            first = false;
            let last_user = first_user.saturating_add(USER_IDS_PER_MERGE_STEP - 1);
            merge_users(&mut tx, background, hour, newest_part, first_user, last_user).await?;
            from_user = last_user.checked_add(1);
        }
        tx.commit().await?;
    }
    sqlx::query("DELETE FROM count_parts WHERE hour_start = $1 AND part < $2")
        .bind(hour)
        .bind(newest_part)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The smallest user id from `from_user` on with counts in a part of `hour` older than
/// `newest_part`, in either table: one seek per part.
async fn first_user_in_older_parts(
    conn: &mut AnyConnection,
    hour: i64,
    newest_part: i64,
    from_user: i64,
) -> StoreResult<Option<i64>> {
    let (first,): (Option<i64>,) = sqlx::query_as(
        "SELECT MIN(first_user) FROM (\
         SELECT (SELECT u.user_id FROM user_count_parts AS u \
                 WHERE u.hour_start = p.hour_start AND u.part = p.part AND u.user_id >= $3 \
                 ORDER BY u.user_id LIMIT 1) AS first_user \
         FROM count_parts AS p WHERE p.hour_start = $1 AND p.part < $2 \
         UNION ALL \
         SELECT (SELECT c.user_id FROM decision_counts AS c \
                 WHERE c.hour_start = p.hour_start AND c.part = p.part AND c.user_id >= $3 \
                 ORDER BY c.user_id LIMIT 1) \
         FROM count_parts AS p WHERE p.hour_start = $1 AND p.part < $2)",
    )
    .bind(hour)
    .bind(newest_part)
    .bind(from_user)
    .fetch_one(&mut *conn)
    .await?;
    Ok(first)
}

/// A user's counts of an hour in one part, as read back to be merged: the `counts_json` list
/// of `user_count_parts`, or one row of `decision_counts`.
type UserList = (i64, String);
type CountRow = (i64, i64, i64, String, i64, i64, Option<i64>);

/// Replaces every count of `hour` of the users `first_user..=last_user`, in all its parts and
/// both tables, by their sums, one row per user in the newest part, in the transaction `tx`. The
/// sums are made on `background`, not on the thread that serves checks.
async fn merge_users(
    tx: &mut AnyConnection,
    background: &BackgroundThread,
    hour: i64,
    newest_part: i64,
    first_user: i64,
    last_user: i64,
) -> StoreResult<()> {
    let in_listed_parts = "hour_start = $1 AND part IN (SELECT part FROM count_parts WHERE hour_start = $1) \
        AND user_id BETWEEN $2 AND $3";
    let lists: Vec<UserList> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT user_id, counts FROM user_count_parts WHERE {in_listed_parts}"
    )))
    .bind(hour)
    .bind(first_user)
    .bind(last_user)
    .fetch_all(&mut *tx)
    .await?;
    let rows: Vec<CountRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT user_id, partner_id, category_id, access, allowed, denied, last_allowed_at \
         FROM decision_counts WHERE {in_listed_parts}"
    )))
    .bind(hour)
    .bind(first_user)
    .bind(last_user)
    .fetch_all(&mut *tx)
    .await?;
    let merged = background
        .run(move || summed_rows(hour, &lists, rows))
        .await
        .unwrap_or_else(|| {
            Err(StoreError::Database(sqlx::Error::Protocol(
                "summing counts to merge failed".into(),
            )))
        })?;
    for table in ["user_count_parts", "decision_counts"] {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DELETE FROM {table} WHERE {in_listed_parts}"
        )))
        .bind(hour)
        .bind(first_user)
        .bind(last_user)
        .execute(&mut *tx)
        .await?;
    }
    for statement in merged.chunks(USERS_PER_STATEMENT) {
        insert_user_rows(tx, statement, newest_part).await?;
    }
    Ok(())
}

/// The counts of `hour` in `lists` and `rows`, added up by user and access: one row per user.
fn summed_rows(hour: i64, lists: &[UserList], rows: Vec<CountRow>) -> StoreResult<Vec<UserHour>> {
    let mut counts = Vec::with_capacity(rows.len() + lists.len() * 8);
    for (user_id, list) in lists {
        add_counts_of_json(&mut counts, *user_id, hour, list)?;
    }
    for (user_id, partner_id, category_id, access, allowed, denied, last_allowed_at) in rows {
        let key = AccessKey {
            user_id,
            partner_id,
            category_id,
            access: access_of(&access)?,
        };
        let tally = HourTally {
            allowed,
            denied,
            last_allowed_at,
        };
        counts.push((key, hour, tally));
    }
    sum_same_keys(&mut counts);
    let mut summed = Vec::new();
    let mut rest = &counts[..];
    while !rest.is_empty() {
        let (row, after) = next_user_row(rest);
        summed.push(row);
        rest = after;
    }
    Ok(summed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::access::Access;

    fn counted(user_id: i64, hour_start: i64, access: Access, last_allowed_at: Option<i64>) -> CountedHour {
        let key = AccessKey {
            user_id,
            partner_id: 4,
            category_id: 2,
            access,
        };
        let tally = HourTally {
            allowed: 3,
            denied: 1,
            last_allowed_at,
        };
        (key, hour_start, tally)
    }

    #[test]
    fn a_fold_is_split_into_one_json_row_per_user_and_hour() {
        let counts = [
            counted(1, 0, Access::Read, Some(42)),
            counted(1, 0, Access::Write, None),
            counted(2, 0, Access::Read, Some(7)),
            counted(1, 3_600_000, Access::Delete, Some(9)),
        ];
        let (first, rest) = split_user_hour(&counts);
        assert_eq!(first.len(), 2, "user 1's two accesses of hour 0");
        assert_eq!(counts_json(first), r#"[[4,2,"read",3,1,42],[4,2,"write",3,1,null]]"#);
        let (second, rest) = split_user_hour(rest);
        assert_eq!(second, &counts[2..3]);
        let (third, rest) = split_user_hour(rest);
        assert_eq!(third, &counts[3..], "the same user in another hour is a row of its own");
        assert!(rest.is_empty());
        assert_eq!(split_user_hour(rest), (&[][..], &[][..]));
    }

    #[test]
    fn a_users_json_row_reads_back_as_the_counts_it_was_written_from() {
        let counts = [
            counted(5, 7_200_000, Access::Read, Some(42)),
            counted(5, 7_200_000, Access::Delete, None),
        ];
        let mut read = Vec::new();
        add_counts_of_json(&mut read, 5, 7_200_000, &counts_json(&counts)).unwrap();
        assert_eq!(read, counts);
        assert!(
            add_counts_of_json(&mut read, 5, 0, r#"[[4,2,"erase",3,1,null]]"#).is_err(),
            "an unknown access is an error, not a count"
        );
        assert_eq!(read.len(), 2, "nothing added from a list that did not read");
    }
}
