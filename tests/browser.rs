//! Browser glue, tested inside headless Chromium (`wasm-bindgen-test`):
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --test browser`.
//! Every test uses its own database name and deletes the database afterwards.
#![cfg(target_arch = "wasm32")]

#[path = "support/db_contract.rs"]
mod db_contract;

use std::cell::RefCell;
use std::rc::Rc;

use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;
use serde::Serialize;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use write_through_lab::db::indexeddb::{classify, IndexedDb, PRODUCTS_STORE, SCHEMA_VERSION};
use write_through_lab::db::{Database, DbError, PriceWrite};

wasm_bindgen_test_configure!(run_in_browser);

/// A database name no other test uses, so tests never see each other's rows.
fn unique_name(test: &str) -> String {
    format!("wtl-test-{test}-{}", js_sys::Math::random().to_bits())
}

fn write(id: &str, price: &str) -> PriceWrite {
    PriceWrite {
        id: id.to_owned(),
        price: price.to_owned(),
        at_ms: 1_700_000_000_000.0,
        by: "update_price".to_owned(),
    }
}

/// A promise and the function that resolves it: a one-shot signal between callbacks and the
/// test, so that the test waits on the event itself.
fn signal() -> (JsFuture, js_sys::Function) {
    let mut resolve = None;
    let promise = js_sys::Promise::new(&mut |res, _rej| resolve = Some(res));
    (
        JsFuture::from(promise),
        resolve.expect("the executor runs at once"),
    )
}

#[wasm_bindgen_test]
async fn indexeddb_meets_the_database_contract() {
    for case in db_contract::CASES {
        let name = unique_name(case);
        let db = IndexedDb::open(&name, || {}).await.expect("open");
        db_contract::run(case, &db).await;
        db.close();
        IndexedDb::delete_database(&name).await.expect("clean up");
    }
}

#[wasm_bindgen_test]
async fn a_write_is_durable_it_survives_a_new_connection() {
    let name = unique_name("durable");
    let db = IndexedDb::open(&name, || {}).await.expect("open");
    db.put_price(write("product1", "150")).await.expect("write");
    db.close();
    let again = IndexedDb::open(&name, || {}).await.expect("reopen");
    let row = again.get("product1").await.expect("read").expect("the row");
    assert_eq!((row.price.as_str(), row.revision), ("150", 1));
    again.close();
    IndexedDb::delete_database(&name).await.expect("delete");
    let fresh = IndexedDb::open(&name, || {})
        .await
        .expect("open after delete");
    assert!(
        fresh.all().await.expect("read all").is_empty(),
        "deleting removed the rows"
    );
    fresh.close();
    IndexedDb::delete_database(&name).await.expect("clean up");
}

#[wasm_bindgen_test]
async fn a_new_database_is_created_at_the_current_schema() {
    let name = unique_name("fresh-schema");
    let db = IndexedDb::open(&name, || {}).await.expect("open");
    assert_eq!(db.version(), SCHEMA_VERSION);
    let info = db.schema_info().await.expect("meta").expect("schema row");
    assert_eq!((info.version, info.upgraded_from), (2, 0));
    db.close();
    IndexedDb::delete_database(&name).await.expect("clean up");
}

/// A row as schema version 1 stored it: no revision.
#[derive(Serialize)]
struct V1Row {
    id: &'static str,
    price: &'static str,
    written_at_ms: f64,
    written_by: &'static str,
}

#[wasm_bindgen_test]
async fn upgrading_a_version_1_database_keeps_every_row() {
    let name = unique_name("upgrade");
    // A database as the first build made it, with rows written in its shape.
    let v1 = IndexedDb::open_at(&name, 1, || {})
        .await
        .expect("open at version 1");
    assert_eq!(v1.version(), 1);
    v1.close();
    let raw = indexed_db_futures::database::Database::open(&name)
        .with_version(1u32)
        .await
        .expect("raw v1");
    let tx = raw
        .transaction(PRODUCTS_STORE)
        .with_mode(TransactionMode::Readwrite)
        .build()
        .expect("tx");
    let store = tx.object_store(PRODUCTS_STORE).expect("store");
    for row in [
        V1Row {
            id: "product1",
            price: "150",
            written_at_ms: 30.0,
            written_by: "update_price",
        },
        V1Row {
            id: "product2",
            price: "200",
            written_at_ms: 10.0,
            written_by: "seed",
        },
        V1Row {
            id: "product3",
            price: "300",
            written_at_ms: 20.0,
            written_by: "seed",
        },
    ] {
        store
            .put(row)
            .serde()
            .expect("put")
            .await
            .expect("put done");
    }
    tx.commit().await.expect("commit");
    raw.close();

    let v2 = IndexedDb::open(&name, || {})
        .await
        .expect("upgrade to version 2");
    assert_eq!(v2.version(), 2);
    let rows = v2.all().await.expect("rows");
    let kept: Vec<(&str, &str, u64)> = rows
        .iter()
        .map(|r| (r.id.as_str(), r.price.as_str(), r.revision))
        .collect();
    assert_eq!(
        kept,
        [
            ("product1", "150", 0),
            ("product2", "200", 0),
            ("product3", "300", 0)
        ]
    );
    // The new index covers the old rows.
    let by_time: Vec<String> = v2
        .by_written_at()
        .await
        .expect("index")
        .into_iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(by_time, ["product2", "product3", "product1"]);
    let info = v2.schema_info().await.expect("meta").expect("schema row");
    assert_eq!(info.upgraded_from, 1);
    // Writing an old row starts its revisions.
    assert_eq!(
        v2.put_price(write("product1", "175"))
            .await
            .expect("write")
            .revision,
        1
    );
    v2.close();
    IndexedDb::delete_database(&name).await.expect("clean up");
}

#[wasm_bindgen_test]
async fn an_upgrade_in_another_tab_closes_this_connection_instead_of_blocking() {
    let name = unique_name("other-tab");
    let old_tab = IndexedDb::open_at(&name, 1, || {}).await.expect("old tab");
    let blocked = Rc::new(RefCell::new(false));
    let flag = Rc::clone(&blocked);
    let new_tab = IndexedDb::open(&name, move || *flag.borrow_mut() = true)
        .await
        .expect("new tab");
    assert!(!*blocked.borrow(), "the old connection stepped aside");
    assert!(old_tab.closed_by_upgrade());
    assert_eq!(old_tab.all().await, Err(DbError::VersionChanged));
    assert!(new_tab.all().await.expect("the new tab works").is_empty());
    new_tab.close();
    old_tab.close();
    IndexedDb::delete_database(&name).await.expect("clean up");
}

#[wasm_bindgen_test]
async fn a_blocked_upgrade_is_reported_then_goes_ahead() {
    let name = unique_name("blocked");
    IndexedDb::open_at(&name, 1, || {})
        .await
        .expect("version 1")
        .close();
    // A connection that ignores version changes, like a tab of an older build.
    let stubborn = indexed_db_futures::database::Database::open(&name)
        .with_version(1u32)
        .await
        .expect("stubborn");
    let (blocked, resolve_blocked) = signal();
    let (opened, resolve_opened) = signal();
    let result = Rc::new(RefCell::new(None));
    let slot = Rc::clone(&result);
    let name_for_open = name.clone();
    wasm_bindgen_futures::spawn_local(async move {
        let db = IndexedDb::open(&name_for_open, move || {
            let _ = resolve_blocked.call0(&wasm_bindgen::JsValue::NULL);
        })
        .await;
        *slot.borrow_mut() = Some(db);
        let _ = resolve_opened.call0(&wasm_bindgen::JsValue::NULL);
    });
    blocked.await.expect("the blocked callback ran");
    assert!(result.borrow().is_none(), "the upgrade waits while blocked");
    stubborn.close();
    opened.await.expect("the open finished");
    let db = result
        .borrow_mut()
        .take()
        .expect("a result")
        .expect("opened once unblocked");
    assert_eq!(db.version(), SCHEMA_VERSION);
    db.close();
    IndexedDb::delete_database(&name).await.expect("clean up");
}

#[wasm_bindgen_test]
async fn seeding_fills_an_empty_table_once() {
    let name = unique_name("seed");
    let db = IndexedDb::open(&name, || {}).await.expect("open");
    let seeded = db.seed_if_empty(5.0).await.expect("seed");
    assert_eq!(
        seeded.iter().map(|r| r.price.as_str()).collect::<Vec<_>>(),
        ["100", "200", "300"]
    );
    db.put_price(write("product2", "250")).await.expect("write");
    let after = db.seed_if_empty(6.0).await.expect("seed again");
    assert_eq!(
        after[1].price, "250",
        "seeding a non-empty table changes nothing"
    );
    db.close();
    IndexedDb::delete_database(&name).await.expect("clean up");
}

#[wasm_bindgen_test]
fn browser_failures_become_typed_errors_a_learner_can_read() {
    let dom = |name: &str| {
        let e = web_sys::DomException::new_with_message_and_name("from the browser", name)
            .expect("DOMException");
        classify(indexed_db_futures::error::Error::from(e))
    };
    assert_eq!(dom("QuotaExceededError"), DbError::QuotaExceeded);
    assert_eq!(
        dom("AbortError"),
        DbError::Aborted("from the browser".to_owned())
    );
    assert_eq!(dom("VersionError"), DbError::VersionChanged);
    assert_eq!(
        dom("SecurityError"),
        DbError::Unavailable("from the browser".to_owned())
    );
    assert_eq!(
        dom("UnknownError"),
        DbError::Other("UnknownError: from the browser".to_owned())
    );
    assert!(dom("QuotaExceededError")
        .to_string()
        .contains("storage for this site is full"));
}
