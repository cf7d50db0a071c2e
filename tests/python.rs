//! The learner's own Python, on the host: RustPython runs it on copies of the stores, with the
//! `redis` module and the `database` dictionary of the prelude, and every line is recorded.
#![cfg(not(target_arch = "wasm32"))]

#[path = "support/big_stack.rs"]
mod big_stack;

use big_stack::on_big_stack;
use write_through_lab::emulator::{Emulator, Reply};
use write_through_lab::python::{run, Ending, Event, Limits, Recording, Stores};

/// The seed stores: `product_prices` and the table, both 100/200/300.
fn seed() -> Stores {
    Stores::seeded(1)
}

fn go(source: &str, call: Option<&str>) -> (Recording, Stores) {
    run(source, call, seed(), Limits::default(), Box::new(|| 0.0))
}

/// Whether a step's table has `key` = `value`.
fn holds(table: &[(String, String)], key: &str, value: &str) -> bool {
    table.iter().any(|(k, v)| k == key && v == value)
}

fn hget(stores: &mut Stores, field: &str) -> Reply {
    stores
        .redis
        .execute_command(format!("HGET product_prices {field}"))
        .unwrap()
}

/// The seed tutorial's solution, as a learner writes it.
const SEED: &str = r#"import redis

redis_client = redis.Redis(host='localhost', port=6379, db=0)

database = {
    "product1": 100,
    "product2": 200,
    "product3": 300,
}

def update_price(product, new_price):
    database[product] = new_price
    redis_command = f"HSET product_prices {product} {new_price}"
    redis_client.execute_command(redis_command)
"#;

#[test]
fn the_seed_solution_writes_both_stores_in_program_order_line_by_line() {
    let (rec, mut stores) = go(SEED, Some("update_price('product1', 150)"));
    assert_eq!(rec.ending, Ending::Finished, "{rec:?}");
    assert_eq!(stores.rows["product1"], "150");
    assert_eq!(hget(&mut stores, "product1"), Reply::Bulk(b"150".to_vec()));
    // The lines the learner's file ran, in order: the module, then the call's body.
    assert_eq!(rec.lines(), [1, 3, 5, 11, 12, 13, 14]);
    let writes: Vec<String> = rec
        .events
        .iter()
        .filter_map(|e| match e {
            Event::DatabaseWrite { key, value, .. } => Some(format!("db {key}={value}")),
            Event::Redis { argv, .. } => Some(format!(
                "redis {}",
                argv.iter()
                    .map(|a| String::from_utf8_lossy(a).into_owned())
                    .collect::<Vec<_>>()
                    .join(" ")
            )),
            _ => None,
        })
        .collect();
    assert_eq!(
        writes,
        [
            // `database = {...}` makes the table (step 2 of the tutorial) ...
            "db product1=100",
            "db product2=200",
            "db product3=300",
            // ... then update_price: the database first, then the cache, as written.
            "db product1=150",
            "redis HSET product_prices product1 150",
        ]
    );
    assert!(rec.events.contains(&Event::Connect {
        host: "localhost".to_owned(),
        port: "6379".to_owned(),
        db: "0".to_owned()
    }));
}

#[test]
fn the_client_answers_as_redis_py_5_does() {
    let source = r#"import redis
r = redis.Redis()
print(r.hget("product_prices", "product1"))
print(r.hset("product_prices", "product4", 400))
print(r.hset("product_prices", mapping={"product5": 5, "product6": 6.5}))
print(r.hgetall("product_prices")[b"product6"])
print(r.hexists("product_prices", "nope"), r.hget("product_prices", "nope"))
print(r.set("k", "v"), r.get("k"), r.exists("k", "nope"), r.delete("k"))
print(r.execute_command("HLEN product_prices"))
print(sorted(r.hkeys("product_prices"))[:2])
print("HSET product_prices %s %s" % ("product1", 175))
"#;
    let (rec, _) = go(source, None);
    assert_eq!(rec.ending, Ending::Finished, "{rec:?}");
    assert_eq!(
        rec.output(),
        "b'100'\n1\n2\nb'6.5'\nFalse None\nTrue b'v' 1 1\n6\n[b'product1', b'product2']\nHSET product_prices product1 175\n"
    );
}

#[test]
fn a_redis_error_raises_response_error_with_redis_text_and_can_be_caught() {
    let source = r#"import redis
r = redis.Redis()
r.set("s", "text")
try:
    r.hget("s", "f")
except redis.exceptions.ResponseError as e:
    print("caught:", e)
r.execute_command("HGET product_prices")
"#;
    let (rec, _) = go(source, None);
    assert_eq!(
        rec.output(),
        "caught: WRONGTYPE Operation against a key holding the wrong kind of value\n"
    );
    let Ending::Raised {
        kind,
        line,
        traceback,
    } = &rec.ending
    else {
        panic!("{:?}", rec.ending)
    };
    assert_eq!((kind.as_str(), *line), ("ResponseError", 8));
    assert!(
        traceback.contains("wrong number of arguments for 'hget' command"),
        "{traceback}"
    );
}

#[test]
fn python_errors_come_with_their_class_and_line() {
    let cases = [
        ("x = 1\ny = (\n", "SyntaxError", 2),
        ("x = 1\nprint(nope)\n", "NameError", 2),
        ("x = 1\n\nx + 'a'\n", "TypeError", 3),
        ("d = {}\nd['missing']\n", "KeyError", 2),
        ("def f():\n    return 1 / 0\nf()\n", "ZeroDivisionError", 2),
    ];
    for (source, want_kind, want_line) in cases {
        let (rec, _) = go(source, None);
        match &rec.ending {
            Ending::Raised { kind, line, .. } => {
                assert_eq!((kind.as_str(), *line), (want_kind, want_line), "{source}")
            }
            other => panic!("{source}: {other:?}"),
        }
    }
}

#[test]
fn what_ran_before_an_error_stays_done() {
    let source = r#"import redis
redis_client = redis.Redis()
def update_price(product, new_price):
    database[product] = new_price
    raise ValueError("the application fails between the writes")
    redis_client.hset("product_prices", product, new_price)
"#;
    let (rec, mut stores) = go(source, Some("update_price('product2', 250)"));
    assert!(matches!(&rec.ending, Ending::Raised { kind, line: 5, .. } if kind == "ValueError"));
    assert_eq!(stores.rows["product2"], "250");
    assert_eq!(hget(&mut stores, "product2"), Reply::Bulk(b"200".to_vec()));
}

#[test]
fn database_writes_of_every_kind_are_recorded_and_a_failing_database_raises() {
    let source = r#"database.update({"product4": 4})
database.setdefault("product5", 5)
database.pop("product4")
del database["product5"]
database["product1"] = 101
"#;
    let (rec, stores) = go(source, None);
    assert_eq!(rec.ending, Ending::Finished, "{rec:?}");
    let kinds: Vec<String> = rec
        .events
        .iter()
        .filter_map(|e| match e {
            Event::DatabaseWrite { key, .. } => Some(format!("set {key}")),
            Event::DatabaseDelete { key, .. } => Some(format!("del {key}")),
            _ => None,
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "set product4",
            "set product5",
            "del product4",
            "del product5",
            "set product1"
        ]
    );
    assert_eq!(stores.rows["product1"], "101");
    assert!(!stores.rows.contains_key("product4"));

    // "Database write fails" strikes the writes of the learner's update_price, not the
    // program's own setup of the table.
    let mut failing = seed();
    failing.database_fails = true;
    let (rec, stores) = run(
        "database['product1'] = 150\n\ndef update_price(product, new_price):\n    database[product] = new_price\n\nupdate_price('product2', 250)\n",
        None,
        failing,
        Limits::default(),
        Box::new(|| 0.0),
    );
    assert!(
        matches!(&rec.ending, Ending::Raised { kind, line: 4, .. } if kind == "DatabaseError"),
        "{:?}",
        rec.ending
    );
    let writes: Vec<(&str, bool, bool)> = rec
        .events
        .iter()
        .filter_map(|e| match e {
            Event::DatabaseWrite {
                key,
                ok,
                in_function,
                ..
            } => Some((key.as_str(), *ok, *in_function)),
            _ => None,
        })
        .collect();
    assert_eq!(
        writes,
        [("product1", true, false), ("product2", false, true)]
    );
    assert_eq!(stores.rows["product1"], "150");
    assert_eq!(stores.rows["product2"], "200");
}

#[test]
fn runaway_code_is_stopped_and_cut_at_the_step_limit() {
    let limits = Limits {
        max_steps: 10_000,
        max_ms: f64::INFINITY,
        ..Limits::default()
    };
    for source in [
        "while True:\n    pass\n",
        "i = 0\nwhile True:\n    try:\n        i += 1\n    except Exception:\n        pass\n",
    ] {
        let (rec, _) = run(source, None, seed(), limits, Box::new(|| 0.0));
        assert!(
            matches!(rec.ending, Ending::Stopped(_)),
            "{source}: {:?}",
            rec.ending
        );
        assert_eq!(rec.lines().len(), 10_000, "{source}");
    }
    // Time: a clock that moves 1 ms per reading stops a loop after about a second.
    let tick = std::cell::Cell::new(0.0);
    let (rec, _) = run(
        "while True:\n    pass\n",
        None,
        seed(),
        Limits {
            max_steps: usize::MAX,
            max_ms: 1_000.0,
            ..Limits::default()
        },
        Box::new(move || {
            tick.set(tick.get() + 1.0);
            tick.get()
        }),
    );
    assert!(
        matches!(&rec.ending, Ending::Stopped(why) if why.contains("ms")),
        "{:?}",
        rec.ending
    );
    assert!(rec.lines().len() < 1_100);
}

#[test]
fn lines_are_tracked_through_multi_line_statements_headers_and_nested_functions() {
    let source = r#"def outer(items):
    def inner(x):
        return x * 2
    total = 0
    for item in items:
        if item > 1:
            total += inner(
                item,
            )
    return total
print(outer([1, 2]))
"#;
    let (rec, _) = go(source, None);
    assert_eq!(rec.output(), "4\n");
    // def, call; in outer: def inner, total, for (×3: two items and the end), if (×2), the
    // multi-line call (once: its first line), inner's return, return.
    assert_eq!(rec.lines(), [1, 11, 2, 4, 5, 6, 5, 6, 7, 3, 5, 10]);
}

// ---- Replayed on the lab's real stores, as a trace ----

#[path = "support/block_on.rs"]
mod block_on;

mod replayed {
    use super::block_on::block_on;
    use write_through_lab::db::{Database, MemoryDb};
    use write_through_lab::emulator::Emulator;
    use write_through_lab::engine::{Lab, Outcome, StepKind};
    use write_through_lab::python::replay::statements;

    use super::*;

    pub(super) fn lab() -> Lab<MemoryDb> {
        let lab = Lab::new(
            Emulator::new(Box::new(|| 0), 1),
            MemoryDb::new(),
            Box::new(|| 0.0),
        );
        block_on(lab.stores().db().inner().reset(0.0)).unwrap();
        block_on(lab.start()).unwrap();
        lab
    }

    #[test]
    fn the_seed_solution_replayed_is_the_lab_trace_of_its_function_body() {
        let (rec, _) = go(SEED, Some("update_price('product1', 150)"));
        // The function's body starts after its `def` (line 11).
        let program = statements(&rec, SEED, 12);
        let lab = lab();
        let trace = block_on(lab.run_program(&program, "product1", "150"));
        assert_eq!(trace.outcome, Outcome::Completed);
        let steps: Vec<(StepKind, u32)> = trace
            .steps
            .iter()
            .map(|s| (s.kind, s.code.python))
            .collect();
        assert_eq!(
            steps,
            [
                (StepKind::DatabaseWrite, 12),
                (StepKind::BuildCommand, 13),
                (StepKind::CacheWrite, 14),
                (StepKind::Done, 0),
            ]
        );
        assert_eq!(
            trace.steps[1].action,
            "redis_command = f\"HSET product_prices {product} {new_price}\""
        );
        let last = trace.steps.last().unwrap();
        assert!(last.consistency.in_step);
        assert!(holds(&last.cache, "product1", "150"));
        assert!(holds(&last.database, "product1", "150"));
    }

    /// With "Database write fails" switched on, the learner's whole program replayed on the lab:
    /// its own setup (the table, step 1's HSET) goes through, the write of its update_price is
    /// refused, and the trace is named by that call.
    #[test]
    fn the_fault_switches_strike_the_learners_function_not_the_programs_setup() {
        let source = "import redis\nredis_client = redis.Redis()\nredis_client.hset('product_prices', 'product4', 400)\ndatabase = {'product1': 100, 'product2': 200, 'product3': 300}\n\ndef update_price(product, new_price):\n    database[product] = new_price\n    redis_client.hset('product_prices', product, new_price)\n\nupdate_price('product2', 250)\n";
        let mut failing = seed();
        failing.database_fails = true;
        failing.redis.set_out_of_memory(true);
        let rec = run(source, None, failing, Limits::default(), Box::new(|| 0.0)).0;
        assert!(
            matches!(&rec.ending, Ending::Raised { kind, line: 7, .. } if kind == "DatabaseError"),
            "{:?}",
            rec.ending
        );
        let ran = write_through_lab::python::wire::Ran::of(&rec, source);
        assert_eq!(
            (ran.product.as_str(), ran.price.as_str()),
            ("product2", "250")
        );
        let lab = lab();
        lab.set_faults(write_through_lab::engine::Faults {
            database_write: true,
            cache_write: true,
            ..Default::default()
        });
        let trace = block_on(lab.run_recorded(&ran.program, &ran.product, &ran.price));
        let effects: Vec<(String, bool)> = trace
            .steps
            .iter()
            .filter(|s| matches!(s.kind, StepKind::DatabaseWrite | StepKind::CacheWrite))
            .map(|s| (s.action.clone(), s.ok))
            .collect();
        assert_eq!(
            effects,
            [
                ("HSET product_prices product4 400".to_owned(), true),
                ("database[\"product1\"] = \"100\"".to_owned(), true),
                ("database[\"product2\"] = \"200\"".to_owned(), true),
                ("database[\"product3\"] = \"300\"".to_owned(), true),
                ("database[\"product2\"] = \"250\"".to_owned(), false),
            ]
        );
        assert!(
            matches!(&trace.outcome, Outcome::Failed(m) if m.contains("DatabaseError")),
            "{:?}",
            trace.outcome
        );
        // The switches are as the learner left them.
        assert!(lab.faults().database_write && lab.faults().cache_write);
    }

    #[test]
    fn deleting_rows_is_replayed_on_the_lab_database() {
        let source = "del database['product3']\nprice = database.pop('product2')\nprint(price)\n";
        let (rec, copies) = go(source, None);
        assert_eq!(rec.ending, Ending::Finished);
        assert_eq!(copies.rows.keys().collect::<Vec<_>>(), ["product1"]);
        let program = statements(&rec, source, 1);
        let lab = lab();
        let trace = block_on(lab.run_recorded(&program, "", ""));
        assert_eq!(trace.outcome, Outcome::Completed);
        let deletes: Vec<(String, u32)> = trace
            .steps
            .iter()
            .filter(|s| s.kind == StepKind::DatabaseWrite)
            .map(|s| (s.action.clone(), s.code.python))
            .collect();
        assert_eq!(
            deletes,
            [
                ("del database[\"product3\"]".to_owned(), 1),
                ("del database[\"product2\"]".to_owned(), 2)
            ]
        );
        let rows: Vec<String> = lab
            .stores()
            .database()
            .iter()
            .map(|(k, _)| k.clone())
            .collect();
        assert_eq!(rows, ["product1"]);
        assert!(block_on(lab.stores().db().inner().get("product2"))
            .unwrap()
            .is_none());
        // The cache still has both prices: the badge says the stores disagree.
        assert!(!trace.steps.last().unwrap().consistency.in_step);
    }

    #[test]
    fn a_program_that_raises_half_way_leaves_what_it_did_and_the_badge_says_so() {
        let source = "def update_price(product, new_price):\n    database[product] = new_price\n    redis_client.execute_command(f\"HSET product_prices {product} {new_price}\")\n";
        // `redis_client` was never made: NameError at line 3, after the database write.
        let (rec, _) = go(source, Some("update_price('product2', 250)"));
        let program = statements(&rec, source, 2);
        let lab = lab();
        let trace = block_on(lab.run_program(&program, "product2", "250"));
        assert!(
            matches!(&trace.outcome, Outcome::Failed(m) if m.contains("NameError")),
            "{:?}",
            trace.outcome
        );
        let raise = trace
            .steps
            .iter()
            .find(|s| s.kind == StepKind::Raise)
            .unwrap();
        assert_eq!(raise.code.python, 3);
        assert!(
            !trace.steps.last().unwrap().consistency.in_step,
            "the database has 250, the cache 200"
        );
    }
}

// ---- The lesson, checked by running ----

mod lesson_by_running {
    use write_through_lab::python::lesson::{check_step2, check_update};

    const STEP3: &str = "def update_price(product, new_price):\n    database[product] = new_price\n    redis_command = f\"HSET product_prices {product} {new_price}\"\n";
    const STEP4: &str = "def update_price(product, new_price):\n    database[product] = new_price\n    redis_command = f\"HSET product_prices {product} {new_price}\"\n    redis_client.execute_command(redis_command)\n";

    #[test]
    fn step2_wants_the_database_dictionary_with_the_seed_rows() {
        assert_eq!(
            check_step2("database = {'product1': 100, 'product2': 200, 'product3': 300}\n"),
            Ok(())
        );
        let wrong = check_step2("database = {'product1': 100}\n").unwrap_err();
        assert!(wrong.contains("product2"), "{wrong}");
        assert!(check_step2("x = 1\n").unwrap_err().contains("database"));
    }

    #[test]
    fn step3_and_4_accept_the_tutorials_answers_and_their_variants() {
        assert_eq!(check_update(STEP3, false), Ok(()));
        assert_eq!(check_update(STEP4, true), Ok(()));
        // A variant: % formatting, a helper, the command sent through the same line.
        let variant = "def command_for(product, price):\n    return 'HSET product_prices %s %s' % (product, price)\n\ndef update_price(product, new_price):\n    database[product] = new_price\n    redis_command = command_for(product, new_price)\n    redis_client.execute_command(redis_command)\n";
        assert_eq!(check_update(variant, true), Ok(()));
    }

    #[test]
    fn a_passed_answer_runs_as_a_program_that_makes_its_client_and_calls_it() {
        use write_through_lab::python::programs::as_program;
        let program = as_program(STEP4);
        assert!(program.starts_with("import redis\nredis_client = redis.Redis("));
        assert!(program.ends_with("\nupdate_price(\"product1\", 150)\n"));
        let (rec, mut after) = super::go(&program, None);
        assert_eq!(rec.ending, super::Ending::Finished);
        assert_eq!(after.rows["product1"], "150");
        assert_eq!(
            super::hget(&mut after, "product1"),
            super::Reply::Bulk(b"150".to_vec())
        );
        // A program that already makes its client and calls the function is run as it is.
        let whole = program.clone();
        assert_eq!(as_program(&whole), whole);
    }

    #[test]
    fn the_editors_starter_runs_but_passes_neither_step_3_nor_4_until_the_learner_writes() {
        use write_through_lab::python::programs::STARTER;
        let (rec, _) = super::go(STARTER, None);
        assert_eq!(rec.ending, super::Ending::Finished);
        for answer in [
            "database[product] = new_price",
            "redis_command =",
            "execute_command(redis_command)",
        ] {
            assert!(
                !STARTER.contains(answer),
                "the starter gives away {answer:?}"
            );
        }
        let step3 = check_update(STARTER, false).unwrap_err();
        assert!(step3.contains("holds product1: 100, not 150"), "{step3}");
        assert!(check_update(STARTER, true).is_err());
        // With the learner's three lines in place of `pass`, both pass.
        let written = STARTER.replace(
            "    pass  # your code here\n",
            "    database[product] = new_price\n    redis_command = f\"HSET product_prices {product} {new_price}\"\n    redis_client.execute_command(redis_command)\n",
        );
        assert_eq!(check_update(&written, false), Ok(()));
        assert_eq!(check_update(&written, true), Ok(()));
    }

    #[test]
    fn a_hard_coded_answer_fails_on_a_call_the_learner_did_not_see() {
        let hard_coded = "def update_price(product, new_price):\n    database['product1'] = 150\n    redis_command = 'HSET product_prices product1 150'\n    redis_client.execute_command(redis_command)\n";
        let why = check_update(hard_coded, true).unwrap_err();
        assert!(
            why.starts_with("After update_price(\"product2\", 275)"),
            "{why}"
        );
    }

    #[test]
    fn step4_wants_the_command_sent_and_sent_through_execute_command() {
        let not_sent = check_update(STEP3, true).unwrap_err();
        assert!(not_sent.contains("not sent to Redis"), "{not_sent}");
        let other_way = "def update_price(product, new_price):\n    database[product] = new_price\n    redis_command = f\"HSET product_prices {product} {new_price}\"\n    redis_client.hset('product_prices', product, new_price)\n";
        let why = check_update(other_way, true).unwrap_err();
        assert!(
            why.contains("redis_client.execute_command(redis_command)"),
            "{why}"
        );
        let swapped = "def update_price(product, new_price):\n    database[new_price] = product\n    redis_command = f\"HSET product_prices {product} {new_price}\"\n";
        assert!(check_update(swapped, false)
            .unwrap_err()
            .contains("database holds"));
    }
}

// ---- The built-in patterns as programs ("Edit this code") ----

mod patterns_as_programs {
    use super::block_on::block_on;
    use write_through_lab::db::{Database, MemoryDb};
    use write_through_lab::engine::{Faults, Lab, Pattern, StepKind, Trace};
    use write_through_lab::python::programs::pattern_program;
    use write_through_lab::python::replay::statements;

    use super::*;

    fn lab(pattern: Pattern, faults: Faults) -> Lab<MemoryDb> {
        let lab = Lab::new(
            Emulator::new(Box::new(|| 0), 1),
            MemoryDb::new(),
            Box::new(|| 0.0),
        );
        block_on(lab.stores().db().inner().reset(0.0)).unwrap();
        block_on(lab.start()).unwrap();
        lab.set_pattern(pattern);
        lab.set_faults(faults);
        lab
    }

    /// The trace's operations on the two stores, in order: the command sent to Redis, or the
    /// database row written, and whether it went through.
    fn operations(trace: &Trace) -> Vec<String> {
        trace
            .steps
            .iter()
            .filter_map(|s| match s.kind {
                StepKind::CacheWrite
                | StepKind::CacheRead
                | StepKind::CacheInvalidate
                | StepKind::CacheRestore
                | StepKind::CacheRetry => Some(format!("redis {} ok={}", s.action, s.ok)),
                StepKind::DatabaseWrite => Some(format!(
                    "database {} ok={}",
                    s.changes
                        .iter()
                        .map(|c| c.key.clone())
                        .collect::<Vec<_>>()
                        .join(","),
                    s.ok
                )),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn each_patterns_listing_run_unchanged_does_what_the_engine_does() {
        let fault_cases = [
            Faults::default(),
            Faults {
                database_write: true,
                ..Faults::default()
            },
            Faults {
                cache_write: true,
                ..Faults::default()
            },
        ];
        for pattern in Pattern::ALL {
            for faults in fault_cases {
                let engine = lab(pattern, faults);
                let expected = block_on(engine.update_price("product1", "150"));

                let source = pattern_program(pattern);
                let mut copies = seed();
                copies.database_fails = faults.database_write;
                copies.redis.set_out_of_memory(faults.cache_write);
                let (recording, _) =
                    run(&source, None, copies, Limits::default(), Box::new(|| 0.0));
                let program = statements(&recording, &source, 1);
                let mine = lab(pattern, faults);
                let got = block_on(mine.run_recorded(&program, "product1", "150"));

                let case = format!("{pattern:?} with {faults:?}");
                assert!(!operations(&expected).is_empty(), "{case}");
                assert_eq!(
                    operations(&got),
                    operations(&expected),
                    "{case}\n{source}\n{recording:?}"
                );
                assert_eq!(
                    mine.stores().cache(),
                    engine.stores().cache(),
                    "{case}: the cache afterwards"
                );
                assert_eq!(
                    mine.stores().database(),
                    engine.stores().database(),
                    "{case}: the database afterwards"
                );
            }
        }
    }

    #[test]
    fn the_tutorial_program_in_the_editor_traces_all_four_steps() {
        use write_through_lab::engine::program::Action;
        use write_through_lab::python::programs::TUTORIAL;
        let (recording, _) = go(TUTORIAL, None);
        assert_eq!(recording.ending, Ending::Finished);
        let program = statements(&recording, TUTORIAL, 1);
        // The client's line says where it really connects.
        assert!(program.iter().any(|s| matches!(&s.action, Action::Line { text, note } if text.starts_with("redis_client =") && note.contains("embedded Redis"))));
        let lab = lab(Pattern::WriteThrough, Faults::default());
        let trace = block_on(lab.run_recorded(&program, "product1", "150"));
        let lines_of = |kind: StepKind| -> Vec<u32> {
            trace
                .steps
                .iter()
                .filter(|s| s.kind == kind)
                .map(|s| s.code.python)
                .collect()
        };
        // Step 1's HMSET (line 6), then the call's HSET (line 14).
        assert_eq!(lines_of(StepKind::CacheWrite), [6, 14]);
        // Step 2's three rows (line 9), then the call's write (line 15).
        assert_eq!(lines_of(StepKind::DatabaseWrite), [9, 9, 9, 15]);
        let last = trace.steps.last().unwrap();
        assert!(last.consistency.in_step, "{last:?}");
        assert!(holds(&last.cache, "product1", "150"));
    }

    #[test]
    fn the_lab_module_checks_input_as_the_engine_does() {
        let source = "from lab import check\ncheck('product9', 150)\n";
        let (rec, _) = go(source, None);
        assert!(
            matches!(&rec.ending, Ending::Raised { kind, line: 2, traceback } if kind == "ValueError" && traceback.contains("no product called \"product9\"")),
            "{:?}",
            rec.ending
        );
        let (rec, _) = go("from lab import check\ncheck('product1', '-5')\n", None);
        assert!(matches!(&rec.ending, Ending::Raised { kind, .. } if kind == "ValueError"));
        let (rec, _) = go("check('product1', 5)\n", None);
        assert!(
            matches!(&rec.ending, Ending::Raised { kind, .. } if kind == "NameError"),
            "not a builtin: real Python needs the import"
        );
    }
}

// ---- The page and the worker: requests and responses as bytes ----

mod wire {
    use write_through_lab::hub::rewrite;
    use write_through_lab::python::replay::statements;
    use write_through_lab::python::wire::{Ran, Request, Response};
    use write_through_lab::python::worker::{answer, handle};
    use write_through_lab::wire::{decode, encode};

    use super::*;

    fn zero() -> f64 {
        0.0
    }

    #[test]
    fn a_challenge_travels_to_the_worker_and_its_counterexample_back() {
        let starter = write_through_lab::challenges::find("two-writers")
            .unwrap()
            .starter;
        let request = Request::Challenge {
            id: "two-writers".to_owned(),
            source: starter.to_owned(),
        };
        let Some(Response::Challenged(found)) =
            decode::<Response>(&handle(&encode(&request), zero))
        else {
            panic!("no verdict");
        };
        assert!(!found.passed);
        assert_eq!(found.steps.len(), 4);
        let trace = found.trace().expect("the failing schedule");
        assert_eq!(trace.steps.len(), 4);
        assert!(!trace.steps[3].consistency.in_step);
        let unknown = answer(
            Request::Challenge {
                id: "nope".to_owned(),
                source: String::new(),
            },
            zero,
        );
        assert!(matches!(unknown, Response::Refused { .. }));
    }

    #[test]
    fn a_run_request_gives_the_recording_a_direct_run_gives() {
        let stores = seed();
        let request = Request::Run {
            source: SEED.to_owned(),
            call: Some("update_price('product2', 250)".to_owned()),
            cache: rewrite(&stores.redis),
            rows: stores.rows.clone().into_iter().collect(),
            database_fails: false,
            cache_full: false,
            max_ms: 1_000.0,
        };
        let bytes = encode(&request);
        assert_eq!(decode::<Request>(&bytes), Some(request));
        let response = decode::<Response>(&handle(&bytes, zero)).unwrap();
        let (direct, _) = go(SEED, Some("update_price('product2', 250)"));
        let expected = Ran::of(&direct, SEED);
        assert_eq!(response, Response::Ran(expected.clone()));
        assert_eq!(expected.program, statements(&direct, SEED, 1));
        assert_eq!(
            (expected.product.as_str(), expected.price.as_str()),
            ("product2", "250")
        );
        assert!(
            expected
                .output
                .contains("connects to the lab's embedded Redis"),
            "{}",
            expected.output
        );
        assert_eq!(expected.error, None);
        // A run that raised, one that deletes a row, and a check, go both ways.
        let (raised, _) = go("print('é')\nx = y\n", None);
        let (deleted, _) = go("del database['product3']\n", None);
        for response in [
            response,
            Response::Ran(Ran::of(&raised, "print('é')\nx = y\n")),
            Response::Ran(Ran::of(&deleted, "del database['product3']\n")),
            Response::Checked {
                passed: false,
                message: "no".to_owned(),
                rows: vec![("a".to_owned(), "1".to_owned())],
            },
        ] {
            assert_eq!(decode::<Response>(&encode(&response)), Some(response));
        }
        let raised = Ran::of(&raised, "print('é')\nx = y\n");
        assert_eq!(
            raised.error.as_deref(),
            Some("NameError: name 'y' is not defined")
        );
        assert!(
            raised.output.starts_with("é\nTraceback"),
            "{}",
            raised.output
        );
    }

    #[test]
    fn checks_answer_with_a_verdict_and_garbage_is_refused() {
        // The worker's verdict on lesson step `step` for `answer`.
        let check = |step: u8, answer_text: &str| {
            answer(
                Request::Check {
                    step,
                    answer: answer_text.to_owned(),
                },
                zero,
            )
        };
        let step1 = check(
            1,
            "HMSET product_prices product1 100 product2 200 product3 300",
        );
        assert!(
            matches!(step1, Response::Checked { passed: true, .. }),
            "{step1:?}"
        );
        let typo = check(1, "HMSET product_prices product1");
        assert!(
            matches!(&typo, Response::Checked { passed: false, message, .. } if message.contains("wrong number of arguments")),
            "{typo:?}"
        );
        let step2 = check(
            2,
            "database = {'product1': 100, 'product2': 200, 'product3': 300}",
        );
        assert!(
            matches!(&step2, Response::Checked { passed: true, rows, .. } if rows.len() == 3),
            "{step2:?}"
        );
        let wrong = check(4, "def update_price(product, new_price):\n    pass\n");
        assert!(
            matches!(&wrong, Response::Checked { passed: false, message, .. } if message.contains("product1")),
            "{wrong:?}"
        );
        let mut truncated = encode(&Request::Check {
            step: 3,
            answer: "x".to_owned(),
        });
        truncated.pop();
        assert!(matches!(
            decode::<Response>(&handle(&truncated, zero)),
            Some(Response::Refused { .. })
        ));
    }
}

#[test]
fn deep_recursion_is_a_recursion_error_with_its_frames_collapsed_as_cpython_does() {
    // 200 frames of RustPython unoptimised need more than a test thread's 2 MiB of stack (in
    // the browser the interpreter is an optimised build, and its limit was measured there): the
    // program runs on a thread with a stack of its own.
    let rec = on_big_stack(|| go("def down(n):\n    return down(n + 1)\ndown(0)\n", None).0);
    match &rec.ending {
        Ending::Raised {
            kind, traceback, ..
        } => {
            assert_eq!(kind, "RecursionError");
            assert!(traceback.contains("[Previous line repeated"), "{traceback}");
            assert!(traceback.lines().count() < 20, "{traceback}");
        }
        other => panic!("{other:?}"),
    }
}

// ---- The learner's function as a client of the challenges' checker ----

mod under_the_checker {
    use std::rc::Rc;

    use write_through_lab::checker::explore::{exhaustive, Check, Report};
    use write_through_lab::checker::{Ended, Fault, FaultKind, Process, Run};
    use write_through_lab::engine::copies::Copies;
    use write_through_lab::python::{Client, Limits};

    const DATABASE_FIRST: &str = "import redis\nredis_client = redis.Redis(host='localhost', port=6379, db=0)\ndatabase = {'product1': 100}\n\ndef update_price(product, new_price):\n    database[product] = new_price\n    redis_command = f\"HSET product_prices {product} {new_price}\"\n    redis_client.execute_command(redis_command)\n\nupdate_price('product1', 150)\n";
    const CACHE_FIRST: &str = "import redis\nredis_client = redis.Redis(host='localhost', port=6379, db=0)\n\ndef update_price(product, new_price):\n    redis_client.execute_command(f\"HSET product_prices {product} {new_price}\")\n    database[product] = new_price\n";
    const INVALIDATE: &str = "import redis\nr = redis.Redis()\n\ndef update_price(product, new_price):\n    database[product] = new_price\n    r.hdel('product_prices', product)\n    return 'ok'\n";

    fn now() -> f64 {
        0.0
    }

    fn client(source: &str, call: &str) -> Box<dyn Process> {
        Box::new(Client {
            source: Rc::from(source),
            call: call.to_owned(),
            limits: Limits::client(),
            now_ms: now,
        })
    }

    fn no_stale(run: &Run) -> Result<(), String> {
        let db = run.stores.rows.get("product4").cloned();
        match run
            .stores
            .cache()
            .into_iter()
            .find(|(k, _)| k == "product4")
        {
            Some((_, c)) if Some(&c) != db.as_ref() => Err(format!(
                "the cache holds product4 = {c}, the database {db:?}"
            )),
            _ => Ok(()),
        }
    }

    fn seed() -> Copies {
        Copies::seeded(1)
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
            100,
        )
    }

    fn steps(run: &Run) -> Vec<String> {
        run.events
            .iter()
            .map(|e| format!("{}: {}", ["A", "B"][e.client], e.op.describe()))
            .collect()
    }

    #[test]
    fn two_callers_of_the_tutorials_function_race_to_a_stale_cache() {
        let make = || {
            vec![
                client(DATABASE_FIRST, "update_price('product4', 410)"),
                client(DATABASE_FIRST, "update_price('product4', 420)"),
            ]
        };
        let none = vec![Vec::new()];
        let report = every_schedule(&make, &none, &no_stale);
        assert_eq!(report.schedules, 6);
        let failure = report.failure.expect("the race is found");
        assert_eq!(
            steps(&failure.run),
            [
                "A: database[\"product4\"] = \"410\"",
                "B: database[\"product4\"] = \"420\"",
                "B: HSET product_prices product4 420",
                "A: HSET product_prices product4 410",
            ]
        );
        // The program's own setup (its `update_price('product1', 150)`) is not the checker's.
        assert_eq!(
            failure.run.stores.rows.get("product1").map(String::as_str),
            Some("100")
        );
        assert_eq!(
            failure.run.ended,
            [Ended::Returned(None), Ended::Returned(None)]
        );
        // Each client's Python ran once per distinct history: 3 + 3 here (first op, second,
        // end), less than once per schedule and step.
        assert!(report.process_runs <= 6 * 2, "{}", report.process_runs);
    }

    #[test]
    fn invalidating_survives_every_schedule_and_its_return_value_is_kept() {
        let make = || {
            vec![
                client(INVALIDATE, "update_price('product4', 410)"),
                client(INVALIDATE, "update_price('product4', 420)"),
            ]
        };
        let none = vec![Vec::new()];
        let runs = std::cell::RefCell::new(Vec::new());
        let keep = |run: &Run| {
            runs.borrow_mut().push(run.ended.clone());
            no_stale(run)
        };
        let report = every_schedule(&make, &none, &keep);
        assert_eq!(report.schedules, 6);
        assert!(report.failure.is_none());
        let ok = Ended::Returned(Some("'ok'".to_owned()));
        assert!(runs
            .into_inner()
            .iter()
            .all(|e| e == &vec![ok.clone(), ok.clone()]));
    }

    #[test]
    fn a_refused_database_write_raises_in_the_learners_code_and_cache_first_leaves_a_phantom() {
        let faults: Vec<Vec<Fault>> = (0..2)
            .map(|at| {
                vec![Fault {
                    client: 0,
                    at,
                    kind: FaultKind::DatabaseWriteFails,
                }]
            })
            .collect();
        let make = || vec![client(CACHE_FIRST, "update_price('product4', 410)")];
        let report = every_schedule(&make, &faults, &no_stale);
        let failure = report.failure.expect("the phantom price is found");
        assert_eq!(failure.faults[0].at, 1);
        match &failure.run.ended[0] {
            Ended::Raised(e) => {
                assert!(e.starts_with("DatabaseError: the database refused"), "{e}")
            }
            other => panic!("{other:?}"),
        }
        let make = || vec![client(DATABASE_FIRST, "update_price('product4', 410)")];
        let report = every_schedule(&make, &faults, &no_stale);
        assert!(report.failure.is_none());
        assert_eq!(report.faults, 1);
    }
}

// ---- The challenges, with their known answers ----

mod challenges_known_answers {
    use std::rc::Rc;

    use write_through_lab::challenges::{check, find, Verdict, CHALLENGES};
    use write_through_lab::checker::Process;
    use write_through_lab::python::{Client, Limits};

    fn now() -> f64 {
        0.0
    }

    /// The checker's clients of the program `source`: each runs one call of it.
    pub(super) fn clients_of(source: &str) -> impl Fn(&str) -> Box<dyn Process> {
        let source: Rc<str> = Rc::from(source);
        move |call: &str| -> Box<dyn Process> {
            Box::new(Client {
                source: Rc::clone(&source),
                call: call.to_owned(),
                limits: Limits::client(),
                now_ms: now,
            })
        }
    }

    pub(super) fn verdict(id: &str, source: &str) -> Verdict {
        check(id, &clients_of(source)).expect("a challenge")
    }

    pub(super) fn steps(v: &Verdict) -> Vec<String> {
        v.counterexample
            .as_ref()
            .map(|f| {
                f.run
                    .events
                    .iter()
                    .map(|e| format!("{}: {}", ["A", "B", "C"][e.client.min(2)], e.op.describe()))
                    .collect()
            })
            .unwrap_or_default()
    }

    fn fails(id: &str, source: &str, expected: &str) -> Verdict {
        let v = verdict(id, source);
        assert!(!v.passed, "{id} passed: {}", v.message);
        assert!(v.message.contains(expected), "{id}: {}", v.message);
        v
    }

    pub(super) const HEADER: &str =
        "import redis\n\nredis_client = redis.Redis(host='localhost', port=6379, db=0)\n\n";

    #[test]
    fn every_challenges_solution_passes_and_its_starter_fails() {
        for challenge in CHALLENGES {
            let solved = verdict(challenge.id, challenge.solution);
            assert!(solved.passed, "{}: {}", challenge.id, solved.message);
            assert!(solved.message.starts_with("Passed: "), "{}", solved.message);
            let starter = verdict(challenge.id, challenge.starter);
            assert!(!starter.passed, "{}: the starter passes", challenge.id);
            assert!(starter.counterexample.is_some());
        }
        assert!(find("no-such-challenge").is_none());
    }

    #[test]
    fn database_refuses_catches_a_phantom_a_silent_failure_and_a_hard_coded_answer() {
        let starter = find("database-refuses").unwrap().starter;
        fails(
            "database-refuses",
            starter,
            "update_price('product2', 275) with the database refusing its write: the cache holds product2 = 275, the database product2 = 200",
        );
        let silent = format!("{HEADER}def update_price(product, new_price):\n    try:\n        database[product] = new_price\n    except Exception:\n        return\n    redis_client.hset('product_prices', product, new_price)\n");
        fails(
            "database-refuses",
            &silent,
            "it returned as if it had succeeded",
        );
        let hard_coded = format!("{HEADER}def update_price(product, new_price):\n    database['product1'] = new_price\n    redis_client.hset('product_prices', 'product1', new_price)\n");
        fails(
            "database-refuses",
            &hard_coded,
            "update_price('product2', 275): with no fault",
        );
    }

    #[test]
    fn redis_full_wants_the_stale_field_gone_and_the_failure_said() {
        let starter = find("redis-full").unwrap().starter;
        fails(
            "redis-full",
            starter,
            "with Redis answering OOM: the cache holds product2 = 200, the database product2 = 275",
        );
        let quiet = format!("{HEADER}def update_price(product, new_price):\n    database[product] = new_price\n    try:\n        redis_client.hset('product_prices', product, new_price)\n    except redis.ResponseError:\n        redis_client.hdel('product_prices', product)\n");
        fails("redis-full", &quiet, "it returned as if it had succeeded");
    }

    #[test]
    fn write_behind_wants_a_durable_queue_flushed_database_first() {
        let starter = find("write-behind").unwrap().starter;
        let v = fails(
            "write-behind",
            starter,
            "update_price returned, so the write was acknowledged, but the database holds product2 = 200: the write was lost",
        );
        // The shortest: acknowledged, then the crash before flush() wrote the database.
        assert_eq!(
            steps(&v),
            [
                "A: HSET product_prices product2 275",
                "A: ECHO \"update_price returned: the write is acknowledged\""
            ]
        );
        let queue_last = format!("{HEADER}def update_price(product, new_price):\n    redis_client.hset('pending_writes', product, new_price)\n    redis_client.hset('product_prices', product, new_price)\n\ndef flush():\n    for product, price in redis_client.hgetall('pending_writes').items():\n        redis_client.hdel('pending_writes', product)\n        database[product.decode()] = price.decode()\n");
        fails("write-behind", &queue_last, "the write was lost");
        let through = format!("{HEADER}def update_price(product, new_price):\n    database[product] = new_price\n    redis_client.hset('product_prices', product, new_price)\n\ndef flush():\n    pass\n");
        fails(
            "write-behind",
            &through,
            "update_price('product2', 275) wrote the database itself",
        );
    }

    #[test]
    fn crash_between_needs_a_recover_that_trusts_the_database() {
        let starter = find("crash-between").unwrap().starter;
        let v = fails(
            "crash-between",
            starter,
            "with a crash in the middle, then recover(): the cache holds product2 = 275, the database product2 = 200",
        );
        assert_eq!(steps(&v), ["A: HSET product_prices product2 275"]);
        let trace = v.trace().expect("a counterexample");
        let kinds: Vec<_> = trace.steps.iter().map(|s| s.kind).collect();
        assert_eq!(
            kinds,
            [
                write_through_lab::engine::StepKind::CacheWrite,
                write_through_lab::engine::StepKind::Crash
            ]
        );
        let database_first = format!("{HEADER}def update_price(product, new_price):\n    database[product] = new_price\n    redis_client.hset('product_prices', product, new_price)\n\ndef recover():\n    pass\n");
        fails(
            "crash-between",
            &database_first,
            "the cache holds product2 = 200, the database product2 = 275",
        );
    }

    #[test]
    fn two_writers_show_the_four_step_race_and_a_lock_survives() {
        let starter = find("two-writers").unwrap().starter;
        let v = fails(
            "two-writers",
            starter,
            "after all calls the cache holds product3 = 310, the database product3 = 320",
        );
        assert_eq!(
            steps(&v),
            [
                "A: database[\"product3\"] = \"310\"",
                "B: database[\"product3\"] = \"320\"",
                "B: HSET product_prices product3 320",
                "A: HSET product_prices product3 310",
            ]
        );
        let cache_first = format!("{HEADER}def update_price(product, new_price):\n    redis_client.hset('product_prices', product, new_price)\n    database[product] = new_price\n");
        fails(
            "two-writers",
            &cache_first,
            "after all calls the cache holds",
        );

        // The counterexample drawn as a race: each step by its writer, the stores apart at the end.
        let trace = v.trace().expect("a counterexample");
        let writers: Vec<&str> = trace
            .steps
            .iter()
            .filter_map(|s| s.writer.map(|w| w.label()))
            .collect();
        assert_eq!(writers, ["A", "B", "B", "A"]);
        assert!(matches!(
            trace.outcome,
            write_through_lab::engine::Outcome::Failed(_)
        ));
        assert!(!trace.steps.last().unwrap().consistency.in_step);
    }
}

/// redis-py's transactions as the lab's Python gives them: the same program, run with CPython and
/// redis-py against a real redis-server, printed `tests/clients/transactions.out`
/// (tests/resp_server.rs keeps that recording current).
#[test]
fn pipelines_watch_and_transactions_print_what_redis_py_printed_against_redis_server() {
    let source = include_str!("clients/transactions.py");
    let (rec, _) = go(source, None);
    assert_eq!(rec.ending, Ending::Finished, "{rec:?}");
    assert_eq!(rec.output(), include_str!("clients/transactions.out"));
}

/// redis-py's everyday calls print in the lab's Python what CPython + redis-py printed against
/// redis-server (tests/resp_server.rs checks that recording against both servers).
#[test]
fn redis_py_everyday_calls_print_what_they_printed_against_redis_server() {
    let (rec, _) = go(include_str!("clients/everyday.py"), None);
    assert_eq!(rec.ending, Ending::Finished, "{rec:?}");
    assert_eq!(rec.output(), include_str!("clients/everyday.out"));
}

/// The transactions' answers to the challenges: `two-writers` with WATCH/MULTI/EXEC, `read-path`.
mod transactions_in_challenges {
    use super::challenges_known_answers::{steps, verdict, HEADER};
    use write_through_lab::challenges::find;

    /// The canonical optimistic answer: WATCH the hash, write the database, then the cache in
    /// MULTI/EXEC, again from the start when EXEC says a watched key changed.
    #[test]
    fn two_writers_is_solved_with_a_watched_pipeline() {
        let source = format!(
            "{HEADER}def update_price(product, new_price):\n    with redis_client.pipeline() as pipe:\n        while True:\n            try:\n                pipe.watch('product_prices')\n                database[product] = new_price\n                pipe.multi()\n                pipe.hset('product_prices', product, new_price)\n                pipe.execute()\n                return\n            except redis.WatchError:\n                continue\n"
        );
        let v = verdict("two-writers", &source);
        assert!(v.passed, "{}\n{:?}", v.message, steps(&v));
    }

    /// The same with the commands sent by hand through execute_command.
    #[test]
    fn two_writers_is_solved_with_watch_multi_exec_by_hand() {
        let source = format!(
            "{HEADER}def update_price(product, new_price):\n    while True:\n        redis_client.execute_command('WATCH product_prices')\n        database[product] = new_price\n        redis_client.execute_command('MULTI')\n        redis_client.execute_command(f'HSET product_prices {{product}} {{new_price}}')\n        if redis_client.execute_command('EXEC') is not None:\n            return\n"
        );
        let v = verdict("two-writers", &source);
        assert!(v.passed, "{}\n{:?}", v.message, steps(&v));
    }

    /// A transaction with no WATCH makes the cache write atomic, not the pair: it still races.
    #[test]
    fn two_writers_fails_with_a_transaction_that_watches_nothing() {
        let source = format!(
            "{HEADER}def update_price(product, new_price):\n    database[product] = new_price\n    pipe = redis_client.pipeline()\n    pipe.hset('product_prices', product, new_price)\n    pipe.execute()\n"
        );
        let v = verdict("two-writers", &source);
        assert!(!v.passed, "{}", v.message);
        assert_eq!(
            steps(&v),
            // MULTI and the queued HSET are A's own business: made at once, not a switch point.
            [
                "A: database[\"product3\"] = \"310\"",
                "A: MULTI",
                "A: HSET product_prices product3 310",
                "B: database[\"product3\"] = \"320\"",
                "B: MULTI",
                "B: HSET product_prices product3 320",
                "B: EXEC",
                "A: EXEC",
            ]
        );
        // Drawn for the page, each writer on its own connection: both transactions run.
        let trace = write_through_lab::python::wire::Challenged::of(&v)
            .trace()
            .expect("a counterexample");
        let results: Vec<&str> = trace.steps.iter().map(|s| s.result.as_str()).collect();
        assert_eq!(
            results,
            [
                "committed",
                "OK",
                "QUEUED",
                "committed",
                "OK",
                "QUEUED",
                "1) (integer) 0",
                "1) (integer) 0"
            ]
        );
    }

    #[test]
    fn read_path_starter_shows_the_stale_refill() {
        let starter = find("read-path").unwrap().starter;
        let v = verdict("read-path", starter);
        assert!(!v.passed, "{}", v.message);
        assert!(
            v.message.contains("after all calls the cache holds product2 = 200, the database product2 = 240: a reader filled the cache with an old price"),
            "{}",
            v.message
        );
        assert_eq!(
            steps(&v),
            [
                "A: HGET product_prices product2",
                "A: database[\"product2\"]",
                "B: database[\"product2\"] = \"240\"",
                "B: HDEL product_prices product2",
                "A: HSET product_prices product2 200",
            ]
        );
        // As the page draws it (the worker's message, then the trace): from a miss, each
        // lifeline named by its call.
        let sent = write_through_lab::python::wire::Challenged::of(&v);
        let bytes = write_through_lab::wire::encode(&sent);
        let got: write_through_lab::python::wire::Challenged =
            write_through_lab::wire::decode(&bytes).expect("decodes");
        let trace = got.trace().expect("a counterexample");
        assert_eq!(
            trace.clients,
            ["get_price('product2')", "update_price('product2', 240)"]
        );
        // The client that calls get_price is a reader, on the stage and in the narration.
        assert_eq!(
            trace.role_of(write_through_lab::engine::Writer::A),
            "Reader A"
        );
        assert_eq!(
            trace.role_of(write_through_lab::engine::Writer::B),
            "Writer B"
        );
        assert!(
            trace.steps[0]
                .narration
                .starts_with("Reader A: HGET product_prices product2"),
            "{}",
            trace.steps[0].narration
        );
        assert_eq!(
            (
                trace.steps[0].action.as_str(),
                trace.steps[0].result.as_str()
            ),
            ("HGET product_prices product2", "(nil)")
        );
        assert_eq!(trace.steps[4].result, "(integer) 1");
        // "Predict what HGET returns" offers each answer once, though the old price is a miss.
        for p in write_through_lab::engine::predict::predictions(&trace) {
            let mut seen = p.choices.clone();
            seen.sort();
            seen.dedup();
            assert_eq!(seen.len(), p.choices.len(), "{:?}", p.choices);
        }
        // Each step marks the learner's line that made it.
        let line_of = |i: usize| {
            let n = trace.steps[i].code.python as usize;
            starter
                .lines()
                .nth(n.wrapping_sub(1))
                .unwrap_or_default()
                .trim()
        };
        assert_eq!(
            (0..5).map(line_of).collect::<Vec<_>>(),
            [
                "cached = redis_client.hget('product_prices', product)",
                "price = database[product]  # a miss: the database has it",
                "database[product] = new_price",
                "redis_client.hdel('product_prices', product)  # the next read refills it",
                "redis_client.hset('product_prices', product, price)  # fill the cache",
            ]
        );
    }

    /// WATCHing the hash is not enough: the writer's HDEL of a field that is not there modifies
    /// nothing, so the reader's EXEC still runs.
    #[test]
    fn read_path_fails_when_the_reader_watches_only_the_hash() {
        let source = format!(
            "{HEADER}def get_price(product):\n    with redis_client.pipeline() as pipe:\n        pipe.watch('product_prices')\n        cached = pipe.hget('product_prices', product)\n        if cached is not None:\n            return cached.decode()\n        price = database[product]\n        pipe.multi()\n        pipe.hset('product_prices', product, price)\n        try:\n            pipe.execute()\n        except redis.WatchError:\n            pass\n        return price\n\ndef update_price(product, new_price):\n    database[product] = new_price\n    redis_client.hdel('product_prices', product)\n"
        );
        let v = verdict("read-path", &source);
        assert!(!v.passed, "{}", v.message);
        assert!(
            v.message
                .contains("a reader filled the cache with an old price"),
            "{}",
            v.message
        );
    }

    /// A reader that never fills the cache cannot pass by doing nothing, nor one that hard-codes.
    #[test]
    fn read_path_wants_a_reader_that_fills_and_returns_the_price() {
        let never_fills = format!(
            "{HEADER}def get_price(product):\n    return database[product]\n\ndef update_price(product, new_price):\n    database[product] = new_price\n    redis_client.hdel('product_prices', product)\n"
        );
        let v = verdict("read-path", &never_fills);
        assert!(!v.passed);
        assert!(
            v.message
                .contains("must fill the cache with product2 = 200"),
            "{}",
            v.message
        );
        let hard_coded = format!(
            "{HEADER}def get_price(product):\n    redis_client.hset('product_prices', product, 200)\n    return '200'\n\ndef update_price(product, new_price):\n    database[product] = new_price\n    redis_client.hdel('product_prices', product)\n"
        );
        let v = verdict("read-path", &hard_coded);
        assert!(!v.passed, "{}", v.message);
    }
}

/// `time.sleep` passes at once and moves the program's clock on; a negative one is CPython's
/// `ValueError`; one that would take the run past its time limit stops it and says so.
#[test]
fn time_sleep_moves_the_programs_clock_and_a_long_one_is_cut() {
    // (The real clock moves on too while the program runs: the sleep is a lower bound, and the
    // run's time limit of 1 s an upper one.)
    let source = "import time\nt = time.time()\nm = time.monotonic()\ntime.sleep(0.25)\nprint(0.25 <= time.time() - t < 1.25, 0.25 <= time.monotonic() - m < 1.25)\ntry:\n    time.sleep(-1)\nexcept ValueError as e:\n    print(e)\n";
    let (rec, _) = go(source, None);
    assert_eq!(rec.ending, Ending::Finished, "{rec:?}");
    assert_eq!(
        rec.output(),
        "True True\nsleep length must be non-negative\n"
    );

    let (rec, _) = go(
        "import time\nprint('before')\ntime.sleep(5)\nprint('after')\n",
        None,
    );
    assert_eq!(rec.output(), "before\n");
    let Ending::Stopped(why) = &rec.ending else {
        panic!("{:?}", rec.ending)
    };
    assert!(
        why.starts_with("Stopped at time.sleep(5): a run of the lab lasts at most 1000 ms"),
        "{why}"
    );
}

/// Under the checker a client's clock is pinned (a fixed start plus its sleeps), so a lock whose
/// token is the time, waited for with `time.sleep`, is run again exactly and survives the race.
#[test]
fn a_lock_with_a_time_token_and_sleeps_survives_two_writers() {
    let source = "import time\nimport redis\nredis_client = redis.Redis()\n\ndef update_price(product, new_price):\n    lock, token = 'lock:' + product, str(time.time())\n    while not redis_client.set(lock, token, nx=True, px=5000):\n        time.sleep(0.01)\n    try:\n        database[product] = new_price\n        redis_client.hset('product_prices', product, new_price)\n    finally:\n        if redis_client.get(lock) == token.encode():\n            redis_client.delete(lock)\n";
    let v = challenges_known_answers::verdict("two-writers", source);
    assert!(v.passed, "{}", v.message);
}

/// The race panel with the learner's own update_price: the moves say whose store operation
/// comes next; the tutorial's function goes stale under A, B, B, A and not under A, A, B, B.
#[test]
fn the_race_panel_races_the_learners_own_function_in_the_order_picked() {
    use write_through_lab::engine::trace::OperationKind;
    use write_through_lab::engine::Writer::{A, B};
    use write_through_lab::python::wire::Challenged;
    let starter = write_through_lab::challenges::find("two-writers")
        .unwrap()
        .starter;
    let clients = challenges_known_answers::clients_of(starter);
    let (run, broken, calls) = write_through_lab::challenges::race(&clients, &[A, B, B, A]);
    assert_eq!(
        broken.as_deref(),
        Some("the cache holds product1 = 150, the database product1 = 175")
    );
    assert_eq!(
        calls,
        [
            "update_price('product1', 150)",
            "update_price('product1', 175)"
        ]
    );
    let drawn = Challenged::of_race(&run, broken, calls).race_trace();
    assert_eq!(drawn.operation, OperationKind::Race);
    let who: Vec<&str> = drawn
        .steps
        .iter()
        .filter_map(|s| s.writer.map(|w| w.label()))
        .collect();
    assert_eq!(who, ["A", "B", "B", "A"]);
    assert!(!drawn.steps.last().unwrap().consistency.in_step);

    let (_, broken, _) = write_through_lab::challenges::race(&clients, &[A, A, B, B]);
    assert_eq!(broken, None);
}

/// Issue #22: long programs run to their end (or to their time limit), every store operation is
/// applied, and the page gets the run folded.
mod long_programs {
    use super::block_on::block_on;
    use super::replayed::lab;
    use super::*;
    use write_through_lab::db::Database;
    use write_through_lab::engine::StepKind;
    use write_through_lab::python::wire::Ran;

    const LOOP: &str = "import redis\nredis_client = redis.Redis()\nfor i in range(10000):\n    redis_client.hset('product_prices', 'product1', i)\n";

    #[test]
    fn a_loop_of_ten_thousand_iterations_runs_to_its_end() {
        let (rec, mut stores) = go(LOOP, None);
        assert_eq!(rec.ending, Ending::Finished);
        assert_eq!(hget(&mut stores, "product1"), Reply::Bulk(b"9999".to_vec()));
        assert_eq!(rec.lines().len(), 2 + 2 * 10_000 + 1);
    }

    #[test]
    fn the_page_gets_the_loop_folded_and_its_replay_ends_the_stores_where_the_program_did() {
        let (rec, _) = go(LOOP, None);
        let ran = Ran::of(&rec, LOOP);
        assert!(ran.program.len() < 20, "{:#?}", ran.program.len());
        // Through the worker's wire and back, folds included.
        let bytes = write_through_lab::wire::encode(&ran);
        let ran: Ran = write_through_lab::wire::decode(&bytes).unwrap();
        let lab = lab();
        let trace = block_on(lab.run_recorded(&ran.program, "", ""));
        let folded: Vec<_> = trace
            .steps
            .iter()
            .filter(|s| s.kind == StepKind::Folded)
            .collect();
        assert_eq!(folded.len(), 1);
        let step = folded[0];
        assert_eq!(step.action, "lines 3–4 ran 9,996 more times");
        assert_eq!(step.result, "cache product1 1 → 9997");
        let detail = step.folded.as_ref().unwrap();
        assert_eq!(detail.rows.len(), 9_996);
        assert_eq!(detail.rows[0].action, "HSET product_prices product1 2");
        assert_eq!(detail.rows[0].line, 4);
        // The iterations after the fold are shown in full, and the cache ends at 9999.
        let last = trace.steps.last().unwrap();
        assert!(last
            .cache
            .contains(&("product1".to_owned(), "9999".to_owned())));
        assert!(trace.steps.len() < 20, "{}", trace.steps.len());
    }

    #[test]
    fn a_folded_database_loop_sends_each_row_its_last_write() {
        let source = "for i in range(50):\n    database['product2'] = str(i)\n    database['product3'] = str(2 * i)\n";
        let (rec, stores) = go(source, None);
        assert_eq!(stores.rows["product2"], "49");
        let ran = Ran::of(&rec, source);
        let lab = lab();
        let trace = block_on(lab.run_recorded(&ran.program, "", ""));
        let last = trace.steps.last().unwrap();
        assert!(last
            .database
            .contains(&("product2".to_owned(), "49".to_owned())));
        assert!(last
            .database
            .contains(&("product3".to_owned(), "98".to_owned())));
        let rows = block_on(lab.stores().db().all()).unwrap();
        assert!(
            rows.iter().any(|r| r.id == "product2" && r.price == "49"),
            "{rows:?}"
        );
        let step = trace
            .steps
            .iter()
            .find(|s| s.kind == StepKind::Folded)
            .unwrap();
        let opened = &step.folded.as_ref().unwrap().rows;
        assert_eq!(opened.len(), 2 * 46);
        assert_eq!(opened[0].result, "replaced by a later write in this fold");
        assert!(
            opened[opened.len() - 1].result.starts_with("committed"),
            "{:?}",
            opened.last()
        );
    }

    /// A clock that moves 50 ms per reading (the lab reads it every 1,024 instructions of a
    /// busy line: a slower clock only makes the test longer).
    fn ticking() -> Box<dyn Fn() -> f64> {
        let tick = std::cell::Cell::new(0.0);
        Box::new(move || {
            tick.set(tick.get() + 50.0);
            tick.get()
        })
    }

    #[test]
    fn a_loop_on_one_line_is_stopped_by_the_time_limit_with_what_it_did_kept() {
        for source in [
            "x = 0\nfor i in range(10 ** 9): x += 1\n",
            "while True: pass\n",
            "redis_client = __import__('redis').Redis()\nredis_client.hset('product_prices', 'product1', 5)\ntotal = sum([i for i in range(10 ** 8)])\n",
        ] {
            let (rec, mut stores) = run(source, None, seed(), Limits::default(), ticking());
            assert!(
                matches!(&rec.ending, Ending::Stopped(why) if why.contains("at most 1000 ms")),
                "{source}: {:?}",
                rec.ending
            );
            if source.contains("hset") {
                assert_eq!(hget(&mut stores, "product1"), Reply::Bulk(b"5".to_vec()));
            }
        }
    }
}

/// Under the checker a client is run again from its start for every step it takes, so its
/// `random` must start from one seed each time (like its clock), whether the module was
/// imported before in the interpreter or not: the same calls give the same values. A program
/// run after a check (the same interpreter) is seeded afresh again, not left on the checker's
/// seed. (On a thread with a stack of its own: an import nests modules.)
#[test]
fn random_and_uuid_replay_exactly_under_the_checker_and_only_there() {
    on_big_stack(|| {
        use write_through_lab::checker::{Ended, Next, Process};
        use write_through_lab::python::Client;
        let source = "import random, uuid\nfirst = random.random()\n\ndef update_price(product, new_price):\n    return f'{first} {random.randint(1, 10**9)} {uuid.uuid4()}'\n";
        let mut client = Client {
            source: source.into(),
            call: "update_price('product1', 150)".to_owned(),
            limits: Limits::client(),
            now_ms: || 0.0,
        };
        let first = client.resume(&[]);
        let Next::Ended(Ended::Returned(Some(value))) = &first else {
            panic!("{first:?}")
        };
        assert_eq!(value.split(' ').count(), 3, "{value}");
        // random.seed(0); random.random() in CPython.
        assert!(value.starts_with("'0.8444218515250481 "), "{value}");
        for _ in 0..3 {
            assert_eq!(client.resume(&[]), first);
        }
        // Outside the checker a program's random is not pinned: two runs differ, and
        // neither is the checker's seed.
        let program = "import random\nprint(random.random())\n";
        let (a, b) = (go(program, None).0.output(), go(program, None).0.output());
        assert_ne!(a, b);
        assert_ne!(a, "0.8444218515250481\n");
    });
}
