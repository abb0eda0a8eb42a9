//! Command-line tools beside the server: demo data, load data, simulated partners, benchmarks.

pub mod bench_events;
pub mod bench_floor;
pub mod bench_ledger;
pub mod demo;
pub mod load_seed;
pub mod partner_receiver;
pub mod scale_out_load;
pub mod simulate;
pub mod verify_receipt;
