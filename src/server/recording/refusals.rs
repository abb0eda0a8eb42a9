//! Attempts refused because the access was taken back or ran out, group-committed: each request
//! waits until its attempts are committed, and the requests waiting together share one
//! transaction.

use crate::server::error::log_store_error;
use crate::server::storage::activity::RefusedAttempt;
use crate::server::storage::{Store, StoreError};
use tokio::sync::{mpsc, oneshot, watch};

/// Most refused attempts committed together.
const MOST_PER_COMMIT: usize = 1_000;

/// Refused attempts of one request, and how to tell it they are committed.
struct Waiting {
    attempts: Vec<RefusedAttempt>,
    committed: oneshot::Sender<bool>,
}

/// Where requests hand their refused attempts to the writer.
#[derive(Clone)]
pub(super) struct RefusalQueue(mpsc::UnboundedSender<Waiting>);

impl RefusalQueue {
    /// Starts the writer; it commits until `stop` turns true and then drains the queue.
    pub(super) fn start(store: Store, stop: watch::Receiver<bool>) -> (Self, tokio::task::JoinHandle<()>) {
        let (sender, queue) = mpsc::unbounded_channel();
        (
            RefusalQueue(sender),
            tokio::spawn(commit_until_stopped(store, queue, stop)),
        )
    }

    /// Returns once the attempts are committed, or fails if they could not be.
    pub(super) async fn commit(&self, attempts: Vec<RefusedAttempt>) -> Result<(), StoreError> {
        let (committed, answer) = oneshot::channel();
        let queued = self.0.send(Waiting { attempts, committed }).is_ok();
        if queued && answer.await.unwrap_or(false) {
            Ok(())
        } else {
            Err(StoreError::NotRecorded)
        }
    }
}

async fn commit_until_stopped(
    store: Store,
    mut queue: mpsc::UnboundedReceiver<Waiting>,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        tokio::select! {
            biased;
            // The only change ever sent is "stop" (and a dropped sender means the same).
            _ = stop.changed() => break,
            Some(first) = queue.recv() => commit_with_waiting(&store, &mut queue, first).await,
        }
    }
    while let Ok(first) = queue.try_recv() {
        commit_with_waiting(&store, &mut queue, first).await;
    }
}

/// Group commit: `first` and every request queued behind it share one transaction.
async fn commit_with_waiting(store: &Store, queue: &mut mpsc::UnboundedReceiver<Waiting>, first: Waiting) {
    let mut count = first.attempts.len();
    let mut batch = vec![first];
    while count < MOST_PER_COMMIT {
        match queue.try_recv() {
            Ok(next) => {
                count += next.attempts.len();
                batch.push(next);
            }
            Err(_) => break,
        }
    }
    let attempts: Vec<RefusedAttempt> = batch.iter().flat_map(|w| w.attempts.iter().cloned()).collect();
    let written = store.insert_refused_attempts(&attempts).await;
    if let Err(error) = &written {
        log_store_error(error);
    }
    for waiting in batch {
        let _ = waiting.committed.send(written.is_ok());
    }
}
