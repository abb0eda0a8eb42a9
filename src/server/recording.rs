//! Recording every partner check's decision, for the dashboard's "read 42 times this week" and
//! the Activity page, without slowing the check down.
//!
//! What a crash can lose, by design: allowed decisions (and denials of what was never granted)
//! are tallied in memory per key and hour and written at least once a second, each second in
//! one transaction, so a crash loses at most the last second of those counts and never counts
//! one twice. A denial of something withdrawn, revoked or expired is committed to its table
//! (group-committed with the other requests waiting) before the partner gets its answer, so a
//! crash loses none of those.

mod counts;
mod recorder;
mod refusals;

pub use counts::FLUSH_EVERY;
pub use recorder::DecisionRecorder;
