//! Browser glue, tested inside headless Chromium (`wasm-bindgen-test`):
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --test browser`.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use write_through_lab::db::indexeddb::IndexedDb;
use write_through_lab::db::ProductRecord;

wasm_bindgen_test_configure!(run_in_browser);

/// A database name no other test uses, so tests never see each other's rows.
fn unique_name(test: &str) -> String {
    format!("wtl-test-{test}-{}", js_sys::Math::random().to_bits())
}

fn record(id: &str, price: &str) -> ProductRecord {
    ProductRecord {
        id: id.to_owned(),
        price: price.to_owned(),
        written_at_ms: 1_700_000_000_000.0,
        written_by: "update_price".to_owned(),
    }
}

#[wasm_bindgen_test]
async fn indexeddb_round_trip_survives_a_new_connection_and_is_deleted() {
    let name = unique_name("round-trip");

    let db = IndexedDb::open(&name).await.expect("open");
    assert_eq!(
        db.all().await.expect("read all"),
        Vec::new(),
        "a new database is empty"
    );
    db.put(&record("product1", "150")).await.expect("write");
    assert_eq!(
        db.get("product1").await.expect("read"),
        Some(record("product1", "150"))
    );
    assert_eq!(db.get("product9").await.expect("read missing"), None);
    db.close();

    // A second connection sees the committed write: the write was durable, not just cached.
    let again = IndexedDb::open(&name).await.expect("reopen");
    assert_eq!(
        again.get("product1").await.expect("read"),
        Some(record("product1", "150"))
    );
    again.close();

    IndexedDb::delete_database(&name).await.expect("delete");
    let fresh = IndexedDb::open(&name).await.expect("open after delete");
    assert!(
        fresh.all().await.expect("read all").is_empty(),
        "deleting removed the rows"
    );
    fresh.close();
    IndexedDb::delete_database(&name).await.expect("clean up");
}

#[wasm_bindgen_test]
async fn seeding_fills_an_empty_store_once_and_keeps_later_writes() {
    let name = unique_name("seed");
    let db = IndexedDb::open(&name).await.expect("open");

    let seeded = db.seed_if_empty(5.0).await.expect("seed");
    let prices: Vec<(String, String)> = seeded
        .iter()
        .map(|r| (r.id.clone(), r.price.clone()))
        .collect();
    assert_eq!(
        prices,
        [
            ("product1", "100"),
            ("product2", "200"),
            ("product3", "300")
        ]
        .map(|(i, p)| (i.to_owned(), p.to_owned()))
    );

    db.put(&record("product2", "250")).await.expect("write");
    let after = db.seed_if_empty(6.0).await.expect("seed again");
    assert_eq!(after.len(), 3);
    assert_eq!(
        after[1].price, "250",
        "seeding a non-empty store changes nothing"
    );

    db.close();
    IndexedDb::delete_database(&name).await.expect("clean up");
}
