//! A thread of its own, at a low scheduling priority, for work done in bulk beside the checks:
//! adding up each second's decisions, writing them to the counts log, sorting a fold.
//!
//! Why not Tokio's blocking pool: under load that work is tens of milliseconds every second.
//! At the same priority as the thread serving checks, the kernel gives it whole time slices of
//! that thread's core, and every check queued meanwhile waits them out (the recorded check's
//! p99 was twice the unrecorded one's). At a lower priority a waking check thread preempts it at
//! once; it still gets a share of a busy core, so it never stops.

use std::panic::AssertUnwindSafe;
use std::sync::mpsc;
use tokio::sync::oneshot;

/// The nice value of the thread (Linux; 0 is the default, 19 the lowest priority). Not 19: at
/// that weight a saturated core would give a second's counts seconds to be written, and a
/// crash could then lose more than the second the README promises.
const NICE: i32 = 10;

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
            lower_own_priority();
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

#[cfg(target_os = "linux")]
fn lower_own_priority() {
    // On Linux a nice value belongs to a thread: this changes the calling one only.
    // SAFETY: plain system calls on the calling thread's id, with no pointers.
    let changed = unsafe {
        let thread = libc::gettid();
        libc::setpriority(libc::PRIO_PROCESS, thread as libc::id_t, NICE)
    };
    if changed != 0 {
        tracing::warn!(error = %std::io::Error::last_os_error(), "Could not lower the background thread's priority");
    }
}

#[cfg(not(target_os = "linux"))]
fn lower_own_priority() {}

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
        let thread = BackgroundThread::start("test-nice");
        // SAFETY: reads the calling thread's nice value; no pointers.
        let nice = || unsafe { libc::getpriority(libc::PRIO_PROCESS, libc::gettid() as libc::id_t) };
        assert!(nice() < NICE, "the tests run at the default priority");
        assert_eq!(thread.run(nice).await, Some(NICE));
    }
}
