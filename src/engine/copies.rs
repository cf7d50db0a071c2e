//! In-memory copies of the lab's two stores, for everything that runs away from the real ones:
//! a race between two writers, a run of the learner's Python (in its worker), a lesson check.
//! One type, so that each of them starts from the same seed and reads the stores the same way.

use std::collections::BTreeMap;

use super::steps::cached_prices;
use crate::catalog::{PRICES_KEY, SEED};
use crate::emulator::Emulator;

/// A Redis and a table, `id → price`, in memory.
pub struct Copies {
    pub redis: Emulator,
    /// The database's rows, `id → price`.
    pub rows: BTreeMap<String, String>,
    /// "Database write fails" is on: every write of a row raises.
    pub database_fails: bool,
}

impl Copies {
    /// Both stores empty; `redis`'s clock and seed as given.
    pub fn empty(redis: Emulator) -> Copies {
        Copies {
            redis,
            rows: BTreeMap::new(),
            database_fails: false,
        }
    }

    /// The lesson's seed catalog in both stores (`product1: 100`, …), on a Redis whose clock
    /// stands at 0 and whose random numbers come from `seed`.
    pub fn seeded(seed: u64) -> Copies {
        let mut copies = Copies::empty(Emulator::new(Box::new(|| 0), seed));
        let mut argv = vec![b"HSET".to_vec(), PRICES_KEY.as_bytes().to_vec()];
        for p in SEED {
            argv.push(p.id.as_bytes().to_vec());
            argv.push(p.price.as_bytes().to_vec());
            copies.rows.insert(p.id.to_owned(), p.price.to_owned());
        }
        copies.redis.run(&argv);
        copies
    }

    /// The hash `product_prices` as `(field, value)` pairs, in the hash's order.
    pub fn cache(&self) -> Vec<(String, String)> {
        cached_prices(&self.redis)
    }

    /// The rows as `(id, price)` pairs, by id.
    pub fn database(&self) -> Vec<(String, String)> {
        self.rows
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }
}
