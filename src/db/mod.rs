//! The database of the lesson: the source of truth that must survive a reload.
//!
//! [`Database`] is the contract, with no web types in it: async, fallible, one write one durable
//! unit. Implementations:
//!
//! | module | what | where |
//! |---|---|---|
//! | [`memory`] | [`MemoryDb`]: rows in memory (host tests, and the fallback when IndexedDB is unavailable) | anywhere |
//! | [`faulty`] | [`Faulty`]: wraps any database and makes a chosen operation fail, or hang until released | anywhere |
//! | `indexeddb` | `IndexedDb`: IndexedDB through `indexed_db_futures`, with a versioned schema | browser |
//! | `app` | `AppDb`: IndexedDB, or memory with a visible "not persistent" notice when IndexedDB cannot be used | browser |
//! | `tabs` | `TabChannel`: tells the other open tabs that a row changed (`BroadcastChannel`) | browser |
//!
//! One contract test suite (`tests/support/db_contract.rs`) runs against the in-memory database
//! on the host and against IndexedDB in headless Chromium.

use std::fmt;

use serde::{Deserialize, Serialize};

pub mod faulty;
pub mod memory;

#[cfg(target_arch = "wasm32")]
pub mod app;
#[cfg(target_arch = "wasm32")]
pub mod indexeddb;
#[cfg(target_arch = "wasm32")]
pub mod tabs;

pub use faulty::{Fault, Faulty, Operation};
pub use memory::MemoryDb;

/// One row of the `products` table: a product's price, and when and by what it was last written.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProductRecord {
    /// The product id (the key), e.g. `product1`.
    pub id: String,
    /// The price as decimal text, exactly as written (the same bytes the cache holds).
    pub price: String,
    /// When the row was last written, in milliseconds since the Unix epoch.
    pub written_at_ms: f64,
    /// The operation that last wrote the row, e.g. `seed` or `update_price`.
    pub written_by: String,
    /// How many times the row has been written (1 for a new row). Rows from schema version 1,
    /// which had no revision, read as 0 until they are written again.
    #[serde(default)]
    pub revision: u64,
}

impl ProductRecord {
    /// The seed catalog as database rows, stamped with the time they were written.
    pub fn seed_rows(written_at_ms: f64) -> Vec<ProductRecord> {
        crate::catalog::SEED
            .iter()
            .map(|p| ProductRecord {
                id: p.id.to_owned(),
                price: p.price.to_owned(),
                written_at_ms,
                written_by: "seed".to_owned(),
                revision: 1,
            })
            .collect()
    }
}

/// A write of one product's price: what to write, when, and by which operation.
#[derive(Clone, Debug, PartialEq)]
pub struct PriceWrite {
    /// The product id.
    pub id: String,
    /// The new price, as decimal text.
    pub price: String,
    /// When, in milliseconds since the Unix epoch.
    pub at_ms: f64,
    /// The operation writing it (`update_price`, `edit`, `seed`, `recovery`, ...).
    pub by: String,
}

impl PriceWrite {
    /// `price` for product `id`, written at `at_ms` by the operation `by`.
    pub fn new(id: &str, price: &str, at_ms: f64, by: &str) -> PriceWrite {
        PriceWrite {
            id: id.to_owned(),
            price: price.to_owned(),
            at_ms,
            by: by.to_owned(),
        }
    }

    /// The row this write produces over `previous` (its revision one higher).
    pub fn into_record(self, previous: Option<&ProductRecord>) -> ProductRecord {
        ProductRecord {
            id: self.id,
            price: self.price,
            written_at_ms: self.at_ms,
            written_by: self.by,
            revision: previous.map_or(1, |p| p.revision + 1),
        }
    }
}

/// Why the database could not do what was asked. Each message is written for a learner.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DbError {
    /// The browser will not let the page use IndexedDB (private mode, disabled storage, ...).
    Unavailable(String),
    /// The browser's storage quota for this site is used up.
    QuotaExceeded,
    /// Another open tab still uses the previous version of the database.
    UpgradeBlocked,
    /// Another tab opened a newer version of the database; this tab must reload.
    VersionChanged,
    /// The transaction was aborted, so none of its writes happened.
    Aborted(String),
    /// A failure injected on purpose, to show what happens when the database fails.
    Injected(Operation),
    /// Anything else the browser reported.
    Other(String),
}

impl fmt::Display for DbError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DbError::Unavailable(why) => write!(
                f,
                "This browser does not let the page use IndexedDB ({why}); the lab keeps the database in memory, so it will not survive a reload."
            ),
            DbError::QuotaExceeded => f.write_str(
                "The browser's storage for this site is full, so the database write was refused; nothing was changed.",
            ),
            DbError::UpgradeBlocked => f.write_str(
                "Another tab still has the lab open with the previous database version; close or reload it to continue.",
            ),
            DbError::VersionChanged => f.write_str(
                "Another tab upgraded the lab's database; reload this tab to keep working with it.",
            ),
            DbError::Aborted(why) => write!(f, "The database transaction was aborted ({why}); none of its writes happened."),
            DbError::Injected(op) => write!(f, "The database {} failed (a fault you switched on).", op.noun()),
            DbError::Other(why) => write!(f, "The database reported an error: {why}"),
        }
    }
}

impl std::error::Error for DbError {}

/// The lesson's database: the `products` table.
///
/// Every method is one transaction; a write is reported done only once it is durable (for
/// IndexedDB, once its `readwrite` transaction has completed).
// The futures are not `Send`: in the browser there is one thread, and the lab is generic over
// the implementation rather than boxing it.
#[allow(async_fn_in_trait)]
pub trait Database {
    /// One product's row, if it exists.
    async fn get(&self, id: &str) -> Result<Option<ProductRecord>, DbError>;
    /// Every row, ordered by product id.
    async fn all(&self) -> Result<Vec<ProductRecord>, DbError>;
    /// Writes one product's price (creating the row if needed); returns the row as written.
    async fn put_price(&self, write: PriceWrite) -> Result<ProductRecord, DbError>;
    /// Like [`Database::put_price`], from a caller that believes the row is at revision
    /// `believed` (`None`: it does not know). A database may use the belief to write without
    /// first waiting for its own read, but the revision it writes must still be exact: a wrong
    /// belief costs a second attempt, never a wrong count.
    async fn put_price_believing(
        &self,
        write: PriceWrite,
        believed: Option<u64>,
    ) -> Result<ProductRecord, DbError> {
        let _ = believed;
        self.put_price(write).await
    }
    /// Deletes one row; returns whether it existed.
    async fn delete(&self, id: &str) -> Result<bool, DbError>;
    /// Deletes every row.
    async fn clear(&self) -> Result<(), DbError>;
    /// Replaces every row with `rows`, all or nothing.
    async fn replace_all(&self, rows: &[ProductRecord]) -> Result<(), DbError>;

    /// What the visualization shows: every row, ordered by product id.
    async fn snapshot(&self) -> Result<Snapshot, DbError> {
        Ok(Snapshot {
            rows: self.all().await?,
        })
    }

    /// Puts the table back to the seed rows (`product1: 100`, `product2: 200`, `product3: 300`).
    async fn reset(&self, now_ms: f64) -> Result<(), DbError> {
        self.replace_all(&ProductRecord::seed_rows(now_ms)).await
    }
}

/// The table at one moment, for the visualization.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    /// Every row, ordered by product id.
    pub rows: Vec<ProductRecord>,
}

impl Snapshot {
    /// The price of `id`, if the row exists.
    pub fn price(&self, id: &str) -> Option<&str> {
        self.rows
            .iter()
            .find(|r| r.id == id)
            .map(|r| r.price.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_rows_carry_the_catalog_and_their_origin() {
        let rows = ProductRecord::seed_rows(1_000.0);
        let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
        let prices: Vec<&str> = rows.iter().map(|r| r.price.as_str()).collect();
        assert_eq!(ids, ["product1", "product2", "product3"]);
        assert_eq!(prices, ["100", "200", "300"]);
        assert!(rows
            .iter()
            .all(|r| r.written_by == "seed" && r.written_at_ms == 1_000.0 && r.revision == 1));
    }

    #[test]
    fn a_write_bumps_the_revision_of_the_row_it_replaces() {
        let write = |p: &str| PriceWrite::new("product1", p, 5.0, "edit");
        let first = write("150").into_record(None);
        assert_eq!(first.revision, 1);
        let second = write("175").into_record(Some(&first));
        assert_eq!((second.price.as_str(), second.revision), ("175", 2));
    }

    #[test]
    fn rows_from_schema_version_1_read_with_revision_0() {
        let v1 = r#"{"id":"product1","price":"100","written_at_ms":1.0,"written_by":"seed"}"#;
        let row: ProductRecord = serde_json::from_str(v1).expect("a version-1 row");
        assert_eq!((row.price.as_str(), row.revision), ("100", 0));
    }
}
