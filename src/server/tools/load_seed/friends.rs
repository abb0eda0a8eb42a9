//! The load data's friendships: load user n is friends with the `per_side` users before it and
//! the `per_side` after it (wrapping around), so each has `2 * per_side` friends, and a load
//! generator can name a friend of anyone without reading the database.

use crate::server::storage::Engine;
use crate::server::storage::sql_lists::insert_rows;
use anyhow::Context;
use sqlx::{AnyConnection, Connection};

/// The friends of load user `n` (by number) among `users`, as numbers.
pub fn friends_of(n: u32, users: u32, per_side: u32) -> impl Iterator<Item = u32> {
    let per_side = per_side.min(users.saturating_sub(1) / 2);
    (1..=per_side).flat_map(move |k| [(n + k) % users, (n + users - k) % users])
}

/// Writes every load user's friendships, both ways, unless the first load user has friends
/// already. `ids[n]` is load user n's id.
pub async fn write_friendships(
    conn: &mut AnyConnection,
    engine: Engine,
    ids: &[i64],
    per_side: u32,
    now: i64,
) -> anyhow::Result<usize> {
    let Some(first) = ids.first() else {
        return Ok(0);
    };
    let (existing,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM friendships WHERE user_id = $1")
        .bind(*first)
        .fetch_one(&mut *conn)
        .await?;
    if existing > 0 || per_side == 0 {
        return Ok(0);
    }
    let users = u32::try_from(ids.len()).context("Too many load users")?;
    let mut written = 0;
    for chunk in (0..users).collect::<Vec<u32>>().chunks(2_000) {
        let mut rows: Vec<(i64, i64)> = Vec::new();
        for &n in chunk {
            let mut friends: Vec<i64> = friends_of(n, users, per_side).map(|f| ids[f as usize]).collect();
            friends.sort_unstable();
            rows.extend(friends.into_iter().map(|friend| (ids[n as usize], friend)));
        }
        let mut tx = conn.begin().await?;
        insert_rows(
            &mut tx,
            engine,
            "INSERT INTO friendships (user_id, friend_id, since)",
            "",
            3,
            &rows,
            |query, row| query.bind(row.0).bind(row.1).bind(now),
        )
        .await
        .context("Failed to write the load users' friendships")?;
        tx.commit().await?;
        written += rows.len();
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn friendships_go_both_ways_and_wrap_around() {
        let friends: Vec<u32> = friends_of(0, 10, 2).collect();
        assert_eq!(friends, [1, 9, 2, 8]);
        for n in 0..10 {
            for friend in friends_of(n, 10, 2) {
                assert!(friends_of(friend, 10, 2).any(|f| f == n), "{n} and {friend}");
            }
        }
        assert_eq!(friends_of(0, 3, 75).count(), 2, "never more friends than people");
    }
}
