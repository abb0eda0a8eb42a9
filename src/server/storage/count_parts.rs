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
//! bytes 0.08-0.11 s. Pages read both tables (`COUNTS_OF_USER`). Merging an ended hour adds each
//! user's counts up into one row of the newest part, each key once, and drops the hour's other
//! rows of both tables (per-key rows of `decision_counts` come from older versions of the app).

use super::Engine;
use super::activity::{AccessKey, HourTally};
use super::count_log::CountedHour;
use super::error::StoreResult;
use super::recent_counts::sum_same_keys;
use super::sql_lists::{AnyQuery, insert_rows};
use crate::domain::access::Access;
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

/// Inserts the part `part` of counts sorted by hour, then key, one row per user and hour, in
/// statements of `USERS_PER_STATEMENT` users, calling `between` before each statement but the
/// first (the fold pauses there). A user and hour met again in the same part gets these counts
/// added to its list: counts recovered at a start come sorted by key, then hour, so a user's
/// hour can come in several runs.
pub(super) async fn insert_user_parts<F: Future<Output = ()>>(
    conn: &mut AnyConnection,
    mut counts: &[CountedHour],
    part: i64,
    between: impl Fn() -> F,
) -> Result<(), sqlx::Error> {
    let head = "INSERT INTO user_count_parts (hour_start, part, user_id, counts)";
    let add_to_list = "ON CONFLICT (hour_start, part, user_id) DO UPDATE SET \
        counts = substr(user_count_parts.counts, 1, length(user_count_parts.counts) - 1) \
        || ',' || substr(excluded.counts, 2)";
    let mut rows: Vec<UserHour> = Vec::with_capacity(USERS_PER_STATEMENT);
    let mut first = true;
    while !counts.is_empty() {
        rows.clear();
        while rows.len() < USERS_PER_STATEMENT && !counts.is_empty() {
            let (user_hour, rest) = split_user_hour(counts);
            rows.push(UserHour {
                hour_start: user_hour[0].1,
                user_id: user_hour[0].0.user_id,
                counts: counts_json(user_hour),
            });
            counts = rest;
        }
        if !first {
            between().await;
        }
        first = false;
        insert_rows(
            conn,
            Engine::Sqlite,
            head,
            add_to_list,
            4,
            &rows,
            |query: AnyQuery<'_>, row| {
                query
                    .bind(row.hour_start)
                    .bind(part)
                    .bind(row.user_id)
                    .bind(row.counts.clone())
            },
        )
        .await?;
    }
    Ok(())
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

/// Merges the parts of every hour that started before `current_hour` and has more than one,
/// each in a transaction of its own; returns how many hours it merged. Adding an hour up is
/// seconds of CPU under load, done on the calling thread: call it on one that serves no checks.
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

/// Each user's counts of hour `$1`, from every part and both tables, as one text: lists of
/// counts in the form `counts_json` writes, separated by spaces. Rows of (user_id, text).
///
/// Added up in Rust, not in SQL: a `GROUP BY` of every key of the hour, after extracting six
/// values from each count's JSON, took SQLite 10 s of CPU for an hour of the load benchmark
/// (5.9 million counts in 1.3 million per-user rows; 3 s of it the extraction alone); putting
/// each user's lists together takes it 0.7 s.
const COUNTS_OF_HOUR_BY_USER: &str = "SELECT user_id, group_concat(counts, ' ') FROM (\
    SELECT user_id, counts FROM user_count_parts WHERE hour_start = $1 \
    UNION ALL \
    SELECT user_id, \
    json_group_array(json_array(partner_id, category_id, access, allowed, denied, last_allowed_at)) \
    FROM decision_counts WHERE hour_start = $1 GROUP BY user_id) \
    GROUP BY user_id";

/// Users whose counts are added up in one go while merging: the memory of about 600,000 counts
/// under load, not of the whole hour's.
const USERS_PER_SUM: usize = 10_000;

/// One count as `counts_json` writes it.
type CountInJson = (i64, i64, Access, i64, i64, Option<i64>);

/// Adds up the counts of `hour` in `texts` (rows of `COUNTS_OF_HOUR_BY_USER`): one per user and
/// key, sorted by user, then key.
fn summed_per_user(hour: i64, texts: Vec<(i64, String)>) -> Result<Vec<CountedHour>, serde_json::Error> {
    let mut counts = Vec::new();
    for (user_id, text) in texts {
        for list in serde_json::Deserializer::from_str(&text).into_iter::<Vec<CountInJson>>() {
            for (partner_id, category_id, access, allowed, denied, last_allowed_at) in list? {
                let key = AccessKey {
                    user_id,
                    partner_id,
                    category_id,
                    access,
                };
                let tally = HourTally {
                    allowed,
                    denied,
                    last_allowed_at,
                };
                counts.push((key, hour, tally));
            }
        }
    }
    sum_same_keys(&mut counts);
    Ok(counts)
}

/// Adds every part of `hour` up into its newest, one row per user with each key once, and drops
/// the others: all or nothing.
async fn merge_hour(conn: &mut AnyConnection, hour: i64, newest_part: i64) -> StoreResult<()> {
    let mut tx = sqlx::Connection::begin_with(&mut *conn, "BEGIN IMMEDIATE").await?;
    let texts: Vec<(i64, String)> = sqlx::query_as(COUNTS_OF_HOUR_BY_USER)
        .bind(hour)
        .fetch_all(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM user_count_parts WHERE hour_start = $1")
        .bind(hour)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM decision_counts WHERE hour_start = $1")
        .bind(hour)
        .execute(&mut *tx)
        .await?;
    // A slice of users at a time, so that only their counts are in memory at once.
    let mut users = texts.into_iter();
    loop {
        let slice: Vec<(i64, String)> = users.by_ref().take(USERS_PER_SUM).collect();
        if slice.is_empty() {
            break;
        }
        let summed = summed_per_user(hour, slice).map_err(|error| sqlx::Error::Decode(Box::new(error)))?;
        insert_user_parts(&mut tx, &summed, newest_part, || std::future::ready(())).await?;
    }
    sqlx::query("DELETE FROM count_parts WHERE hour_start = $1 AND part < $2")
        .bind(hour)
        .bind(newest_part)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
