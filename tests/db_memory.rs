//! The database contract on the in-memory database, and the fault-injecting wrapper.
#![cfg(not(target_arch = "wasm32"))]

#[path = "support/block_on.rs"]
mod block_on;
#[path = "support/db_contract.rs"]
mod db_contract;

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use block_on::block_on;
use write_through_lab::db::{Database, DbError, Fault, Faulty, MemoryDb, Operation, PriceWrite};

#[test]
fn memory_db_meets_the_contract() {
    for case in db_contract::CASES {
        block_on(db_contract::run(case, &MemoryDb::new()));
    }
}

#[test]
fn faulty_db_without_faults_meets_the_contract() {
    for case in db_contract::CASES {
        block_on(db_contract::run(case, &Faulty::new(MemoryDb::new())));
    }
}

fn write(price: &str) -> PriceWrite {
    PriceWrite {
        id: "product1".into(),
        price: price.into(),
        at_ms: 1.0,
        by: "update_price".into(),
    }
}

#[test]
fn an_injected_write_failure_changes_nothing_and_happens_once() {
    let db = Faulty::new(MemoryDb::new());
    block_on(db.reset(0.0)).unwrap();
    db.fail_next(Operation::PutPrice);
    assert_eq!(
        block_on(db.put_price(write("150"))),
        Err(DbError::Injected(Operation::PutPrice))
    );
    assert_eq!(block_on(db.get("product1")).unwrap().unwrap().price, "100");
    assert_eq!(block_on(db.put_price(write("150"))).unwrap().price, "150");
    assert_eq!(db.calls(Operation::PutPrice), 2);
}

#[test]
fn a_chosen_error_and_a_permanent_fault() {
    let db = Faulty::new(MemoryDb::new());
    db.set(
        Operation::PutPrice,
        Fault::Fail {
            times: 2,
            error: Some(DbError::QuotaExceeded),
        },
    );
    assert_eq!(
        block_on(db.put_price(write("1"))),
        Err(DbError::QuotaExceeded)
    );
    assert_eq!(
        block_on(db.put_price(write("2"))),
        Err(DbError::QuotaExceeded)
    );
    assert!(block_on(db.put_price(write("3"))).is_ok());
    db.set(Operation::All, Fault::FailAlways);
    assert!(block_on(db.all()).is_err());
    assert!(block_on(db.all()).is_err());
    db.clear(Operation::All);
    assert_eq!(block_on(db.all()).unwrap().len(), 1);
}

#[test]
fn a_hanging_write_waits_for_its_release_and_reads_go_on() {
    let db = Faulty::new(MemoryDb::new());
    db.set(Operation::PutPrice, Fault::Hang);
    let mut cx = Context::from_waker(Waker::noop());
    let mut pending = pin!(db.put_price(write("150")));
    assert!(pending.as_mut().poll(&mut cx).is_pending());
    assert!(db.is_holding());
    // Other operations are not held, and the held write has not happened yet.
    assert_eq!(block_on(db.get("product1")).unwrap(), None);
    assert!(pending.as_mut().poll(&mut cx).is_pending());
    db.release();
    match pending.as_mut().poll(&mut cx) {
        Poll::Ready(Ok(record)) => assert_eq!(record.price, "150"),
        other => panic!("expected the write to finish, got {other:?}"),
    }
    assert!(!db.is_holding());
    // The fault is gone after the release.
    assert!(block_on(db.put_price(write("175"))).is_ok());
}

#[test]
fn failures_are_explained_for_a_learner() {
    let text = DbError::Injected(Operation::PutPrice).to_string();
    assert_eq!(text, "The database write failed (a fault you switched on).");
    assert!(DbError::QuotaExceeded
        .to_string()
        .contains("nothing was changed"));
    assert!(DbError::UpgradeBlocked.to_string().contains("Another tab"));
    assert!(DbError::Unavailable("SecurityError".into())
        .to_string()
        .contains("will not survive a reload"));
}
