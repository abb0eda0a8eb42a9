//! Opening the counts log of a SQLite store, after folding into the table whatever an earlier
//! run logged and never folded (it crashed, or was killed).

use super::Store;
use super::activity_writer::ActivityWriter;
use super::count_log::{CountLog, log_stem, parse_line, records_after, remove_through};
use super::error::{StoreResult, io_error};
use super::recent_counts::{RecentCounts, sum_by_key};
use std::sync::Arc;

impl Store {
    /// The counts log, ready to append to, and the counts in memory that pages read with the
    /// table. `None` where counts go straight to the table: PostgreSQL, whose several instances
    /// could not see each other's memory, and SQLite in memory.
    pub async fn open_count_log(
        &self,
        writer: &mut ActivityWriter,
    ) -> StoreResult<Option<(CountLog, Arc<RecentCounts>)>> {
        let (Some(file), Some(recent)) = (&self.file, &self.recent_counts) else {
            return Ok(None);
        };
        let stem = log_stem(file);
        let (folded,): (i64,) = sqlx::query_as("SELECT through_generation FROM count_log_folded")
            .fetch_one(&self.counts_pool)
            .await?;
        let folded = u64::try_from(folded).unwrap_or_default();
        let (left, newest) = records_after(&stem, folded, parse_line).await.map_err(io_error)?;
        if newest > folded {
            let left = sum_by_key(left);
            writer.fold_counts(&left, newest, recent).await?;
            tracing::info!("Folded {} decision counts logged by an earlier run", left.len());
        }
        remove_through(&stem, newest).map_err(io_error)?;
        let log = CountLog::open(stem, newest).map_err(io_error)?;
        Ok(Some((log, recent.clone())))
    }
}
