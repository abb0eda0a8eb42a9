//! On PostgreSQL, the partner checks waiting at one moment read their grants in one statement.
//!
//! Several instances share that database, so no instance may answer from what it read earlier:
//! any of them may have taken access back since. Every check therefore reads the grant itself,
//! but checks arriving together share the round trip. A check joins only a read that has not
//! been sent yet, so the statement that answers it starts after the check began: PostgreSQL
//! (read committed) gives each statement a snapshot taken when it starts, and that snapshot
//! holds every revocation acknowledged before the check began, on whichever instance it was
//! made (docs/ARCHITECTURE.md, "The partner check on PostgreSQL").

use super::partner_checks::GrantRow;
use crate::domain::decision::GrantState;
use crate::server::error::log_store_error;
use crate::server::storage::activity::AccessKey;
use crate::server::storage::error::{StoreError, StoreResult};
use sqlx::any::AnyPoolOptions;
use sqlx::{AnyPool, Executor};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Semaphore, mpsc, oneshot};

/// Reads in flight at once, each on a connection of the readers' own. While they are, checks
/// queue and the next read takes them all; a few at once keep a check from waiting behind a
/// slow one.
const READS_AT_ONCE: u32 = 4;

/// The grants of one request, and where to hand them (or whether the database was unavailable).
struct Waiting {
    asked: Vec<AccessKey>,
    answer: oneshot::Sender<Result<Vec<Option<GrantState>>, bool>>,
}

/// Where checks hand what they ask; a reader sends the shared statements.
pub struct SharedGrantReads {
    queue: mpsc::UnboundedSender<Waiting>,
    pool: AnyPool,
}

impl SharedGrantReads {
    /// Starts the reader on the current Tokio runtime, with a pool of its own on the database at
    /// `url` (connected when first needed); it ends when the last handle is dropped.
    ///
    /// The pool does not ping a connection before each read, as sqlx does by default: that was
    /// a second round trip per read. A connection whose read fails is closed instead of going
    /// back to the pool, so a broken one fails one read (503 to the checks sharing it), never two.
    pub fn start(url: &str) -> Result<Self, sqlx::Error> {
        let pool = AnyPoolOptions::new()
            .max_connections(READS_AT_ONCE)
            .acquire_timeout(Duration::from_secs(5))
            .test_before_acquire(false)
            .after_connect(|connection, _| {
                Box::pin(async move {
                    // One plan for every batch: the statement's shape never changes, and planning
                    // it anew for each batch's arrays cost more than running it.
                    connection.execute("SET plan_cache_mode = force_generic_plan").await?;
                    Ok(())
                })
            })
            .connect_lazy(url)?;
        let (queue, asked) = mpsc::unbounded_channel();
        tokio::spawn(read_while_asked(pool.clone(), asked));
        Ok(SharedGrantReads { queue, pool })
    }

    /// Closes the readers' connections.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// The state of each asked grant, in the order asked (`None` where the user never had it),
    /// read by a statement sent after this call began.
    pub async fn states(&self, asked: Vec<AccessKey>) -> StoreResult<Vec<Option<GrantState>>> {
        let (answer, answered) = oneshot::channel();
        if self.queue.send(Waiting { asked, answer }).is_err() {
            return Err(StoreError::SharedReadFailed { unavailable: true });
        }
        match answered.await {
            Ok(Ok(states)) => Ok(states),
            Ok(Err(unavailable)) => Err(StoreError::SharedReadFailed { unavailable }),
            // The reader is gone: its runtime is shutting down.
            Err(_) => Err(StoreError::SharedReadFailed { unavailable: true }),
        }
    }
}

async fn read_while_asked(pool: AnyPool, mut queue: mpsc::UnboundedReceiver<Waiting>) {
    let reads = Arc::new(Semaphore::new(READS_AT_ONCE as usize));
    while let Some(first) = queue.recv().await {
        let Ok(permit) = reads.clone().acquire_owned().await else {
            return;
        };
        // Taken only now that a read can be sent: whoever queued meanwhile joins it.
        let mut batch = vec![first];
        while let Ok(next) = queue.try_recv() {
            batch.push(next);
        }
        let pool = pool.clone();
        tokio::spawn(async move {
            let asked: Vec<AccessKey> = batch.iter().flat_map(|w| w.asked.iter().copied()).collect();
            let read = read_states(&pool, asked).await;
            if let Err(error) = &read {
                log_store_error(error);
            }
            for waiting in batch {
                let answer = match &read {
                    Ok(states) => Ok(waiting.asked.iter().map(|key| states.get(key).copied()).collect()),
                    Err(error) => Err(matches!(error, StoreError::Unavailable(_))),
                };
                let _ = waiting.answer.send(answer);
            }
            drop(permit);
        });
    }
}

/// The grants asked, keyed by what each joins on; one statement whatever their number.
const READ_GRANTS: &str = "SELECT g.user_id, g.partner_id, g.category_id, g.access, g.status, g.changed_at, g.expires_at \
     FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::text[]) AS asked(user_id, partner_id, category_id, access) \
     JOIN grants g ON g.user_id = asked.user_id AND g.partner_id = asked.partner_id \
     AND g.category_id = asked.category_id AND g.access = asked.access";

/// `{1,2,3}`: an array literal PostgreSQL casts from text (sqlx's `Any` binds no arrays). Only
/// numbers and the access words, which hold no quote, comma or brace, are ever written in it.
fn array_literal<T: std::fmt::Display>(values: impl Iterator<Item = T>) -> String {
    let mut text = String::from("{");
    for (n, value) in values.enumerate() {
        if n > 0 {
            text.push(',');
        }
        text.push_str(&value.to_string());
    }
    text.push('}');
    text
}

/// The states of the asked grants that exist. One statement of a fixed text, so each connection
/// prepares it once and PostgreSQL plans it once (an `IN` list of rows was planned anew for
/// every batch: 4 ms of planning for eight grants, against 0.1 ms to run).
async fn read_states(pool: &AnyPool, mut asked: Vec<AccessKey>) -> StoreResult<HashMap<AccessKey, GrantState>> {
    asked.sort_unstable();
    asked.dedup();
    let mut connection = pool.acquire().await?;
    let rows: Result<Vec<GrantRow>, sqlx::Error> = sqlx::query_as(READ_GRANTS)
        .bind(array_literal(asked.iter().map(|key| key.user_id)))
        .bind(array_literal(asked.iter().map(|key| key.partner_id)))
        .bind(array_literal(asked.iter().map(|key| key.category_id)))
        .bind(array_literal(asked.iter().map(|key| key.access.as_str())))
        .fetch_all(&mut *connection)
        .await;
    if rows.is_err() {
        connection.close_on_drop();
    }
    Ok(rows?.into_iter().map(GrantRow::into_key_and_state).collect())
}

#[cfg(test)]
mod tests {
    use super::array_literal;

    #[test]
    fn arrays_are_written_as_postgresql_reads_them() {
        assert_eq!(array_literal([3_i64, -1, 20].into_iter()), "{3,-1,20}");
        assert_eq!(array_literal(["read", "write"].into_iter()), "{read,write}");
        assert_eq!(array_literal(std::iter::empty::<i64>()), "{}");
    }
}
