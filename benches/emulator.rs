//! The emulator's speed against the floor it cannot beat, measured in the same run:
//! `execute_command` on the lesson's `HSET product_prices productN price` lines against a raw
//! `HashMap` insert of the same fields and values.
//!
//! `cargo bench --bench emulator` prints nanoseconds per operation (median of interleaved
//! blocks) and the ratio. Nothing here asserts a time: machines are noisy; ratios travel.

use std::collections::HashMap;
use std::hint::black_box;
use std::time::Instant;

use write_through_lab::emulator::Emulator;

const OPS_PER_BLOCK: usize = 20_000;
const BLOCKS: usize = 31;

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

fn main() {
    // The lesson's data: updates of the three seed products to a spread of prices.
    let updates: Vec<(String, String)> = (0..1_000)
        .map(|i| {
            (
                format!("product{}", i % 3 + 1),
                format!("{}", 100 + i % 400),
            )
        })
        .collect();
    let lines: Vec<String> = updates
        .iter()
        .map(|(p, v)| format!("HSET product_prices {p} {v}"))
        .collect();
    let pairs: Vec<(Vec<u8>, Vec<u8>)> = updates
        .iter()
        .map(|(p, v)| (p.as_bytes().to_vec(), v.as_bytes().to_vec()))
        .collect();

    let mut redis = Emulator::new(Box::new(|| 0), 1);
    redis
        .execute_command("HMSET product_prices product1 100 product2 200 product3 300")
        .ok();
    let mut map: HashMap<Vec<u8>, Vec<u8>> = HashMap::new();

    let mut emulator_ns = Vec::new();
    let mut hashmap_ns = Vec::new();
    let mut hget_ns = Vec::new();
    // Interleave the two so that drift (frequency scaling, the other core) hits both alike.
    for _ in 0..BLOCKS {
        let start = Instant::now();
        for i in 0..OPS_PER_BLOCK {
            let (field, value) = &pairs[i % pairs.len()];
            black_box(map.insert(
                black_box(field.as_slice()).to_vec(),
                black_box(value.as_slice()).to_vec(),
            ));
        }
        hashmap_ns.push(start.elapsed().as_nanos() as f64 / OPS_PER_BLOCK as f64);

        let start = Instant::now();
        for i in 0..OPS_PER_BLOCK {
            black_box(
                redis
                    .execute_command(black_box(lines[i % lines.len()].as_str()))
                    .ok(),
            );
        }
        emulator_ns.push(start.elapsed().as_nanos() as f64 / OPS_PER_BLOCK as f64);

        let start = Instant::now();
        for _ in 0..OPS_PER_BLOCK {
            black_box(
                redis
                    .execute_command(black_box("HGET product_prices product1"))
                    .ok(),
            );
        }
        hget_ns.push(start.elapsed().as_nanos() as f64 / OPS_PER_BLOCK as f64);
    }
    let (e, h, g) = (median(emulator_ns), median(hashmap_ns), median(hget_ns));
    println!("| measurement | ns per operation (median of {BLOCKS} blocks of {OPS_PER_BLOCK}) |");
    println!("|---|---:|");
    println!("| raw HashMap insert of (field, value) | {h:.1} |");
    println!("| execute_command(\"HSET product_prices productN price\") | {e:.1} |");
    println!("| execute_command(\"HGET product_prices product1\") | {g:.1} |");
    println!();
    println!("emulator HSET / HashMap insert = {:.2}x", e / h);
    println!("emulator_hset_usec_per_call={:.4}", e / 1000.0);
}
