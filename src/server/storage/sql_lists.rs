//! Placeholder lists for statements whose length depends on the data; every value is still
//! bound, never spliced in.
//!
//! SQLite gets anonymous `?` placeholders, bound in order: for a named one (`$n`) sqlx asks
//! SQLite for each parameter's name, a linear scan, so binding n named parameters costs n²
//! (with 1,600 of them it was the top of the partner-check profile). PostgreSQL needs `$n`.

use super::Engine;
use sqlx::any::AnyArguments;
use sqlx::query::Query;
use sqlx::{Any, AnyConnection};

pub(crate) type AnyQuery<'q> = Query<'q, Any, AnyArguments>;

/// Values bound in one statement at most: well under both engines' limits (SQLite 32,766,
/// PostgreSQL 65,535), and few round trips.
const MOST_VALUES_PER_STATEMENT: usize = 14_000;

fn push_placeholder(text: &mut String, engine: Engine, n: usize) {
    use std::fmt::Write as _;
    match engine {
        Engine::Sqlite => text.push('?'),
        Engine::Postgres => {
            let _ = write!(text, "${n}");
        }
    }
}

/// Appends `$first, $first+1, ...` to `text`, written in place: a fold's statements have
/// thousands of placeholders, and their text is made on a thread that serves checks.
fn push_placeholders(text: &mut String, engine: Engine, first: usize, count: usize) {
    for n in first..first + count {
        if n > first {
            text.push_str(", ");
        }
        push_placeholder(text, engine, n);
    }
}

/// `$first, $first+1, ...`: one placeholder per value of an `IN (...)` list.
pub(crate) fn placeholders(engine: Engine, first: usize, count: usize) -> String {
    let mut text = String::with_capacity(count * 4);
    push_placeholders(&mut text, engine, first, count);
    text
}

/// `($1, $2), ($3, $4), ...`: `rows` rows of `columns` values each, for a multi-row INSERT.
pub(crate) fn value_rows(engine: Engine, rows: usize, columns: usize) -> String {
    let mut text = String::with_capacity(rows * (columns * 4 + 4));
    for row in 0..rows {
        if row > 0 {
            text.push_str(", ");
        }
        text.push('(');
        push_placeholders(&mut text, engine, row * columns + 1, columns);
        text.push(')');
    }
    text
}

/// Inserts `rows` with multi-row statements `{head} VALUES (..), (..) {tail}`, as many rows per
/// statement as `MOST_VALUES_PER_STATEMENT` allows; `bind` binds one row's `columns` values in
/// order. `tail` may be empty, or say what a conflict does.
pub(crate) async fn insert_rows<T>(
    conn: &mut AnyConnection,
    engine: Engine,
    head: &str,
    tail: &str,
    columns: usize,
    rows: &[T],
    bind: impl for<'q> Fn(AnyQuery<'q>, &T) -> AnyQuery<'q>,
) -> Result<(), sqlx::Error> {
    for chunk in rows.chunks((MOST_VALUES_PER_STATEMENT / columns).max(1)) {
        let sql = format!("{head} VALUES {} {tail}", value_rows(engine, chunk.len(), columns));
        // Only fixed table and column names and placeholders are spliced in; every value is bound.
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for row in chunk {
            query = bind(query, row);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_for_postgres_anonymous_for_sqlite() {
        assert_eq!(placeholders(Engine::Postgres, 3, 2), "$3, $4");
        assert_eq!(value_rows(Engine::Postgres, 2, 3), "($1, $2, $3), ($4, $5, $6)");
        assert_eq!(value_rows(Engine::Sqlite, 2, 2), "(?, ?), (?, ?)");
        assert_eq!(placeholders(Engine::Sqlite, 1, 3), "?, ?, ?");
        assert_eq!(placeholders(Engine::Postgres, 1, 0), "");
    }
}
