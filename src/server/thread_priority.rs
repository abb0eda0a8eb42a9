//! A lower scheduling priority for threads that do bulk work beside the checks: the recorder's
//! background thread, the thread that merges an ended hour, and SQLite's thread for the
//! decision counts' table.
//!
//! At the same priority as a thread serving checks, the kernel gives bulk work whole time slices
//! of that thread's core, and every check queued meanwhile waits them out. At a lower priority a
//! waking check thread preempts it at once; it still gets a share of a busy core, so it never
//! stops.

/// The nice value of such threads (Linux; 0 is the default, 19 the lowest priority). Not 19: at
/// that weight a saturated core would give a second's counts seconds to be written, and a crash
/// could then lose more than the second the README promises.
pub const BULK_WORK_NICE: i32 = 10;

/// Lowers the calling thread's priority to `BULK_WORK_NICE`; returns its nice value afterwards.
#[cfg(target_os = "linux")]
pub fn lower_calling_thread() -> i32 {
    // On Linux a nice value belongs to a thread: this changes the calling one only.
    // SAFETY: plain system calls on the calling thread's id, with no pointers.
    let changed = unsafe {
        let thread = libc::gettid();
        libc::setpriority(libc::PRIO_PROCESS, thread as libc::id_t, BULK_WORK_NICE)
    };
    if changed != 0 {
        tracing::warn!(error = %std::io::Error::last_os_error(), "Could not lower a bulk work thread's priority");
    }
    nice_of_calling_thread()
}

/// The calling thread's nice value.
#[cfg(target_os = "linux")]
pub fn nice_of_calling_thread() -> i32 {
    // SAFETY: reads the calling thread's nice value; no pointers.
    unsafe { libc::getpriority(libc::PRIO_PROCESS, libc::gettid() as libc::id_t) }
}

#[cfg(not(target_os = "linux"))]
pub fn lower_calling_thread() -> i32 {
    0
}

#[cfg(not(target_os = "linux"))]
pub fn nice_of_calling_thread() -> i32 {
    0
}
