//! The challenges' checker on clients written in Rust (the learner's Python comes through the
//! same `Process` trait): every schedule of two writers, faults, the smallest failure shown.

use write_through_lab::checker::explore::{exhaustive, random, Check, Report};
use write_through_lab::checker::{Ended, Fault, FaultKind, Next, Op, Outcome, Process, Run};
use write_through_lab::emulator::Reply;
use write_through_lab::engine::copies::Copies;

/// What a scripted client asks for, given the outcomes it got so far.
type Step = Box<dyn Fn(&[Outcome]) -> Next>;

/// A client written as a function of the outcomes it got so far.
struct Script(Step);

impl Process for Script {
    fn resume(&mut self, got: &[Outcome]) -> Next {
        (self.0)(got)
    }
}

fn hset(product: &str, price: &str) -> Op {
    Op::Redis(vec![
        b"HSET".to_vec(),
        b"product_prices".to_vec(),
        product.as_bytes().to_vec(),
        price.as_bytes().to_vec(),
    ])
}

fn hdel(product: &str) -> Op {
    Op::Redis(vec![
        b"HDEL".to_vec(),
        b"product_prices".to_vec(),
        product.as_bytes().to_vec(),
    ])
}

fn db_set(product: &str, price: &str) -> Op {
    Op::DbSet {
        key: product.to_owned(),
        value: price.to_owned(),
    }
}

/// A failed write raises, as the learner's code would let `DatabaseError` through.
fn raised(outcome: &Outcome) -> Option<Next> {
    match outcome {
        Outcome::Written(Err(why)) => {
            Some(Next::Ended(Ended::Raised(format!("DatabaseError: {why}"))))
        }
        Outcome::Redis(Reply::Error(e)) => Some(Next::Ended(Ended::Raised(format!(
            "ResponseError: {}",
            String::from_utf8_lossy(e)
        )))),
        _ => None,
    }
}

/// Runs `ops` in order (the n-th from "line" n + 1); stops at the first failure, raising it.
fn steps(ops: Vec<Op>) -> Box<dyn Process> {
    Box::new(Script(Box::new(move |got: &[Outcome]| {
        if let Some(next) = got.last().and_then(raised) {
            return next;
        }
        match ops.get(got.len()) {
            Some(op) => Next::Op(op.clone(), got.len() as u32 + 1),
            None => Next::Ended(Ended::Returned(None)),
        }
    })))
}

/// The tutorial's update_price: the database, then the cache.
fn tutorial(product: &'static str, price: &'static str) -> Box<dyn Process> {
    steps(vec![db_set(product, price), hset(product, price)])
}

/// The cache first, then the database.
fn cache_first(product: &'static str, price: &'static str) -> Box<dyn Process> {
    steps(vec![hset(product, price), db_set(product, price)])
}

/// The database, then the cached field invalidated.
fn invalidate(product: &'static str, price: &'static str) -> Box<dyn Process> {
    steps(vec![db_set(product, price), hdel(product)])
}

fn cached(run: &Run, product: &str) -> Option<String> {
    run.stores
        .cache()
        .into_iter()
        .find(|(k, _)| k == product)
        .map(|(_, v)| v)
}

/// The cache holds no price for `product` that the database does not.
fn no_stale(run: &Run) -> Result<(), String> {
    let db = run.stores.rows.get("product1").cloned();
    match cached(run, "product1") {
        Some(c) if Some(&c) != db.as_ref() => Err(format!(
            "the cache holds product1 = {c}, the database {}",
            db.unwrap_or_else(|| "nothing".to_owned())
        )),
        _ => Ok(()),
    }
}

fn seed() -> Copies {
    Copies::seeded(7)
}

fn clients(make: fn() -> Vec<Box<dyn Process>>) -> impl Fn() -> Vec<Box<dyn Process>> {
    move || make()
}

/// Every schedule of `make`'s clients from the seed, under each of `faults`.
fn every_schedule(
    make: &dyn Fn() -> Vec<Box<dyn Process>>,
    faults: &[Vec<Fault>],
    invariant: &dyn Fn(&Run) -> Result<(), String>,
) -> Report {
    exhaustive(
        &Check {
            clients: make,
            stores: &seed,
            faults,
            invariant,
            then: None,
        },
        1_000,
    )
}

fn describe(run: &Run) -> Vec<String> {
    run.events
        .iter()
        .map(|e| format!("{}: {}", ["A", "B", "C"][e.client], e.op.describe()))
        .collect()
}

#[test]
fn two_tutorial_writers_leave_a_stale_cache_and_the_smallest_schedule_is_shown() {
    let make = clients(|| vec![tutorial("product1", "150"), tutorial("product1", "175")]);
    let report = every_schedule(&make, &[Vec::new()], &no_stale);
    // Two clients of two operations: C(4, 2) = 6 schedules.
    assert_eq!(report.schedules, 6);
    let failure = report.failure.expect("the race is found");
    assert_eq!(
        describe(&failure.run),
        [
            "A: database[\"product1\"] = \"150\"",
            "B: database[\"product1\"] = \"175\"",
            "B: HSET product_prices product1 175",
            "A: HSET product_prices product1 150",
        ]
    );
    assert_eq!(failure.switches(), 2);
    assert!(failure.why.contains("product1 = 150"), "{}", failure.why);
    // Each client's process ran once per distinct history, not once per schedule.
    assert!(
        report.process_runs <= 2 * 3 * 2,
        "{} runs",
        report.process_runs
    );
}

#[test]
fn invalidating_instead_of_writing_the_cache_survives_every_schedule() {
    let make = clients(|| vec![invalidate("product1", "150"), invalidate("product1", "175")]);
    let report = every_schedule(&make, &[Vec::new()], &no_stale);
    assert_eq!(report.schedules, 6);
    assert!(report.failure.is_none());
}

#[test]
fn a_refused_database_write_after_the_cache_leaves_a_phantom_price() {
    // One client, the database write refused: cache first breaks, database first does not.
    let faults = vec![
        Vec::new(),
        vec![Fault {
            client: 0,
            at: 0,
            kind: FaultKind::DatabaseWriteFails,
        }],
        vec![Fault {
            client: 0,
            at: 1,
            kind: FaultKind::DatabaseWriteFails,
        }],
    ];
    let make = clients(|| vec![cache_first("product1", "150")]);
    let report = every_schedule(&make, &faults, &no_stale);
    assert_eq!(report.schedules, 3);
    assert_eq!(
        report.faults, 1,
        "the fault at operation 0 hits an HSET: not a write of a row"
    );
    let failure = report.failure.expect("the phantom price is found");
    assert_eq!(failure.faults.len(), 1);
    assert_eq!(
        failure.run.ended,
        [Ended::Raised(
            "DatabaseError: the database refused the write of product1 (fault injected by the checker)"
                .to_owned()
        )]
    );

    let make = clients(|| vec![tutorial("product1", "150")]);
    assert!(every_schedule(&make, &faults, &no_stale).failure.is_none());
}

#[test]
fn redis_out_of_memory_answers_writes_only_and_a_crash_ends_the_client_there() {
    let faults = vec![
        vec![Fault {
            client: 0,
            at: 1,
            kind: FaultKind::RedisOutOfMemory,
        }],
        vec![Fault {
            client: 0,
            at: 1,
            kind: FaultKind::CrashBefore,
        }],
    ];
    let make = clients(|| vec![tutorial("product1", "150")]);
    let runs = std::cell::RefCell::new(Vec::new());
    let keep = |run: &Run| {
        runs.borrow_mut()
            .push((run.ended.clone(), cached(run, "product1"), describe(run)));
        Ok(())
    };
    let report = every_schedule(&make, &faults, &keep);
    assert_eq!((report.schedules, report.faults), (2, 2));
    let runs = runs.into_inner();
    assert_eq!(
        runs[0].0,
        [Ended::Raised(format!(
            "ResponseError: {}",
            String::from_utf8_lossy(
                &write_through_lab::emulator::CommandError::OutOfMemory.message()
            )
        ))]
    );
    assert_eq!(runs[0].1.as_deref(), Some("100"), "the HSET was refused");
    assert_eq!(runs[1].0, [Ended::Crashed]);
    assert_eq!(runs[1].2, ["A: database[\"product1\"] = \"150\""]);
}

#[test]
fn three_writers_are_tried_on_seeded_random_schedules() {
    let make = clients(|| {
        vec![
            tutorial("product1", "150"),
            tutorial("product1", "175"),
            tutorial("product1", "190"),
        ]
    });
    let none: Vec<Vec<Fault>> = vec![Vec::new()];
    let check = Check {
        clients: &make,
        stores: &seed,
        faults: &none,
        invariant: &no_stale,
        then: None,
    };
    let first = random(&check, 200, 42);
    assert_eq!(first.schedules, 200);
    let failure = first.failure.expect("found among 200 random schedules");
    // The same seed tries the same schedules and shows the same failure.
    let again = random(&check, 200, 42).failure.unwrap();
    assert_eq!(describe(&again.run), describe(&failure.run));
}

#[test]
fn operations_conflict_only_on_the_same_key_when_one_writes() {
    let get = |k: &str| Op::DbGet(k.to_owned());
    assert!(db_set("product1", "1").conflicts_with(&get("product1")));
    assert!(!db_set("product1", "1").conflicts_with(&get("product2")));
    assert!(!get("product1").conflicts_with(&get("product1")));
    assert!(hset("product1", "1").conflicts_with(&hdel("product2")));
    assert!(!hset("product1", "1").conflicts_with(&db_set("product1", "1")));
    let hget = Op::Redis(vec![
        b"HGET".to_vec(),
        b"product_prices".to_vec(),
        b"x".to_vec(),
    ]);
    assert!(!hget.conflicts_with(&hget.clone()));
    assert!(hget.conflicts_with(&hset("x", "1")));
}
