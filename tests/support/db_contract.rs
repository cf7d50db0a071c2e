//! The database contract, as one suite run against every implementation: natively on
//! `MemoryDb` (and `Faulty<MemoryDb>`), and in headless Chromium on `IndexedDb`.
//! Each case gets a fresh, empty database.

use write_through_lab::db::{Database, PriceWrite, ProductRecord};

/// Every case, by name.
pub const CASES: &[&str] = &[
    "a_new_database_is_empty",
    "a_write_creates_the_row_then_updates_it",
    "rows_come_back_ordered_by_id",
    "prices_and_ids_are_kept_exactly",
    "delete_reports_whether_the_row_existed",
    "clear_removes_every_row",
    "replace_all_replaces_every_row",
    "a_believed_revision_never_miscounts",
    "reset_restores_the_seed_catalog",
    "snapshot_shows_what_all_returns",
];

fn write(id: &str, price: &str, by: &str, at_ms: f64) -> PriceWrite {
    PriceWrite {
        id: id.to_owned(),
        price: price.to_owned(),
        at_ms,
        by: by.to_owned(),
    }
}

fn prices(rows: &[ProductRecord]) -> Vec<(String, String)> {
    rows.iter()
        .map(|r| (r.id.clone(), r.price.clone()))
        .collect()
}

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect()
}

/// Runs the case called `name` against `db`.
pub async fn run<D: Database>(name: &str, db: &D) {
    match name {
        "a_new_database_is_empty" => {
            assert_eq!(db.all().await.unwrap(), Vec::new());
            assert_eq!(db.get("product1").await.unwrap(), None);
            assert!(db.snapshot().await.unwrap().rows.is_empty());
        }
        "a_write_creates_the_row_then_updates_it" => {
            let first = db
                .put_price(write("product1", "150", "update_price", 10.0))
                .await
                .unwrap();
            assert_eq!(
                (
                    first.price.as_str(),
                    first.revision,
                    first.written_by.as_str()
                ),
                ("150", 1, "update_price")
            );
            let second = db
                .put_price(write("product1", "175", "edit", 20.0))
                .await
                .unwrap();
            assert_eq!(second.revision, 2);
            let read = db.get("product1").await.unwrap().expect("the row");
            assert_eq!(read, second);
            assert_eq!(read.written_at_ms, 20.0);
            assert_eq!(db.all().await.unwrap().len(), 1);
        }
        "rows_come_back_ordered_by_id" => {
            for id in ["product3", "product1", "product2"] {
                db.put_price(write(id, "1", "seed", 0.0)).await.unwrap();
            }
            let ids: Vec<String> = db.all().await.unwrap().into_iter().map(|r| r.id).collect();
            assert_eq!(ids, ["product1", "product2", "product3"]);
        }
        "prices_and_ids_are_kept_exactly" => {
            db.put_price(write("café crème", "007", "edit", 1.0))
                .await
                .unwrap();
            db.put_price(write("product1", "19.990", "edit", 1.0))
                .await
                .unwrap();
            assert_eq!(db.get("café crème").await.unwrap().unwrap().price, "007");
            assert_eq!(db.get("product1").await.unwrap().unwrap().price, "19.990");
        }
        "delete_reports_whether_the_row_existed" => {
            db.put_price(write("product1", "100", "seed", 0.0))
                .await
                .unwrap();
            assert!(db.delete("product1").await.unwrap());
            assert!(!db.delete("product1").await.unwrap());
            assert_eq!(db.get("product1").await.unwrap(), None);
        }
        "clear_removes_every_row" => {
            db.reset(0.0).await.unwrap();
            db.clear().await.unwrap();
            assert!(db.all().await.unwrap().is_empty());
        }
        "replace_all_replaces_every_row" => {
            db.put_price(write("product9", "9", "edit", 0.0))
                .await
                .unwrap();
            let rows = vec![
                write("a", "1", "t", 0.0).into_record(None),
                write("b", "2", "t", 0.0).into_record(None),
            ];
            db.replace_all(&rows).await.unwrap();
            assert_eq!(
                prices(&db.all().await.unwrap()),
                pairs(&[("a", "1"), ("b", "2")])
            );
        }
        "a_believed_revision_never_miscounts" => {
            let put = |price: &str, believed| {
                db.put_price_believing(write("product1", price, "update_price", 0.0), believed)
            };
            // Right, wrong (stale, ahead, a row believed where there is none), and unknown:
            // the revision always counts every write exactly once.
            assert_eq!(put("1", Some(7)).await.unwrap().revision, 1);
            assert_eq!(put("2", Some(1)).await.unwrap().revision, 2);
            assert_eq!(put("3", Some(1)).await.unwrap().revision, 3);
            assert_eq!(put("4", Some(9)).await.unwrap().revision, 4);
            assert_eq!(put("5", None).await.unwrap().revision, 5);
            let row = db.get("product1").await.unwrap().unwrap();
            assert_eq!((row.price.as_str(), row.revision), ("5", 5));
            assert_eq!(db.all().await.unwrap().len(), 1);
        }
        "reset_restores_the_seed_catalog" => {
            db.put_price(write("product1", "150", "update_price", 0.0))
                .await
                .unwrap();
            db.put_price(write("product4", "400", "update_price", 0.0))
                .await
                .unwrap();
            db.reset(42.0).await.unwrap();
            let rows = db.all().await.unwrap();
            assert_eq!(
                prices(&rows),
                pairs(&[
                    ("product1", "100"),
                    ("product2", "200"),
                    ("product3", "300")
                ])
            );
            assert!(rows
                .iter()
                .all(|r| r.written_by == "seed" && r.written_at_ms == 42.0));
        }
        "snapshot_shows_what_all_returns" => {
            db.reset(0.0).await.unwrap();
            db.put_price(write("product2", "250", "edit", 1.0))
                .await
                .unwrap();
            let snapshot = db.snapshot().await.unwrap();
            assert_eq!(snapshot.rows, db.all().await.unwrap());
            assert_eq!(snapshot.price("product2"), Some("250"));
            assert_eq!(snapshot.price("product9"), None);
        }
        other => panic!("no contract case called {other}"),
    }
}
