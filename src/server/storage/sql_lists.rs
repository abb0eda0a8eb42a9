//! Placeholder lists for statements whose length depends on the data; every value is still
//! bound, never spliced in.
//!
//! SQLite gets anonymous `?` placeholders, bound in order: for a named one (`$n`) sqlx asks
//! SQLite for each parameter's name, a linear scan, so binding n named parameters costs n²
//! (with 1,600 of them it was the top of the partner-check profile). PostgreSQL needs `$n`.

use super::Engine;

/// The placeholder of the `n`th value (from 1) of a statement.
pub(crate) fn placeholder(engine: Engine, n: usize) -> String {
    match engine {
        Engine::Sqlite => "?".to_owned(),
        Engine::Postgres => format!("${n}"),
    }
}

/// `$first, $first+1, ...`: one placeholder per value of an `IN (...)` list.
pub(crate) fn placeholders(engine: Engine, first: usize, count: usize) -> String {
    (first..first + count)
        .map(|n| placeholder(engine, n))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `($1, $2), ($3, $4), ...`: `rows` rows of `columns` values each, for a multi-row INSERT.
pub(crate) fn value_rows(engine: Engine, rows: usize, columns: usize) -> String {
    (0..rows)
        .map(|row| format!("({})", placeholders(engine, row * columns + 1, columns)))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_for_postgres_anonymous_for_sqlite() {
        assert_eq!(placeholders(Engine::Postgres, 3, 2), "$3, $4");
        assert_eq!(value_rows(Engine::Postgres, 2, 3), "($1, $2, $3), ($4, $5, $6)");
        assert_eq!(value_rows(Engine::Sqlite, 2, 2), "(?, ?), (?, ?)");
    }
}
