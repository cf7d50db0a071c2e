//! The emulator's speed against the floor it cannot beat, measured in the same run:
//! `execute_command` on the lesson's `HSET product_prices productN price` lines against a raw
//! `HashMap` insert of the same fields and values.
//!
//! `cargo bench --bench emulator` prints nanoseconds per operation (median of interleaved
//! blocks) and the ratio. Nothing here asserts a time: machines are noisy; ratios travel.

#[cfg(not(target_arch = "wasm32"))]
use std::time::Instant;

#[cfg(not(target_arch = "wasm32"))]
use write_through_lab::bench_workload::{median, Workload};

#[cfg(not(target_arch = "wasm32"))]
const OPS_PER_BLOCK: usize = 20_000;
#[cfg(not(target_arch = "wasm32"))]
const BLOCKS: usize = 31;

/// The page runs the same workload as `lab.bench_emulator` (`make bench`); this file is the host's.
#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    let started = Instant::now();
    let timings = Workload::default().run(BLOCKS, OPS_PER_BLOCK, || {
        started.elapsed().as_nanos() as f64 / 1e6
    });
    let (e, h, g) = (
        median(timings.emulator_hset_ns),
        median(timings.hashmap_insert_ns),
        median(timings.emulator_hget_ns),
    );
    println!("| measurement | ns per operation (median of {BLOCKS} blocks of {OPS_PER_BLOCK}) |");
    println!("|---|---:|");
    println!("| raw HashMap insert of (field, value) | {h:.1} |");
    println!("| execute_command(\"HSET product_prices productN price\") | {e:.1} |");
    println!("| execute_command(\"HGET product_prices product1\") | {g:.1} |");
    println!();
    println!("emulator HSET / HashMap insert = {:.2}x", e / h);
    println!("emulator_hset_usec_per_call={:.4}", e / 1000.0);
}
