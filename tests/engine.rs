//! The write-through engine on the host: golden traces for every pattern × fault point, and a
//! seeded property test over random sequences of updates and faults.
#![cfg(not(target_arch = "wasm32"))]

#[path = "support/block_on.rs"]
mod block_on;

use std::fmt::Write as _;
use std::path::Path;

use block_on::block_on;
use write_through_lab::db::{Database, MemoryDb};
use write_through_lab::emulator::rng::Rng;
use write_through_lab::emulator::Emulator;
use write_through_lab::engine::trace::{Consistency, OperationKind};
use write_through_lab::engine::{Faults, Lab, Outcome, Pattern, StepKind, Trace};

/// A lab on the seed catalog, with a clock that ticks one millisecond per call.
fn lab(pattern: Pattern) -> Lab<MemoryDb> {
    let tick = std::cell::Cell::new(1_700_000_000_000.0);
    let lab = Lab::new(
        Emulator::new(Box::new(|| 1_700_000_000_000), 1),
        MemoryDb::new(),
        Box::new(move || {
            tick.set(tick.get() + 1.0);
            tick.get()
        }),
    );
    block_on(lab.stores().db().inner().reset(0.0)).unwrap();
    block_on(lab.start()).unwrap();
    lab.set_pattern(pattern);
    lab
}

fn render_pairs(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A trace as text: one block per step, so that a change shows up as a readable diff.
fn render(trace: &Trace) -> String {
    let mut out = format!(
        "{:?} {:?} product={:?} new_price={:?} -> {:?}\n",
        trace.operation, trace.pattern, trace.product, trace.new_price, trace.outcome
    );
    for s in &trace.steps {
        let writer = match s.writer {
            Some(w) => format!(" [{}]", w.label()),
            None => String::new(),
        };
        writeln!(
            out,
            "{}. {:?} by {:?}{writer} {}",
            s.index,
            s.kind,
            s.actor,
            if s.ok { "ok" } else { "FAILED" }
        )
        .unwrap();
        writeln!(out, "   action: {}", s.action).unwrap();
        if !s.result.is_empty() {
            writeln!(out, "   result: {}", s.result).unwrap();
        }
        writeln!(
            out,
            "   code: python {} / rust {}",
            s.code.python, s.code.rust
        )
        .unwrap();
        writeln!(out, "   says: {}", s.narration).unwrap();
        writeln!(out, "   cache: {}", render_pairs(&s.cache)).unwrap();
        writeln!(out, "   database: {}", render_pairs(&s.database)).unwrap();
        if !s.queue.is_empty() {
            writeln!(out, "   queue: {}", render_pairs(&s.queue)).unwrap();
        }
        for c in &s.changes {
            writeln!(
                out,
                "   changed {:?} {}: {:?} -> {:?}",
                c.store, c.key, c.before, c.after
            )
            .unwrap();
        }
        if s.consistency.in_step {
            writeln!(out, "   stores: in step").unwrap();
        } else {
            let d: Vec<String> = s
                .consistency
                .diverged
                .iter()
                .map(|d| {
                    format!(
                        "{} cache={} database={}",
                        d.product,
                        d.cache,
                        d.database.as_deref().unwrap_or("-")
                    )
                })
                .collect();
            writeln!(out, "   stores: DIVERGED {}", d.join(", ")).unwrap();
        }
    }
    out
}

/// Compares `text` with `tests/golden/<name>.txt`; `UPDATE_GOLDEN=1` rewrites the file.
fn golden(name: &str, text: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(format!("{name}.txt"));
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, text).expect("write golden");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "missing {}: run with UPDATE_GOLDEN=1 and review it",
            path.display()
        )
    });
    assert!(
        expected == text,
        "trace {name} differs from {}:\n{text}",
        path.display()
    );
}

fn with_faults(lab: &Lab<MemoryDb>, fault: &str) {
    let mut faults = Faults::default();
    match fault {
        "no_fault" => {}
        "database_write_fails" => faults.database_write = true,
        "cache_write_fails" => faults.cache_write = true,
        "crash_between" => faults.crash_between = true,
        other => panic!("{other}"),
    }
    lab.set_faults(faults);
}

/// The fault settings every pattern is run under.
const FAULTS: [&str; 4] = [
    "no_fault",
    "database_write_fails",
    "cache_write_fails",
    "crash_between",
];

#[test]
fn golden_traces_for_every_pattern_and_fault() {
    for pattern in Pattern::ALL {
        for fault in FAULTS {
            let lab = lab(pattern);
            with_faults(&lab, fault);
            let mut text = render(&block_on(lab.update_price("product1", "150")));
            if lab.is_crashed() {
                lab.set_faults(Faults::default());
                text.push('\n');
                text.push_str(&render(&block_on(lab.restart())));
            }
            golden(&format!("{}__{fault}", pattern.id()), &text);
        }
    }
}

#[test]
fn golden_traces_for_rejections() {
    let lab = lab(Pattern::WriteThrough);
    let mut text = String::new();
    for (product, price) in [
        ("", "150"),
        ("product9", "150"),
        ("product1", "-5"),
        ("product1", "1e3"),
        ("product1", "12345678901234"),
    ] {
        text.push_str(&render(&block_on(lab.update_price(product, price))));
    }
    golden("rejections", &text);
}

#[test]
fn golden_traces_for_write_behind_flushing_and_retrying() {
    let lab = lab(Pattern::WriteBehind);
    let mut text = String::new();
    for (product, price) in [
        ("product1", "150"),
        ("product1", "175"),
        ("product2", "250"),
    ] {
        text.push_str(&render(&block_on(lab.update_price(product, price))));
    }
    lab.set_faults(Faults {
        database_write: true,
        ..Faults::default()
    });
    text.push_str(&render(&block_on(lab.update_price("product3", "350"))));
    lab.set_faults(Faults::default());
    text.push_str(&render(&block_on(lab.flush())));
    golden("write_behind__coalesce_flush_retry", &text);
}

#[test]
fn rejected_input_changes_neither_store() {
    let lab = lab(Pattern::WriteThrough);
    let (cache, db) = (lab.stores().cache(), lab.stores().database());
    for (product, price) in [
        ("", "1"),
        ("nope", "1"),
        ("product1", ""),
        ("product1", "abc"),
        ("product1", "-1"),
        ("product1", "007"),
    ] {
        let trace = block_on(lab.update_price(product, price));
        assert!(
            matches!(trace.outcome, Outcome::Rejected(_)),
            "{product} {price}"
        );
        assert_eq!(trace.kinds(), [StepKind::Reject]);
    }
    assert_eq!((lab.stores().cache(), lab.stores().database()), (cache, db));
}

#[test]
fn names_that_need_quoting_split_back_exactly() {
    let lab = lab(Pattern::WriteThrough);
    block_on(lab.edit_database("café \"crème\"", "3")).unwrap();
    let trace = block_on(lab.update_price("café \"crème\"", "4.5"));
    assert_eq!(trace.outcome, Outcome::Completed);
    let build = trace
        .steps
        .iter()
        .find(|s| s.kind == StepKind::BuildCommand)
        .unwrap();
    assert_eq!(
        build.result,
        r#"HSET product_prices "caf\xc3\xa9 \"cr\xc3\xa8me\"" 4.5"#
    );
    assert!(lab
        .stores()
        .cache()
        .contains(&("café \"crème\"".to_owned(), "4.5".to_owned())));
}

#[test]
fn every_step_is_a_complete_snapshot_that_matches_the_step_before() {
    let lab = lab(Pattern::WriteThroughCacheFirst);
    lab.set_faults(Faults {
        database_write: true,
        ..Faults::default()
    });
    let trace = block_on(lab.update_price("product2", "250"));
    for pair in trace.steps.windows(2) {
        // Each step's changes are exactly the difference from the previous snapshot.
        let expected = write_through_lab::engine::trace::diff(
            write_through_lab::engine::trace::Store::Cache,
            &pair[0].cache,
            &pair[1].cache,
        );
        let cache_changes: Vec<_> = pair[1]
            .changes
            .iter()
            .filter(|c| c.store == write_through_lab::engine::trace::Store::Cache)
            .cloned()
            .collect();
        assert_eq!(cache_changes, expected);
        assert_eq!(
            pair[1].consistency,
            Consistency::of(&pair[1].cache, &pair[1].database)
        );
    }
    assert!(trace.steps.iter().enumerate().all(|(i, s)| s.index == i));
}

/// What the stores really hold, read from the emulator and the database themselves.
fn actual(lab: &Lab<MemoryDb>) -> Consistency {
    let rows = block_on(lab.stores().db().inner().all()).unwrap();
    let db: Vec<(String, String)> = rows.into_iter().map(|r| (r.id, r.price)).collect();
    Consistency::of(&lab.stores().cache(), &db)
}

/// 10,000 seeded random sequences of updates and injected faults: under write-through (both
/// orders) the stores agree after every operation that completed, failed or was rejected (a
/// crash is followed by a restart, after which they agree); under every pattern, the trace's
/// last step reports exactly the divergence the stores really have.
#[test]
fn property_write_through_keeps_the_stores_in_step_and_traces_tell_the_truth() {
    let sequences: usize = std::env::var("WTL_PROPERTY_SEQUENCES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000);
    let mut rng = Rng::seeded(20_261_126);
    let products = ["product1", "product2", "product3", "product9", ""];
    let prices = ["150", "0", "19.99", "300", "-1", "abc", "1000000"];
    let mut checked = 0u64;
    for sequence in 0..sequences {
        let pattern = Pattern::ALL[rng.below(4)];
        let lab = lab(pattern);
        for op in 0..8 {
            let faults = Faults {
                database_write: rng.below(5) == 0,
                cache_write: rng.below(5) == 0,
                crash_between: rng.below(8) == 0,
            };
            lab.set_faults(faults);
            let trace = match rng.below(10) {
                0 if pattern == Pattern::WriteBehind => block_on(lab.flush()),
                1 => block_on(lab.restart()),
                _ => block_on(lab.update_price(
                    products[rng.below(products.len())],
                    prices[rng.below(prices.len())],
                )),
            };
            let context = format!(
                "sequence {sequence} op {op} {pattern:?} {faults:?}\n{}",
                render(&trace)
            );
            let last = trace.last().expect("every trace has a step");
            assert_eq!(
                last.consistency,
                actual(&lab),
                "the trace must report the real divergence: {context}"
            );
            let write_through = matches!(
                pattern,
                Pattern::WriteThrough | Pattern::WriteThroughCacheFirst
            );
            if trace.outcome == Outcome::Crashed {
                lab.set_faults(Faults::default());
                let recovery = block_on(lab.restart());
                assert_eq!(recovery.operation, OperationKind::Recovery);
                assert!(
                    actual(&lab).in_step,
                    "recovery brings the stores in step: {context}\n{}",
                    render(&recovery)
                );
            } else if write_through {
                assert!(
                    actual(&lab).in_step,
                    "write-through keeps the stores in step: {context}"
                );
            }
            checked += 1;
        }
    }
    assert_eq!(checked, sequences as u64 * 8);
}

/// Two `update_price` calls in flight at once: the first one's database write is held; the
/// second waits for it instead of overtaking, so the last call's price wins in both stores.
#[test]
fn updates_in_flight_run_in_call_order_and_keep_the_stores_in_step() {
    use std::future::Future;
    use std::pin::pin;
    use std::task::{Context, Poll, Waker};
    use write_through_lab::db::{Fault, Operation};

    let lab = lab(Pattern::WriteThrough);
    lab.stores().db().set(Operation::PutPrice, Fault::Hang);
    let mut cx = Context::from_waker(Waker::noop());
    let mut first = pin!(lab.update_price("product1", "150"));
    let mut second = pin!(lab.update_price("product1", "175"));
    assert!(
        first.as_mut().poll(&mut cx).is_pending(),
        "the first write is held"
    );
    assert!(
        second.as_mut().poll(&mut cx).is_pending(),
        "the second waits for the first"
    );
    lab.stores().db().release();
    // Even polled first, the second call cannot overtake: the first still holds the lock.
    assert!(
        second.as_mut().poll(&mut cx).is_pending(),
        "the second call may not overtake the first"
    );
    let Poll::Ready(a) = first.as_mut().poll(&mut cx) else {
        panic!("first should finish")
    };
    let Poll::Ready(b) = second.as_mut().poll(&mut cx) else {
        panic!("second should finish")
    };
    assert_eq!(
        (a.outcome, b.outcome),
        (Outcome::Completed, Outcome::Completed)
    );
    assert_eq!(
        lab.stores().cache()[0],
        ("product1".to_owned(), "175".to_owned())
    );
    assert_eq!(
        lab.stores().database()[0],
        ("product1".to_owned(), "175".to_owned())
    );
    assert!(actual(&lab).in_step);
}

#[test]
fn a_call_given_up_while_waiting_does_not_block_the_next() {
    use std::future::Future;
    use std::pin::pin;
    use std::task::{Context, Waker};
    use write_through_lab::db::{Fault, Operation};

    let lab = lab(Pattern::WriteThrough);
    lab.stores().db().set(Operation::PutPrice, Fault::Hang);
    let mut cx = Context::from_waker(Waker::noop());
    let mut first = Box::pin(lab.update_price("product1", "150"));
    assert!(first.as_mut().poll(&mut cx).is_pending());
    {
        // A second caller joins the line, then gives up.
        let mut quitter = pin!(lab.update_price("product2", "250"));
        assert!(quitter.as_mut().poll(&mut cx).is_pending());
    }
    let mut third = pin!(lab.update_price("product3", "350"));
    assert!(third.as_mut().poll(&mut cx).is_pending());
    lab.stores().db().release();
    assert!(first.as_mut().poll(&mut cx).is_ready());
    assert!(
        third.as_mut().poll(&mut cx).is_ready(),
        "the abandoned ticket was skipped"
    );
    assert_eq!(
        lab.stores().database()[1].1,
        "200",
        "the abandoned update never ran"
    );
    drop(first);
    // And a call dropped while it holds the lock releases it too.
    assert_eq!(
        block_on(lab.update_price("product2", "260")).outcome,
        Outcome::Completed
    );
}

/// A catalog of 100,000 products in both stores: an update's trace holds one table per change
/// (steps that left a store alone share its table), lists only what changed, and the stores
/// agree; a write made outside the lab between operations shows in the next trace.
#[test]
fn a_100k_catalog_updates_with_shared_tables_and_exact_changes() {
    use std::rc::Rc;
    use write_through_lab::catalog::MAX_CATALOG;
    let lab = lab(Pattern::WriteThrough);
    block_on(lab.seed_catalog(MAX_CATALOG)).unwrap();
    assert_eq!(lab.stores().product_count(), MAX_CATALOG);
    assert_eq!(lab.stores().cache().len(), MAX_CATALOG);
    assert!(lab.stores().consistency().in_step);
    assert_eq!(
        block_on(lab.stores().db().inner().get("product99999"))
            .unwrap()
            .map(|r| r.price),
        lab.stores().cache().last().map(|(_, p)| p.clone())
    );

    // Behind the lab's back, as the console would.
    assert_eq!(
        block_on(lab.execute_command("HSET product_prices product7 999")),
        Ok(write_through_lab::emulator::Reply::Integer(0))
    );
    let trace = block_on(lab.update_price("product54321", "150"));
    assert_eq!(trace.outcome, Outcome::Completed);
    let first = &trace.steps[0];
    assert!(first
        .cache
        .contains(&("product7".to_owned(), "999".to_owned())));
    assert!(!first.consistency.in_step);
    let changes: Vec<_> = trace.steps.iter().flat_map(|s| s.changes.iter()).collect();
    assert_eq!(changes.len(), 2, "{changes:?}");
    let before = write_through_lab::catalog::generated(MAX_CATALOG)
        .nth(54321)
        .map(|(_, p)| p);
    assert!(changes.iter().all(|c| c.key == "product54321"
        && c.before == before
        && c.after.as_deref() == Some("150")));
    let distinct =
        |table: fn(&write_through_lab::engine::Step) -> &write_through_lab::engine::Table| {
            trace
                .steps
                .windows(2)
                .filter(|w| !Rc::ptr_eq(table(&w[0]), table(&w[1])))
                .count()
        };
    assert_eq!(distinct(|s| &s.cache), 1);
    assert_eq!(distinct(|s| &s.database), 1);
    let last = trace.last().unwrap();
    assert_eq!(last.consistency.diverged.len(), 1);
    assert_eq!(last.consistency.diverged[0].product, "product7");

    block_on(lab.reset()).unwrap();
    assert_eq!(lab.stores().product_count(), 3);
    assert_eq!(lab.stores().cache().len(), 3);
}

/// A catalog that cannot be written leaves the one that was there, in both stores.
#[test]
fn a_failed_seeding_keeps_the_catalog_that_was_there() {
    use write_through_lab::db::{Fault, Operation};
    let lab = lab(Pattern::WriteBehind);
    block_on(lab.seed_catalog(10)).unwrap();
    // A write-behind write is waiting: the cache has it, the database not yet.
    block_on(lab.update_price("product1", "150"));
    assert_eq!(lab.queue(), [("product1".to_owned(), "150".to_owned())]);
    lab.stores()
        .db()
        .set(Operation::ReplaceAll, Fault::FailAlways);
    let failed = block_on(lab.seed_catalog(100));
    assert!(failed.is_err());
    assert_eq!(lab.stores().product_count(), 10);
    assert_eq!(lab.stores().cache().len(), 10);
    assert!(lab
        .stores()
        .cache()
        .contains(&("product1".to_owned(), "150".to_owned())));
    assert_eq!(lab.queue().len(), 1, "the waiting write is still waiting");
    assert_eq!(block_on(lab.stores().db().inner().all()).unwrap().len(), 10);
    let flushed = block_on(lab.flush());
    assert!(flushed.ends_in_step());
    lab.set_pattern(Pattern::WriteThrough);
    let trace = block_on(lab.update_price("product9", "999"));
    assert_eq!(trace.outcome, Outcome::Completed);
    assert!(lab.stores().consistency().in_step);
}

/// The listing a trace's steps point into.
fn listing_of(trace: &Trace) -> write_through_lab::engine::listing::Listing {
    match trace.operation {
        OperationKind::Recovery | OperationKind::RemoveStrays => {
            write_through_lab::engine::recovery::LISTING
        }
        OperationKind::Read => write_through_lab::engine::read::LISTING,
        _ => write_through_lab::engine::patterns::listing(trace.pattern),
    }
}

/// What the line a step of `kind` runs must say, in Python and in Rust (any of the words);
/// `None`: the step runs no line.
fn words_for(
    kind: StepKind,
    trace_reads: bool,
) -> Option<(&'static [&'static str], &'static [&'static str])> {
    Some(match kind {
        StepKind::Validate | StepKind::Reject => (&["check("], &["check("]),
        StepKind::BuildCommand => (&["redis_command = "], &["let redis_command = "]),
        StepKind::CacheRead => (&["HGET "], &["HGET "]),
        StepKind::CacheWrite | StepKind::CacheRetry => (
            &["execute_command(redis_command)", "execute_command(f\"HSET"],
            &["execute_command(&redis_command)", "HSET"],
        ),
        StepKind::DatabaseWrite | StepKind::Flush => (
            &["database[product] = ", "flush()"],
            &["put_price(", "flush()"],
        ),
        StepKind::CacheInvalidate => (&["HDEL", "reconcile("], &["HDEL", "reconcile("]),
        StepKind::CacheRestore => (&["restore("], &["restore("]),
        StepKind::Enqueue => (&["queue[product] = "], &["queue.insert("]),
        StepKind::Detect => (&["HGETALL"], &["HGETALL"]),
        StepKind::Reconcile => (&["reconcile("], &["reconcile("]),
        // A crash stops before the line it names, which may be any line; checked below.
        StepKind::Crash => return None,
        StepKind::DatabaseRead if trace_reads => (&["database[product]"], &["get_price("]),
        StepKind::Done
        | StepKind::Wait
        | StepKind::DatabaseRead
        | StepKind::Raise
        | StepKind::OtherTab
        | StepKind::Folded => return None,
    })
}

fn assert_lines_say_what_steps_do(trace: &Trace, context: &str) {
    let listing = listing_of(trace);
    for step in &trace.steps {
        let (python, rust) = (
            listing.python_line(step.code.python),
            listing.rust_line(step.code.rust),
        );
        let Some((py_words, rs_words)) =
            words_for(step.kind, trace.operation == OperationKind::Read)
        else {
            if step.kind == StepKind::Crash {
                assert!(
                    python.is_some() && rust.is_some(),
                    "{context}: a crash names no line"
                );
            }
            continue;
        };
        if step.kind == StepKind::CacheWrite
            && trace.operation == OperationKind::Race
            && step.code.python == 0
        {
            // Cache-aside's reader: its code is not in the writer's listing.
            continue;
        }
        let says = |line: Option<&str>, words: &[&str]| {
            line.is_some_and(|l| words.iter().any(|w| l.contains(w)))
        };
        assert!(
            says(python, py_words) && says(rust, rs_words),
            "{context}: step {} ({:?}) points at python {} {python:?} and rust {} {rust:?}",
            step.index,
            step.kind,
            step.code.python,
            step.code.rust,
        );
    }
}

#[test]
fn every_step_points_at_a_line_that_says_what_it_does() {
    for pattern in Pattern::ALL {
        for fault in FAULTS {
            let lab = lab(pattern);
            with_faults(&lab, fault);
            let context = format!("{pattern:?} {fault}");
            assert_lines_say_what_steps_do(
                &block_on(lab.update_price("product1", "150")),
                &context,
            );
            assert_lines_say_what_steps_do(
                &block_on(lab.update_price("product9", "150")),
                &context,
            );
            lab.set_faults(Faults::default());
            assert_lines_say_what_steps_do(&block_on(lab.restart()), &context);
        }
        for ordered in [false, true] {
            use write_through_lab::engine::race::{race, RaceSetup, STALE_INTERLEAVING};
            let setup = RaceSetup {
                pattern,
                per_key_ordering: ordered,
                a_price: "150".into(),
                b_price: "175".into(),
            };
            assert_lines_say_what_steps_do(
                &race(&setup, &STALE_INTERLEAVING),
                &format!("race {pattern:?}"),
            );
        }
    }
    let behind = lab(Pattern::WriteBehind);
    for price in ["1", "2", "3", "4"] {
        block_on(behind.update_price("product2", price));
        block_on(behind.update_price("product3", price));
    }
    assert_lines_say_what_steps_do(&block_on(behind.flush()), "flush");
    let stale_lab = lab(Pattern::WriteThrough);
    block_on(stale_lab.edit_database("product2", "999")).unwrap();
    assert_lines_say_what_steps_do(&block_on(stale_lab.restart()), "recovery");
    block_on(stale_lab.execute_command("HDEL product_prices product1")).unwrap();
    for product in ["product1", "product1", "product9"] {
        assert_lines_say_what_steps_do(&block_on(stale_lab.read_price(product)), "get_price");
    }
    block_on(stale_lab.execute_command("HSET product_prices {product} 5")).unwrap();
    assert_lines_say_what_steps_do(&block_on(stale_lab.remove_stray_fields()), "strays");
}

#[test]
fn a_read_that_misses_fills_the_cache_from_the_database_and_the_next_one_hits() {
    let lab = lab(Pattern::CacheAside);
    block_on(lab.update_price("product1", "150"));
    assert!(
        !lab.stores().cache().iter().any(|(k, _)| k == "product1"),
        "cache-aside deleted it"
    );
    let miss = block_on(lab.read_price("product1"));
    assert_eq!(miss.title(), "get_price(\"product1\")");
    assert_eq!(
        miss.kinds(),
        [
            StepKind::CacheRead,
            StepKind::DatabaseRead,
            StepKind::CacheWrite,
            StepKind::Done
        ]
    );
    assert_eq!(miss.steps[0].result, "(nil)");
    assert_eq!(miss.steps[1].result, "150");
    assert!(miss.ends_in_step());
    assert!(lab
        .stores()
        .cache()
        .contains(&("product1".to_owned(), "150".to_owned())));
    let hit = block_on(lab.read_price("product1"));
    assert_eq!(hit.kinds(), [StepKind::CacheRead, StepKind::Done]);
    assert!(hit.steps[1]
        .narration
        .contains("returns 150, from the cache"));
    // A full cache refuses the fill: the read still answers from the database.
    block_on(lab.execute_command("HDEL product_prices product2")).unwrap();
    lab.set_faults(Faults {
        cache_write: true,
        ..Faults::default()
    });
    let refused = block_on(lab.read_price("product2"));
    assert!(!refused.steps[2].ok);
    assert!(refused.steps[3]
        .narration
        .contains("returns 200 from the database"));
    // No such product: nothing to cache.
    lab.set_faults(Faults::default());
    let none = block_on(lab.read_price("product9"));
    assert_eq!(
        none.kinds(),
        [StepKind::CacheRead, StepKind::DatabaseRead, StepKind::Done]
    );
    assert!(!lab.stores().cache().iter().any(|(k, _)| k == "product9"));
}

#[test]
fn stray_fields_are_removed_and_only_they() {
    let lab = lab(Pattern::WriteThrough);
    block_on(lab.execute_command("HSET product_prices {product} 150 product1 999")).unwrap();
    let trace = block_on(lab.remove_stray_fields());
    assert_eq!(trace.title(), "removing stray fields");
    assert_eq!(trace.kinds(), [StepKind::CacheInvalidate, StepKind::Done]);
    assert_eq!(trace.steps[0].action, "HDEL product_prices {product}");
    let cache = lab.stores().cache();
    assert!(!cache.iter().any(|(k, _)| k == "{product}"));
    assert!(
        cache.contains(&("product1".to_owned(), "999".to_owned())),
        "a stale price is not a stray"
    );
}

#[test]
fn a_trace_names_its_operation_outcome_and_database_writes() {
    let lab = lab(Pattern::WriteThrough);
    let trace = block_on(lab.update_price("product1", "150"));
    assert_eq!(trace.title(), "update_price(\"product1\", \"150\")");
    assert_eq!(trace.outcome.to_string(), "completed");
    assert_eq!(trace.database_writes(), ["product1"]);

    lab.set_faults(Faults {
        database_write: true,
        ..Faults::default()
    });
    let failed = block_on(lab.update_price("product2", "250"));
    assert!(
        failed.database_writes().is_empty(),
        "a failed write wrote nothing"
    );
    assert!(failed.outcome.to_string().starts_with("failed: "));
    let rejected = block_on(lab.update_price("product9", "1"));
    assert_eq!(
        rejected.outcome.to_string(),
        "rejected: There is no product called \"product9\" in the database."
    );

    let behind = self::lab(Pattern::WriteBehind);
    for (product, price) in [("product1", "1"), ("product2", "2"), ("product1", "3")] {
        block_on(behind.update_price(product, price));
    }
    let flush = block_on(behind.flush());
    assert_eq!(flush.title(), "write-behind flush");
    assert_eq!(flush.database_writes(), ["product1", "product2"]);
    assert_eq!(block_on(behind.restart()).title(), "restart and recovery");
}

mod diagram {
    use super::*;
    use write_through_lab::engine::diagram::{Diagram, Lifeline};
    use write_through_lab::engine::race::{race, RaceSetup, STALE_INTERLEAVING};
    use write_through_lab::engine::Writer;

    #[test]
    fn every_step_is_one_arrow_and_every_fault_a_failure_or_a_crash() {
        for pattern in Pattern::ALL {
            for fault in FAULTS {
                let lab = lab(pattern);
                with_faults(&lab, fault);
                let trace = block_on(lab.update_price("product1", "150"));
                let diagram = Diagram::of(&trace);
                let steps: Vec<usize> = diagram.arrows.iter().map(|a| a.step).collect();
                assert_eq!(
                    steps,
                    (0..trace.steps.len()).collect::<Vec<_>>(),
                    "{pattern:?} {fault}"
                );
                let failed = diagram.arrows.iter().filter(|a| !a.ok).count();
                match fault {
                    "no_fault" => assert_eq!(failed, 0, "{pattern:?}"),
                    "crash_between" => {
                        assert_eq!(
                            diagram.crash_step(),
                            Some(trace.steps.len() - 1),
                            "{pattern:?}"
                        )
                    }
                    // Redis at maxmemory still deletes: cache-aside's HDEL succeeds.
                    "cache_write_fails" if pattern == Pattern::CacheAside => assert_eq!(failed, 0),
                    // Write-behind's update only queues the database write.
                    "database_write_fails" if pattern == Pattern::WriteBehind => {
                        assert_eq!(failed, 0)
                    }
                    _ => assert!(failed >= 1, "{pattern:?} {fault}: no failure drawn"),
                }
                assert_eq!(
                    diagram.lifelines.contains(&Lifeline::Queue),
                    pattern == Pattern::WriteBehind
                );
            }
        }
    }

    #[test]
    fn messages_go_from_the_application_to_the_store_they_write_and_replies_come_back() {
        let lab = lab(Pattern::WriteThrough);
        let diagram = Diagram::of(&block_on(lab.update_price("product1", "150")));
        let route: Vec<(Lifeline, Lifeline)> =
            diagram.arrows.iter().map(|a| (a.from, a.to)).collect();
        use Lifeline::{Application as App, Cache, Database};
        assert_eq!(
            route,
            [
                (App, App),
                (App, Database),
                (App, App),
                (App, Cache),
                (App, App)
            ]
        );
        assert_eq!(
            diagram.arrows[1].reply.as_deref(),
            Some("committed (revision 2)")
        );
        assert_eq!(diagram.arrows[3].label, "HSET product_prices product1 150");
        assert_eq!(diagram.arrows[3].reply.as_deref(), Some("(integer) 0"));
        assert_eq!(
            diagram.arrows[3].description,
            "Step 4: Application sends HSET product_prices product1 150 to Redis cache; Redis cache answers (integer) 0"
        );
    }

    #[test]
    fn write_through_disagrees_briefly_between_its_writes_and_a_crash_for_good() {
        let lab = lab(Pattern::WriteThrough);
        let trace = block_on(lab.update_price("product1", "150"));
        let diagram = Diagram::of(&trace);
        assert_eq!(diagram.windows.len(), 1);
        let w = &diagram.windows[0];
        assert_eq!((w.from, w.to, w.lasting, w.expected), (1, 2, false, true));
        assert_eq!(
            w.label,
            "The stores disagree after steps 2–3: expected between the two writes, and brief; step 4 brings them back in step."
        );
        assert_eq!(diagram.window_at(2), Some(w));
        assert_eq!(diagram.window_at(3), None);

        lab.set_faults(Faults {
            crash_between: true,
            ..Faults::default()
        });
        let crashed = Diagram::of(&block_on(lab.update_price("product2", "250")));
        let w = crashed.windows.last().unwrap();
        assert!(w.lasting);
        assert!(
            w.label.contains("the crash left the cache stale"),
            "{}",
            w.label
        );
    }

    #[test]
    fn a_race_has_a_lifeline_per_writer_and_write_behind_flushes_from_its_queue() {
        let setup = RaceSetup {
            pattern: Pattern::WriteThrough,
            per_key_ordering: false,
            a_price: "150".into(),
            b_price: "175".into(),
        };
        let diagram = Diagram::of(&race(&setup, &STALE_INTERLEAVING));
        assert_eq!(
            diagram.lifelines,
            [
                Lifeline::Writer(Writer::A),
                Lifeline::Writer(Writer::B),
                Lifeline::Cache,
                Lifeline::Database
            ]
        );
        assert_eq!(diagram.arrows[1].from, Lifeline::Writer(Writer::B));
        assert!(diagram.windows.last().unwrap().lasting);
        assert!(
            diagram.windows.iter().all(|w| !w.expected),
            "no window of a race is expected"
        );

        let behind = lab(Pattern::WriteBehind);
        block_on(behind.update_price("product1", "150"));
        let flush = Diagram::of(&block_on(behind.flush()));
        assert_eq!(
            (flush.arrows[0].from, flush.arrows[0].to),
            (Lifeline::Queue, Lifeline::Database)
        );
    }
}

#[test]
fn a_race_asks_with_the_price_a_learner_expects_the_last_writer_to_leave() {
    use write_through_lab::engine::predict::predictions;
    use write_through_lab::engine::race::{race, RaceSetup, STALE_INTERLEAVING};
    let setup = RaceSetup {
        pattern: Pattern::WriteThrough,
        per_key_ordering: false,
        a_price: "150".into(),
        b_price: "175".into(),
    };
    let questions = predictions(&race(&setup, &STALE_INTERLEAVING));
    let last = questions.last().expect("a question at the end");
    assert_eq!(last.choices, ["\"100\"", "\"150\"", "\"175\"", "(nil)"]);
    assert_eq!(last.answer, "\"150\"");
}

mod learners_function {
    use super::*;
    use write_through_lab::lesson::{program, Line};

    fn run(lab: &Lab<MemoryDb>, lines: &[Line]) -> Trace {
        block_on(lab.run_program(&program(lines, "product1", "150"), "product1", "150"))
    }

    #[test]
    fn the_lessons_solution_runs_line_by_line_and_leaves_the_stores_in_step() {
        let lab = lab(Pattern::WriteThrough);
        let trace = run(
            &lab,
            &[Line::AssignDatabase, Line::BuildCommand, Line::Execute],
        );
        assert_eq!(trace.operation, OperationKind::Program);
        assert_eq!(
            trace.kinds(),
            [
                StepKind::DatabaseWrite,
                StepKind::BuildCommand,
                StepKind::CacheWrite,
                StepKind::Done
            ]
        );
        let lines: Vec<u32> = trace.steps.iter().map(|s| s.code.python).collect();
        assert_eq!(lines, [2, 3, 4, 0]);
        assert_eq!(trace.outcome, Outcome::Completed);
        assert!(trace.ends_in_step());
        assert_eq!(trace.title(), "your update_price(\"product1\", \"150\")");
    }

    #[test]
    fn a_redis_command_is_drawn_as_its_spec_says_it_reads_writes_or_removes() {
        use write_through_lab::engine::program::{Action, Statement};
        use write_through_lab::engine::trace::CodeRef;
        use write_through_lab::engine::Effect;
        let lab = lab(Pattern::WriteThrough);
        let commands = [
            ("HSTRLEN product_prices product1", StepKind::CacheRead),
            ("TTL product_prices", StepKind::CacheRead),
            ("STRLEN product_prices", StepKind::CacheRead),
            ("MGET a b", StepKind::CacheRead),
            ("HSCAN product_prices 0", StepKind::CacheRead),
            ("HRANDFIELD product_prices", StepKind::CacheRead),
            ("HGET product_prices product1", StepKind::CacheRead),
            ("HSET product_prices product1 150", StepKind::CacheWrite),
            ("EXPIRE product_prices 60", StepKind::CacheWrite),
            ("HDEL product_prices product1", StepKind::CacheInvalidate),
            ("GETDEL k", StepKind::CacheInvalidate),
            // Unknown to the emulator: Redis refuses it, and the step shows the error.
            ("NOSUCH x", StepKind::CacheWrite),
        ];
        let program: Vec<Statement> = commands
            .iter()
            .map(|(line, _)| Statement {
                action: Action::Effect(Effect::execute_command(line)),
                code: CodeRef::NONE,
                in_function: true,
            })
            .collect();
        let trace = block_on(lab.run_program(&program, "product1", "150"));
        let drawn: Vec<(&str, StepKind)> = trace
            .steps
            .iter()
            .filter(|s| s.kind != StepKind::Done)
            .map(|s| (s.action.as_str(), s.kind))
            .collect();
        assert_eq!(drawn, commands);
    }

    #[test]
    fn cache_first_without_compensation_diverges_when_the_database_fails() {
        let lab = lab(Pattern::WriteThrough);
        lab.set_faults(Faults {
            database_write: true,
            ..Faults::default()
        });
        let trace = run(
            &lab,
            &[Line::BuildCommand, Line::Execute, Line::AssignDatabase],
        );
        assert!(matches!(trace.outcome, Outcome::Failed(_)));
        assert!(
            !trace.ends_in_step(),
            "the cache holds 150, the database 100"
        );
        assert_eq!(
            lab.stores().cache()[0],
            ("product1".to_owned(), "150".to_owned())
        );
    }

    #[test]
    fn a_crash_stops_after_the_first_write_and_a_name_error_stops_at_its_line() {
        let lab = lab(Pattern::WriteThrough);
        lab.set_faults(Faults {
            crash_between: true,
            ..Faults::default()
        });
        let crashed = run(
            &lab,
            &[Line::AssignDatabase, Line::BuildCommand, Line::Execute],
        );
        assert_eq!(crashed.kinds(), [StepKind::DatabaseWrite, StepKind::Crash]);
        assert_eq!(
            crashed.steps[1].code.python, 3,
            "it stops before the next line"
        );
        assert!(lab.is_crashed());
        lab.set_faults(Faults::default());
        block_on(lab.restart());

        let raised = run(&lab, &[Line::Execute, Line::BuildCommand]);
        assert_eq!(raised.kinds(), [StepKind::Raise, StepKind::Done]);
        assert!(raised.steps[0].result.starts_with("NameError"));
        assert_eq!(raised.steps[0].code.python, 2);
    }
}

#[test]
fn every_prediction_offers_distinct_choices_one_of_them_the_answer() {
    use write_through_lab::engine::predict::predictions;
    for pattern in Pattern::ALL {
        for fault in FAULTS {
            let lab = lab(pattern);
            with_faults(&lab, fault);
            // A cached product, then one the cache does not hold (its old price is a miss too).
            let mut traces = vec![block_on(lab.update_price("product1", "150"))];
            if !lab.is_crashed() {
                block_on(lab.execute_command("HDEL product_prices product2")).unwrap();
                traces.push(block_on(lab.update_price("product2", "250")));
            }
            for trace in &traces {
                for p in predictions(trace) {
                    let mut unique = p.choices.clone();
                    unique.sort();
                    unique.dedup();
                    assert_eq!(
                        unique.len(),
                        p.choices.len(),
                        "{} {fault}: {:?}",
                        pattern.id(),
                        p.choices
                    );
                    assert!(
                        p.choices.contains(&p.answer),
                        "{} {fault}: {}",
                        pattern.id(),
                        p.answer
                    );
                }
            }
        }
    }
}

/// Every step whose command reached Redis carries what travelled ("On the wire"); the
/// tutorial's HSET is the frame redis-cli would send, and its reply `:0`.
#[test]
fn a_command_that_reached_redis_carries_its_frames() {
    let lab = lab(Pattern::WriteThrough);
    let trace = block_on(lab.update_price("product1", "150"));
    let hset = trace
        .steps
        .iter()
        .find(|s| s.action.starts_with("HSET"))
        .expect("an HSET step");
    let wire = hset.wire.as_ref().expect("its frames");
    assert_eq!(
        wire.request(),
        b"*4\r\n$4\r\nHSET\r\n$14\r\nproduct_prices\r\n$8\r\nproduct1\r\n$3\r\n150\r\n"
    );
    assert_eq!(wire.reply2(), b":0\r\n");
    assert_eq!(wire.reply3(), b":0\r\n");
    assert_eq!(
        write_through_lab::engine::Wire::shown(&wire.request(), true),
        "*4\\r\\n\n$4\\r\\n\nHSET\\r\\n\n$14\\r\\n\nproduct_prices\\r\\n\n$8\\r\\n\nproduct1\\r\\n\n$3\\r\\n\n150\\r\\n\n"
    );
    // Steps that send nothing to Redis carry nothing.
    assert!(trace
        .steps
        .iter()
        .filter(|s| s.wire.is_some())
        .all(|s| s.actor == write_through_lab::engine::trace::Actor::Cache));
}

/// The downloaded diagram's notes: one per step whose command reached Redis, with its
/// arguments and frames as "On the wire" shows them; a line longer than the width is cut and
/// says how much was left out.
#[test]
fn the_downloaded_diagram_notes_what_went_on_the_wire() {
    use write_through_lab::engine::diagram::wire_notes;
    let lab = lab(Pattern::WriteThrough);
    let trace = block_on(lab.update_price("product1", "150"));
    let notes = wire_notes(&trace, 80);
    let with_wire = trace.steps.iter().filter(|s| s.wire.is_some()).count();
    assert_eq!(notes.len(), with_wire);
    let hset = notes
        .iter()
        .find(|n| n.title.contains("HSET"))
        .expect("a note for the HSET");
    assert_eq!(
        hset.title,
        format!("{}. HSET product_prices product1 150", hset.step + 1)
    );
    assert_eq!(
        hset.lines,
        [
            "4 arguments: [HSET] [product_prices] [product1] [150]",
            "Request (RESP2 and RESP3):",
            "  *4\\r\\n",
            "  $4\\r\\n",
            "  HSET\\r\\n",
            "  $14\\r\\n",
            "  product_prices\\r\\n",
            "  $8\\r\\n",
            "  product1\\r\\n",
            "  $3\\r\\n",
            "  150\\r\\n",
            "Reply, RESP2:",
            "  :0\\r\\n",
            "Reply, RESP3 (after HELLO 3): the same bytes.",
        ]
    );
    // A narrow width: each longer line is cut to it, with how much was left out.
    let narrow = wire_notes(&trace, 40);
    let hset = narrow
        .iter()
        .find(|n| n.step == hset.step)
        .expect("the same note");
    assert_eq!(hset.lines[0], "4 arguments: [HSET] [product_prices] …");
    for line in narrow.iter().flat_map(|n| n.lines.iter().chain([&n.title])) {
        assert!(line.chars().count() <= 40, "{line}");
    }
}

/// "On the wire" writes out only what it shows: a 16 MiB value is cut after the characters
/// asked for, saying how many bytes were left out.
#[test]
fn a_long_value_on_the_wire_is_cut_not_written_out() {
    use write_through_lab::engine::Wire;
    let value = vec![0u8; 16 << 20];
    let shown = Wire::shown_cut(&value, true, 60);
    // Nine bytes fit (`\x00` each) beside the note of the rest.
    assert_eq!(
        shown,
        format!("{}… ({} more bytes)", "\\x00".repeat(9), (16 << 20) - 9)
    );
    assert!(shown.chars().count() <= 60);
    assert_eq!(
        Wire::shown_cut(b"HSET\r\n", true, 60),
        Wire::shown(b"HSET\r\n", true)
    );
}
