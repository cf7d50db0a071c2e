//! Runs one update on a copy of the stores, so that two patterns can be compared side by side
//! without touching the lab's own cache and database.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use super::faults::Faults;
use super::lab::Lab;
use super::pattern::Pattern;
use super::trace::Trace;
use crate::catalog::hmset_line;
use crate::db::{Database, MemoryDb, PriceWrite};
use crate::emulator::Emulator;

/// Polls a future that never waits (everything here is in memory) to its end.
fn run_now<F: Future>(future: F) -> Option<F::Output> {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    match future.as_mut().poll(&mut cx) {
        Poll::Ready(value) => Some(value),
        Poll::Pending => None,
    }
}

/// Where a run on copies starts: the pattern and the faults switched on, and what the copies
/// hold (the hash's fields, the rows).
#[derive(Clone, Copy, Debug)]
pub struct Start<'a> {
    pub pattern: Pattern,
    pub faults: Faults,
    pub cache: &'a [(String, String)],
    pub database: &'a [(String, String)],
}

/// `update_price(product, new_price)` from `start`, on copies in memory.
pub fn run_update(start: &Start<'_>, product: &str, new_price: &str) -> Option<Trace> {
    run_update_on(MemoryDb::new(), start, product, new_price)
}

/// [`run_update`] on `db`, an empty database that never waits. The page passes its own
/// database type in its in-memory form, so that the WebAssembly holds one copy of the engine
/// (a second, for `Lab<MemoryDb>`, made it 15 KB larger).
pub fn run_update_on<D: Database>(
    db: D,
    start: &Start<'_>,
    product: &str,
    new_price: &str,
) -> Option<Trace> {
    let lab = lab_on(db, start)?;
    run_now(lab.update_price(product, new_price))
}

/// A recorded Python program's statements ([`Lab::run_recorded`]) from `start`, as
/// [`run_update_on`] runs an update: a shared link to a run of the learner's Python replays so.
pub fn run_recorded_on<D: Database>(
    db: D,
    start: &Start<'_>,
    program: &[crate::engine::program::Statement],
    product: &str,
    new_price: &str,
) -> Option<Trace> {
    let lab = lab_on(db, start)?;
    run_now(lab.run_recorded(program, product, new_price))
}

/// A lab over `db` holding `start`'s rows, with a cache holding its hash.
fn lab_on<D: Database>(db: D, start: &Start<'_>) -> Option<Lab<D>> {
    for (id, price) in start.database {
        run_now(db.put_price(PriceWrite::new(id, price, 0.0, "copy")))?.ok()?;
    }
    let mut redis = Emulator::new(Box::new(|| 0), 1);
    if !start.cache.is_empty() {
        let line = hmset_line(start.cache.iter().map(|(f, v)| (f.as_str(), v.as_str())));
        redis.execute_command(line).ok()?;
    }
    let lab = Lab::new(redis, db, Box::new(|| 0.0));
    run_now(lab.start())?.ok()?;
    lab.set_pattern(start.pattern);
    lab.set_faults(start.faults);
    Some(lab)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Outcome;

    #[test]
    fn two_patterns_on_the_same_scenario() {
        let crash = Faults {
            crash_between: true,
            ..Faults::default()
        };
        let seed = crate::catalog::owned_pairs(&[("product1", "100"), ("product2", "200")]);
        let run = |pattern| {
            let start = Start {
                pattern,
                faults: crash,
                cache: &seed,
                database: &seed,
            };
            run_update(&start, "product1", "150").unwrap()
        };
        let (wt, wb) = (run(Pattern::WriteThrough), run(Pattern::WriteBehind));
        assert_eq!(
            (wt.outcome.clone(), wb.outcome.clone()),
            (Outcome::Crashed, Outcome::Crashed)
        );
        // Database first: the database has it, the cache is stale. Write-behind: only the cache.
        assert_eq!(wt.last().unwrap().database[0].1, "150");
        assert_eq!(wb.last().unwrap().database[0].1, "100");
        assert_eq!(wb.last().unwrap().cache[0].1, "150");
    }
}
