//! A thread of its own, at a low scheduling priority (see `thread_priority`), for work done in
//! bulk beside the checks: adding up each second's decisions, writing them to the counts log,
//! sorting a fold.
//!
//! Why not Tokio's blocking pool: under load that work is tens of milliseconds every second,
//! and at the same priority as the thread serving checks every check queued meanwhile waited it
//! out (the recorded check's p99 was twice the unrecorded one's).

use crate::server::thread_priority::lower_calling_thread;
use std::panic::AssertUnwindSafe;
use std::sync::mpsc;
use tokio::sync::oneshot;

type Job = Box<dyn FnOnce() + Send>;

/// Hands work to the thread; clones share it. The thread ends when the last clone is dropped.
#[derive(Clone)]
pub struct BackgroundThread {
    /// `None` if the thread could not be started: its work then goes to Tokio's blocking pool.
    jobs: Option<mpsc::Sender<Job>>,
}

impl BackgroundThread {
    /// Starts the thread, named `name` (as `top -H` and perf show it).
    pub fn start(name: &str) -> Self {
        let (jobs, queue) = mpsc::channel::<Job>();
        let started = std::thread::Builder::new().name(name.to_owned()).spawn(move || {
            lower_calling_thread();
            for job in queue {
                job();
            }
        });
        if let Err(error) = &started {
            tracing::error!(%error, name, "Could not start a background thread; its work goes to the blocking pool");
        }
        BackgroundThread {
            jobs: started.is_ok().then_some(jobs),
        }
    }

    /// Runs `work` on the thread, after whatever was handed to it before; `None` if it panicked
    /// (the thread itself carries on with the next job).
    pub async fn run<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> Option<T> {
        let Some(jobs) = &self.jobs else {
            return tokio::task::spawn_blocking(work).await.ok();
        };
        let (done, result) = oneshot::channel();
        let job: Job = Box::new(move || {
            if let Ok(value) = std::panic::catch_unwind(AssertUnwindSafe(work)) {
                let _ = done.send(value);
            }
        });
        jobs.send(job).ok()?;
        result.await.ok()
    }
}

/// Runs the future `job` makes to its end on a new thread named `name`, at the same low
/// priority, under a Tokio runtime of its own, and hands back its output; `None` if the thread
/// or its runtime could not start, or the job panicked. For rare async work that takes seconds
/// of CPU (merging an ended hour of counts): on the runtime serving checks it would delay them
/// however finely it awaited, and on the background thread each second's counts would wait
/// behind it.
pub async fn run_on_own_thread<T, F, Job>(name: &str, job: Job) -> Option<T>
where
    T: Send + 'static,
    F: Future<Output = T>,
    Job: FnOnce() -> F + Send + 'static,
{
    let (done, result) = oneshot::channel();
    let started = std::thread::Builder::new().name(name.to_owned()).spawn(move || {
        lower_calling_thread();
        match tokio::runtime::Builder::new_current_thread().enable_all().build() {
            Ok(runtime) => {
                let _ = done.send(runtime.block_on(job()));
            }
            Err(error) => tracing::error!(%error, "Could not start a runtime for a thread of its own"),
        }
    });
    if let Err(error) = started {
        tracing::error!(%error, name, "Could not start a thread of its own");
        return None;
    }
    result.await.ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn runs_work_in_order_and_survives_a_panic() {
        let thread = BackgroundThread::start("test-background");
        assert_eq!(thread.run(|| 2 + 2).await, Some(4));
        let panicked: Option<()> = thread.run(|| panic!("a job failed")).await;
        assert_eq!(panicked, None);
        let name = thread.run(|| std::thread::current().name().map(str::to_owned)).await;
        assert_eq!(name.flatten().as_deref(), Some("test-background"));
    }

    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn its_priority_is_lower_than_the_callers() {
        use crate::server::thread_priority::{BULK_WORK_NICE, nice_of_calling_thread};
        let thread = BackgroundThread::start("test-nice");
        assert!(
            nice_of_calling_thread() < BULK_WORK_NICE,
            "the tests run at the default priority"
        );
        assert_eq!(thread.run(nice_of_calling_thread).await, Some(BULK_WORK_NICE));
    }

    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn a_job_on_its_own_thread_runs_there_at_low_priority_and_hands_back_its_output() {
        use crate::server::thread_priority::{BULK_WORK_NICE, nice_of_calling_thread};
        let caller = std::thread::current().id();
        let ran = run_on_own_thread("test-own", move || async move {
            // Its own runtime: it can await timers as any async work does.
            tokio::time::sleep(std::time::Duration::from_millis(1)).await;
            let thread = std::thread::current();
            (
                thread.id() != caller,
                thread.name().map(str::to_owned),
                nice_of_calling_thread(),
            )
        })
        .await;
        assert_eq!(ran, Some((true, Some("test-own".to_owned()), BULK_WORK_NICE)));
    }

    #[tokio::test]
    async fn a_job_that_panics_on_its_own_thread_gives_none() {
        let ran: Option<()> = run_on_own_thread("test-own-panic", || async { panic!("on purpose") }).await;
        assert_eq!(ran, None);
    }
}
