//! The emulator benchmark's workload, shared by the host benchmark (`benches/emulator.rs`) and
//! the page's `lab.bench_emulator` (WebAssembly): the lesson's `HSET product_prices productN
//! price` lines against a raw `HashMap` insert of the same fields and values, interleaved in
//! blocks so that drift (frequency scaling, the other core) hits both alike.
//!
//! Only benchmarks use it: the page's release bundle is built without it (the `bench-hooks`
//! feature, which `make bench` turns on).

use std::collections::HashMap;
use std::hint::black_box;

use crate::emulator::Emulator;

/// The lesson's data: updates of the three seed products to a spread of prices.
pub struct Workload {
    /// `(field, value)` as bytes, for the `HashMap` floor.
    pub pairs: Vec<(Vec<u8>, Vec<u8>)>,
    /// The same updates as command lines.
    pub lines: Vec<String>,
}

impl Default for Workload {
    fn default() -> Self {
        let updates: Vec<(String, String)> = (0..1_000)
            .map(|i| {
                (
                    format!("product{}", i % 3 + 1),
                    format!("{}", 100 + i % 400),
                )
            })
            .collect();
        Workload {
            lines: updates
                .iter()
                .map(|(p, v)| format!("HSET product_prices {p} {v}"))
                .collect(),
            pairs: updates
                .into_iter()
                .map(|(p, v)| (p.into_bytes(), v.into_bytes()))
                .collect(),
        }
    }
}

/// Nanoseconds per operation, one figure per block.
#[derive(Debug, Default)]
pub struct Timings {
    pub emulator_hset_ns: Vec<f64>,
    pub hashmap_insert_ns: Vec<f64>,
    pub emulator_hget_ns: Vec<f64>,
}

impl Workload {
    /// An emulator holding the seed hash, as the lesson starts.
    pub fn emulator() -> Emulator {
        let mut redis = Emulator::new(Box::new(|| 0), 1);
        let _ =
            redis.execute_command("HMSET product_prices product1 100 product2 200 product3 300");
        redis
    }

    /// Runs `blocks` interleaved blocks of `ops` operations each; `now_ms` is the clock
    /// (`Instant` on the host, `performance.now()` in the page).
    pub fn run(&self, blocks: usize, ops: usize, now_ms: impl Fn() -> f64) -> Timings {
        let mut redis = Workload::emulator();
        let mut map: HashMap<Vec<u8>, Vec<u8>> = HashMap::new();
        let mut timings = Timings::default();
        let per_op = |started: f64| (now_ms() - started) * 1e6 / ops as f64;
        for _ in 0..blocks {
            let started = now_ms();
            for i in 0..ops {
                let (field, value) = &self.pairs[i % self.pairs.len()];
                black_box(map.insert(
                    black_box(field.as_slice()).to_vec(),
                    black_box(value.as_slice()).to_vec(),
                ));
            }
            timings.hashmap_insert_ns.push(per_op(started));

            let started = now_ms();
            for i in 0..ops {
                let line = self.lines[i % self.lines.len()].as_str();
                let _ = black_box(redis.execute_command(black_box(line)));
            }
            timings.emulator_hset_ns.push(per_op(started));

            let started = now_ms();
            for _ in 0..ops {
                let _ = black_box(redis.execute_command(black_box("HGET product_prices product1")));
            }
            timings.emulator_hget_ns.push(per_op(started));
        }
        timings
    }
}

/// The median of `xs` (NaN for none).
pub fn median(mut xs: Vec<f64>) -> f64 {
    if xs.is_empty() {
        return f64::NAN;
    }
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_workload_updates_the_seed_products_and_the_emulator_accepts_every_line() {
        let workload = Workload::default();
        assert_eq!(workload.lines.len(), 1_000);
        assert_eq!(workload.lines[0], "HSET product_prices product1 100");
        let mut redis = Workload::emulator();
        for line in &workload.lines {
            assert!(!redis.execute_command(line).unwrap().is_error(), "{line}");
        }
        let fake_clock = std::cell::Cell::new(0.0);
        let timings = workload.run(3, 10, || {
            fake_clock.set(fake_clock.get() + 1.0);
            fake_clock.get()
        });
        assert_eq!(timings.emulator_hset_ns.len(), 3);
        assert_eq!(median(vec![3.0, 1.0, 2.0]), 2.0);
        assert!(median(Vec::new()).is_nan());
    }
}
