//! `execute_command` and the redis-cli layer never panic, whatever a learner (or a fuzzer)
//! types: binary junk, megabyte lines, odd quoting, every command with every arity.
#![cfg(not(target_arch = "wasm32"))]

use write_through_lab::emulator::cli::Session;
use write_through_lab::emulator::cmd::COMMANDS;
use write_through_lab::emulator::rng::Rng;
use write_through_lab::emulator::{Emulator, LineError, Reply};

fn emulator() -> Emulator {
    Emulator::new(Box::new(|| 1_700_000_000_000), 42)
}

#[test]
fn random_bytes_never_panic_and_always_answer() {
    let mut rng = Rng::seeded(5);
    let mut session = Session::with_max_repeat(emulator(), 100);
    let alphabet: &[u8] =
        b" \t\r\x0b\x0c\"'\\xX0123456789abcdefAF*?[]^-HSETGLDINCRhsetgeldincr\x00\xff\xc3\xa9";
    for _ in 0..20_000 {
        let len = rng.below(40);
        let line: Vec<u8> = (0..len)
            .map(|_| alphabet[rng.below(alphabet.len())])
            .collect();
        let out = session.feed_line(&line);
        if session.is_finished() {
            session = Session::with_max_repeat(emulator(), 100);
        }
        // Whatever happened is printable.
        let _ = String::from_utf8_lossy(&out.stdout);
    }
}

#[test]
fn every_command_with_every_small_arity_answers() {
    let args = [
        "k",
        "f",
        "1",
        "-1",
        "0",
        "x",
        "WITHVALUES",
        "MATCH",
        "COUNT",
        "EX",
        "GET",
        "NX",
    ];
    let mut redis = emulator();
    redis.execute_command("HSET k f 1 g 2").unwrap();
    for spec in COMMANDS {
        for n in 0..=8 {
            let mut line = spec.name.to_owned();
            for a in args.iter().cycle().skip(n).take(n) {
                line.push(' ');
                line.push_str(a);
            }
            let reply = redis.execute_command(&line).unwrap();
            assert!(!reply.to_cli_string().is_empty(), "{line}");
        }
    }
}

#[test]
fn a_megabyte_line_is_handled() {
    let mut redis = emulator();
    let value = "v".repeat(1 << 20);
    let reply = redis
        .execute_command(format!("HSET big f {value}"))
        .unwrap();
    assert_eq!(reply, Reply::Integer(1));
    assert_eq!(
        redis.execute_command("HSTRLEN big f").unwrap(),
        Reply::Integer(1 << 20)
    );
    let quoted_junk = format!("ECHO \"{}", "\\x".repeat(1 << 19));
    assert_eq!(
        redis.execute_command(quoted_junk),
        Err(LineError::InvalidArguments)
    );
    redis.execute_command("HSET small f 1").unwrap();
    let many_args = format!("HMGET small {}", "f ".repeat(1 << 18));
    assert!(
        matches!(redis.execute_command(many_args).unwrap(), Reply::Array(a) if a.len() == 1 << 18)
    );
}

#[test]
fn odd_quoting_is_an_error_not_a_crash() {
    let mut redis = emulator();
    for line in [
        "\"",
        "'",
        "\"\\",
        "'\\",
        "a\"",
        "\"a\"\"b\"",
        "\"\\x\"",
        "\"\\x4\"",
        "''''",
        "\"\\\"\"",
    ] {
        let _ = redis.execute_command(line);
    }
    assert_eq!(redis.execute_command("   "), Err(LineError::Empty));
}

#[test]
fn float_edge_values_never_panic() {
    let mut redis = emulator();
    let values = [
        "1e4932",
        "1.18973149535723176502e4932",
        "-1.18973149535723176502e4932",
        "3.6e-4951",
        "4e-4951",
        "0x1p16383",
        "0x1p-16445",
        "0x.8p-16444",
        "1e999999999999999999999",
        "1e-999999999999999999",
        "0x",
        "0x.",
        ".",
        "-.",
        "+",
        "-",
        "e5",
        "0e0",
        "00000000000000000000001.5",
        "0x1P+3",
    ];
    for a in values {
        for b in values {
            redis.execute_command("DEL h").unwrap();
            let _ = redis.execute_command(format!("HSET h f {a}"));
            let reply = redis
                .execute_command(format!("HINCRBYFLOAT h f {b}"))
                .unwrap();
            assert!(
                matches!(reply, Reply::Bulk(_) | Reply::Error(_)),
                "{a} + {b}: {reply:?}"
            );
        }
    }
}

#[test]
fn huge_requests_are_refused_instead_of_freezing() {
    let mut redis = emulator();
    redis.execute_command("HSET h a 1").unwrap();
    let reply = redis
        .execute_command("HRANDFIELD h -9223372036854775807")
        .unwrap();
    assert_eq!(
        reply.to_cli_string(),
        "(error) ERR the emulator returns at most 1000000 random fields in one reply\n"
    );
    assert!(
        matches!(redis.execute_command("HRANDFIELD h -3").unwrap(), Reply::Array(a) if a.len() == 3)
    );
    let mut session = Session::with_max_repeat(emulator(), 1000);
    let out = session.feed_line(b"99999999 PING");
    assert_eq!(
        out.stdout,
        b"This console repeats a command at most 1000 times.\n"
    );
    assert_eq!(session.feed_line(b"2 PING").stdout, b"PONG\nPONG\n");
}

#[test]
fn out_of_memory_refuses_writes_but_serves_reads_and_deletes() {
    let mut redis = emulator();
    redis
        .execute_command("HSET product_prices product1 100")
        .unwrap();
    redis.set_out_of_memory(true);
    let oom = "(error) OOM command not allowed when used memory > 'maxmemory'.\n";
    for write in [
        "HSET product_prices product1 150",
        "HMSET h a 1 b",
        "SET k v",
        "HINCRBY h a 1",
        "INCR n",
    ] {
        assert_eq!(redis.execute_command_printed(write), oom, "{write}");
    }
    // Arity is checked first, as in Redis.
    assert_eq!(
        redis.execute_command_printed("HSET h a"),
        "(error) ERR wrong number of arguments for 'hset' command\n"
    );
    assert_eq!(
        redis.execute_command_printed("HGET product_prices product1"),
        "\"100\"\n"
    );
    assert_eq!(
        redis.execute_command_printed("HDEL product_prices product1"),
        "(integer) 1\n"
    );
    redis.set_out_of_memory(false);
    assert_eq!(
        redis.execute_command_printed("HSET product_prices product1 150"),
        "(integer) 1\n"
    );
}

/// What Redis would allow up to 512 MB, the lab's Redis allows up to its own limit (64 MiB) and
/// answers `OOM` past it, before allocating anything: one learner's SETRANGE or SETBIT must not
/// end the page. Redis's own limits keep Redis's own error text.
#[test]
fn strings_past_the_labs_limit_are_refused_with_oom_not_built() {
    let mut redis = emulator();
    let oom = Reply::Error(b"OOM command not allowed when used memory > 'maxmemory'.".to_vec());
    let too_long =
        Reply::Error(b"ERR string exceeds maximum allowed size (proto-max-bulk-len)".to_vec());
    // 64 MiB exactly is allowed; one byte more is not.
    assert_eq!(
        redis.execute_command("SETRANGE s 67108863 x").unwrap(),
        Reply::Integer(67_108_864)
    );
    assert_eq!(redis.execute_command("SETRANGE s 67108864 x").unwrap(), oom);
    assert_eq!(redis.execute_command("APPEND s x").unwrap(), oom);
    assert_eq!(
        redis.execute_command("SETRANGE t 536870911 x").unwrap(),
        oom
    );
    assert_eq!(
        redis.execute_command("SETRANGE t 536870912 x").unwrap(),
        too_long
    );
    // Bit 2^32 - 1 is in Redis's range (a 512 MB string); the lab refuses it.
    assert_eq!(redis.execute_command("SETBIT b 4294967295 1").unwrap(), oom);
    assert_eq!(
        redis.execute_command("SETBIT b 536870911 1").unwrap(),
        Reply::Integer(0)
    );
    assert_eq!(redis.execute_command("SETBIT b 536870912 1").unwrap(), oom);
    assert_eq!(
        redis.execute_command("EXISTS t").unwrap(),
        Reply::Integer(0)
    );
    // LCS of two 8 KiB strings needs a table of 64 Mi cells: past the lab's 16 Mi.
    let long = "x".repeat(8192);
    redis
        .execute_command(format!("MSET a {long} b {long}"))
        .unwrap();
    assert_eq!(
        redis.execute_command("LCS a b LEN").unwrap(),
        Reply::Error(b"ERR Insufficient memory".to_vec())
    );
    redis.execute_command("SETRANGE a 4000 y").unwrap();
    assert_eq!(
        redis.execute_command("LCS a c LEN").unwrap(),
        Reply::Integer(0)
    );
}
