//! How telling a partner of a consent event goes, read beside the event: the state of its
//! notification and whether the partner has an endpoint to be told at.

use crate::domain::partner_told::{Notification, Told};
use crate::server::storage::Store;
use crate::server::storage::error::StoreResult;
use std::collections::HashMap;

/// The columns of a `ToldRow`, from `notifications n` (left-joined) and `partners p`.
macro_rules! told_columns {
    () => {
        concat!(
            "n.state AS told_state, n.tries AS told_tries, n.next_try_at AS told_next_try_at, ",
            "n.delivered_at AS told_delivered_at, n.created_at AS told_created_at, ",
            "CAST(CASE WHEN p.event_endpoint IS NULL THEN 0 ELSE 1 END AS BIGINT) AS partner_has_endpoint, ",
            "CAST(CASE WHEN p.endpoint_disabled_at IS NULL THEN 0 ELSE 1 END AS BIGINT) AS partner_endpoint_off "
        )
    };
}
pub(crate) use told_columns;

/// An event's notification, if it has one (a partner's own request has none).
#[derive(Debug, Clone, Default, sqlx::FromRow)]
pub struct ToldRow {
    pub told_state: Option<String>,
    pub told_tries: Option<i64>,
    pub told_next_try_at: Option<i64>,
    pub told_delivered_at: Option<i64>,
    pub told_created_at: Option<i64>,
    pub partner_has_endpoint: i64,
    pub partner_endpoint_off: i64,
}

impl ToldRow {
    /// Where telling the partner stands; `tries_on_schedule` is how many tries the schedule
    /// allows, and `time` puts an instant in the reader's words.
    pub fn told(&self, tries_on_schedule: usize, time: impl Fn(i64) -> String) -> Option<Told> {
        let state = self.told_state.as_deref()?;
        let tries = self.told_tries.unwrap_or_default();
        Some(Told::of(
            Notification {
                state,
                tries,
                has_endpoint: self.partner_has_endpoint != 0,
                endpoint_off: self.partner_endpoint_off != 0,
                schedule_ran_out: usize::try_from(tries).is_ok_and(|tries| tries >= tries_on_schedule),
                created_at: self.told_created_at.unwrap_or_default(),
                next_try_at: self.told_next_try_at.unwrap_or_default(),
                delivered_at: self.told_delivered_at,
            },
            time,
        ))
    }
}

#[derive(sqlx::FromRow)]
struct GrantTold {
    grant_id: i64,
    #[sqlx(flatten)]
    told: ToldRow,
}

const TOLD_OF_LATEST_GRANT_EVENTS: &str = concat!(
    "SELECT e.grant_id, ",
    told_columns!(),
    "FROM consent_events e JOIN partners p ON p.id = e.partner_id ",
    "JOIN notifications n ON n.event_id = e.id ",
    "WHERE e.id IN (SELECT MAX(x.id) FROM consent_events x WHERE x.user_id = $1 AND x.grant_id IS NOT NULL ",
    "GROUP BY x.grant_id)"
);

impl Store {
    /// For each of the user's grants, how telling the partner of its latest change goes.
    pub async fn told_of_latest_grant_events(&self, user_id: i64) -> StoreResult<HashMap<i64, ToldRow>> {
        let rows: Vec<GrantTold> = sqlx::query_as(TOLD_OF_LATEST_GRANT_EVENTS)
            .bind(user_id)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.into_iter().map(|row| (row.grant_id, row.told)).collect())
    }
}
