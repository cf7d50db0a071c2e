//! MULTI, EXEC, DISCARD, WATCH and UNWATCH between clients of one emulator, on the host. What one
//! connection sees is checked byte for byte against redis-server in
//! `tests/differential/transactions.redis`, and two connections through redis-py in
//! `tests/clients/transactions.py`; this file covers what those cannot fix in a recording:
//! time (a watched key's expiry), memory (maxmemory refusals) and what EXEC says it ran.
#![cfg(not(target_arch = "wasm32"))]

use std::cell::Cell;
use std::rc::Rc;

use write_through_lab::emulator::{split_args, Emulator, Reply, Session};

fn run(redis: &mut Emulator, session: &mut Session, line: &str) -> Reply {
    redis.run_in(session, &split_args(line.as_bytes()).unwrap())
}

fn error(text: &str) -> Reply {
    Reply::Error(text.as_bytes().to_vec())
}

#[test]
fn another_clients_write_to_a_watched_key_makes_exec_reply_nil() {
    let mut redis = Emulator::new(Box::new(|| 0), 1);
    let (mut a, mut b) = (Session::new(), Session::new());
    run(&mut redis, &mut a, "WATCH product_prices");
    run(&mut redis, &mut a, "MULTI");
    assert_eq!(
        run(&mut redis, &mut a, "HSET product_prices product1 150"),
        Reply::Status("QUEUED")
    );
    assert_eq!(
        run(&mut redis, &mut b, "GET product_prices"),
        Reply::Nil,
        "B is not queued"
    );
    run(&mut redis, &mut b, "HSET product_prices product1 120");
    assert_eq!(run(&mut redis, &mut a, "EXEC"), Reply::NilArray);
    assert!(a.executed().is_empty());
    assert_eq!(
        run(&mut redis, &mut b, "HGET product_prices product1"),
        Reply::Bulk(b"120".to_vec())
    );
    // The watch ended with EXEC: the same write now leaves A's next transaction alone.
    run(&mut redis, &mut a, "MULTI");
    run(&mut redis, &mut b, "HSET product_prices product1 130");
    run(&mut redis, &mut a, "HGET product_prices product1");
    assert_eq!(
        run(&mut redis, &mut a, "EXEC"),
        Reply::Array(vec![Reply::Bulk(b"130".to_vec())])
    );
    assert_eq!(
        a.executed(),
        [split_args(b"HGET product_prices product1").unwrap()]
    );
}

#[test]
fn a_watched_key_that_expires_before_exec_aborts_it() {
    let now = Rc::new(Cell::new(1_000));
    let clock = Rc::clone(&now);
    let mut redis = Emulator::new(Box::new(move || clock.get()), 1);
    let mut a = Session::new();
    run(&mut redis, &mut a, "SET lock:product1 token PX 100");
    run(&mut redis, &mut a, "WATCH lock:product1");
    run(&mut redis, &mut a, "MULTI");
    run(&mut redis, &mut a, "HSET product_prices product1 150");
    now.set(1_100);
    assert_eq!(run(&mut redis, &mut a, "EXEC"), Reply::NilArray);
    assert_eq!(
        run(&mut redis, &mut a, "HGET product_prices product1"),
        Reply::Nil
    );
}

#[test]
fn at_maxmemory_queueing_is_refused_and_exec_that_adds_data_aborts() {
    let mut redis = Emulator::new(Box::new(|| 0), 1);
    let mut a = Session::new();
    run(&mut redis, &mut a, "MULTI");
    redis.set_out_of_memory(true);
    // Even a read is refused while queueing: queueing takes memory.
    assert_eq!(
        run(&mut redis, &mut a, "HGET product_prices product1"),
        error("OOM command not allowed when used memory > 'maxmemory'.")
    );
    redis.set_out_of_memory(false);
    assert_eq!(
        run(&mut redis, &mut a, "EXEC"),
        error("EXECABORT Transaction discarded because of previous errors.")
    );

    run(&mut redis, &mut a, "MULTI");
    run(&mut redis, &mut a, "HSET product_prices product1 150");
    redis.set_out_of_memory(true);
    assert_eq!(
        run(&mut redis, &mut a, "EXEC"),
        error("EXECABORT Transaction discarded because of: OOM command not allowed when used memory > 'maxmemory'.")
    );
    assert!(!a.in_transaction());
    redis.set_out_of_memory(false);
    assert_eq!(
        run(&mut redis, &mut a, "HGET product_prices product1"),
        Reply::Nil
    );

    // A transaction of reads and deletes still runs at maxmemory.
    run(&mut redis, &mut a, "MULTI");
    run(&mut redis, &mut a, "HDEL product_prices product1");
    redis.set_out_of_memory(true);
    assert_eq!(
        run(&mut redis, &mut a, "EXEC"),
        Reply::Array(vec![Reply::Integer(0)])
    );
}

#[test]
fn the_emulators_own_client_has_a_transaction_too() {
    let mut redis = Emulator::new(Box::new(|| 0), 1);
    redis.execute_command("MULTI").unwrap();
    assert_eq!(
        redis.execute_command("SET k v").unwrap(),
        Reply::Status("QUEUED")
    );
    assert_eq!(
        redis.execute_command_printed("EXEC"),
        "1) OK\n",
        "printed as redis-cli prints it"
    );
    assert_eq!(redis.execute_command_printed("WATCH k"), "OK\n");
    redis.execute_command("SET k w").unwrap();
    redis.execute_command("MULTI").unwrap();
    assert_eq!(redis.execute_command_printed("EXEC"), "(nil)\n");
}
