//! The emulator against the real thing, live: every case in `tests/differential/*.redis`, and
//! seeded random command sequences, are fed to `redis-cli --no-raw` connected to a real Redis 7.0
//! and to `minired`. For each case, Redis's output must equal the recording in
//! `tests/differential/NAME.out` (otherwise the recording is stale: run
//! `scripts/record-differential.sh`), and `minired`'s must equal it too; for each random session,
//! the two outputs must be byte-for-byte identical. This is the final word;
//! `tests/differential_recorded.rs` checks `minired` against the recordings with no server.
//!
//! The test starts its own `redis-server` on a free loopback port (Debian's `redis-server` and
//! `redis-tools`, installed by `make test`), and stops it afterwards. Without them on `PATH` it
//! says so on stderr and passes, unless `WTL_REQUIRE_REDIS=1` (set by `make test`) makes that a
//! failure.
#![cfg(not(target_arch = "wasm32"))]

use write_through_lab::emulator::quote_arg;
use write_through_lab::emulator::rng::Rng;

#[path = "support/differential.rs"]
mod differential;

use differential::{
    assert_no_failures, cases, check_minired, difference, installed, minired, show,
    skip_unless_required, RedisServer, RECORD,
};

/// Whether Debian's `redis-server` and `redis-cli` are on `PATH`; if not, and
/// `WTL_REQUIRE_REDIS=1` is not set, says on stderr why the live test does nothing.
fn redis_available() -> bool {
    let missing: Vec<&str> = ["redis-server", "redis-cli"]
        .into_iter()
        .filter(|program| !installed(program))
        .collect();
    if missing.is_empty() {
        return true;
    }
    skip_unless_required(&format!(
        "the live differential test needs Debian's redis-server and redis-tools, and PATH has no \
         {}; `make test` installs them (scripts/setup.sh test) and runs this test; \
         tests/differential_recorded.rs still checks minired against the recordings",
        missing.join(" and no ")
    ));
    false
}

/// Both sides of the test need the server; one test runs both parts so that one server serves.
#[test]
fn emulator_matches_real_redis_byte_for_byte() {
    if !redis_available() {
        return;
    }
    let redis = RedisServer::start();
    let version = redis.cli(b"INFO server\n", &[]);
    assert!(
        show(&version).contains("redis_version:7.0."),
        "expected Redis 7.0, got {}",
        show(&version)
    );

    let (cases, mut failures) = cases();
    for case in &cases {
        let live = redis.fresh(&case.input);
        let expected = match &case.recorded {
            Some(recorded) if *recorded != live => {
                failures.push(difference(
                    &format!("recording stale: {RECORD}; case {}", case.name),
                    &case.input,
                    ("recorded redis-cli", recorded),
                    ("live redis-cli", &live),
                ));
                &live
            }
            Some(recorded) => recorded,
            // The missing or stale recording is one of the failures already.
            None => &live,
        };
        check_minired(case, ("redis-cli", expected), &mut failures);
    }
    assert_no_failures(&failures, &cases);

    random_sequences(&redis);
}

/// Seeded random sessions over a small space of keys, fields and values (in the spirit of
/// fakeredis's state-machine tests): each session runs on a flushed server and on a fresh
/// `minired`, and the outputs must match.
fn random_sequences(redis: &RedisServer) {
    let seed: u64 = std::env::var("WTL_DIFF_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_261_126);
    let sessions: usize = std::env::var("WTL_DIFF_SESSIONS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(150);
    let mut rng = Rng::seeded(seed);
    for session in 0..sessions {
        let input: Vec<u8> = (0..40).flat_map(|_| random_line(&mut rng)).collect();
        let expected = redis.fresh(&input);
        let actual = minired(&input);
        if expected != actual {
            panic!(
                "{}",
                difference(
                    &format!("random session {session} (WTL_DIFF_SEED={seed})"),
                    &input,
                    ("redis-cli", &expected),
                    ("minired", &actual),
                )
            );
        }
    }
}

fn pick<'a>(rng: &mut Rng, items: &[&'a str]) -> &'a str {
    items[rng.below(items.len())]
}

const KEYS: [&str; 4] = ["h", "product_prices", "s", "k"];
const FIELDS: [&str; 6] = ["product1", "product2", "f", "a b", "", "é"];
const VALUES: [&str; 22] = [
    "100",
    "150",
    "0",
    "-1",
    "007",
    "1.5",
    "0.1",
    "-0",
    "abc",
    "",
    " 5",
    "1e3",
    "9223372036854775807",
    "-9223372036854775808",
    "0x1p-1",
    "inf",
    "nan",
    "2.5e-3",
    "é",
    "10",
    "3",
    "+2",
];

/// One random command line (with its newline), mostly well-formed, sometimes not.
fn random_line(rng: &mut Rng) -> Vec<u8> {
    let key = pick(rng, &KEYS);
    let field = pick(rng, &FIELDS);
    let value = pick(rng, &VALUES);
    let mut args: Vec<String> = match rng.below(24) {
        0..=2 => {
            let mut a = vec!["HSET".into(), key.into()];
            for _ in 0..=rng.below(3) {
                a.push(pick(rng, &FIELDS).into());
                a.push(pick(rng, &VALUES).into());
            }
            a
        }
        3 => vec!["HMSET".into(), key.into(), field.into(), value.into()],
        4 => vec!["HSETNX".into(), key.into(), field.into(), value.into()],
        5 | 6 => vec!["HGET".into(), key.into(), field.into()],
        7 => vec![
            "HMGET".into(),
            key.into(),
            field.into(),
            pick(rng, &FIELDS).into(),
        ],
        8 => vec!["HGETALL".into(), key.into()],
        9 => vec![pick(rng, &["HKEYS", "HVALS", "HLEN"]).into(), key.into()],
        10 => vec![
            pick(rng, &["HEXISTS", "HSTRLEN"]).into(),
            key.into(),
            field.into(),
        ],
        11 => vec![
            "HDEL".into(),
            key.into(),
            field.into(),
            pick(rng, &FIELDS).into(),
        ],
        12 | 13 => vec!["HINCRBY".into(), key.into(), field.into(), value.into()],
        14 | 15 => vec![
            "HINCRBYFLOAT".into(),
            key.into(),
            field.into(),
            value.into(),
        ],
        16 => vec![
            "HSCAN".into(),
            key.into(),
            pick(rng, &["0", "1", "x"]).into(),
            "MATCH".into(),
            pick(rng, &["*", "product*", "?", "[a-f]*"]).into(),
        ],
        17 => vec![pick(rng, &["DEL", "EXISTS", "TYPE"]).into(), key.into()],
        18 => vec![
            "SET".into(),
            key.into(),
            value.into(),
            pick(rng, &["NX", "XX", "GET", "KEEPTTL"]).into(),
        ],
        19 => vec![pick(rng, &["GET", "INCR"]).into(), key.into()],
        20 => vec!["RENAME".into(), key.into(), pick(rng, &KEYS).into()],
        21 => vec![pick(rng, &["DBSIZE", "PING", "FLUSHDB"]).into()],
        22 => vec![
            "HRANDFIELD".into(),
            key.into(),
            pick(rng, &["0", "50", "-0", "x"]).into(),
        ],
        _ => vec![pick(rng, &["HSET", "HGET", "HINCRBY", "SET", "ECHO", "NOPE"]).into()],
    };
    // Sometimes an extra argument, to exercise arity errors.
    if rng.below(12) == 0 {
        args.push(pick(rng, &VALUES).into());
    }
    let mut line = args
        .iter()
        .map(|a| quote_arg(a.as_bytes()))
        .collect::<Vec<_>>()
        .join(" ");
    line.push('\n');
    line.into_bytes()
}
