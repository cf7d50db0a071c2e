//! The lesson's database in the browser: IndexedDB, through the `indexed_db_futures` wrapper.
//!
//! Schema version 1 has one object store, `products`, keyed by the record's `id`. Every write is
//! one `readwrite` transaction whose commit is awaited before the write is reported done.

use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;

use super::ProductRecord;

/// The name of the database the app uses (tests use their own names).
pub const APP_DATABASE: &str = "write-through-lab";
/// The object store holding one [`ProductRecord`] per product.
pub const PRODUCTS_STORE: &str = "products";
/// The schema version this build creates and expects.
pub const SCHEMA_VERSION: u32 = 1;

/// A failure of IndexedDB, with the browser's own explanation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdbError(pub String);

impl std::fmt::Display for IdbError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "IndexedDB: {}", self.0)
    }
}

impl std::error::Error for IdbError {}

impl From<indexed_db_futures::error::Error> for IdbError {
    fn from(e: indexed_db_futures::error::Error) -> Self {
        IdbError(e.to_string())
    }
}

impl From<indexed_db_futures::error::OpenDbError> for IdbError {
    fn from(e: indexed_db_futures::error::OpenDbError) -> Self {
        IdbError(e.to_string())
    }
}

/// An open connection to one IndexedDB database holding the `products` store.
#[derive(Debug)]
pub struct IndexedDb {
    db: Database,
}

impl IndexedDb {
    /// Opens (and on first use creates) the database called `name`.
    pub async fn open(name: &str) -> Result<Self, IdbError> {
        let db = Database::open(name)
            .with_version(SCHEMA_VERSION)
            .with_on_upgrade_needed(|event, db| {
                // Version 0 means the database did not exist: create the schema.
                if event.old_version() < 1.0 {
                    db.create_object_store(PRODUCTS_STORE)
                        .with_key_path("id".into())
                        .build()?;
                }
                Ok(())
            })
            .await?;
        Ok(IndexedDb { db })
    }

    /// Writes (inserts or replaces) one row, in its own transaction, and waits for the commit.
    pub async fn put(&self, record: &ProductRecord) -> Result<(), IdbError> {
        let tx = self
            .db
            .transaction(PRODUCTS_STORE)
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        let store = tx.object_store(PRODUCTS_STORE)?;
        store.put(record).serde()?.await?;
        tx.commit().await?;
        Ok(())
    }

    /// Writes several rows in one transaction (all or none), and waits for the commit.
    pub async fn put_all(&self, records: &[ProductRecord]) -> Result<(), IdbError> {
        let tx = self
            .db
            .transaction(PRODUCTS_STORE)
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        let store = tx.object_store(PRODUCTS_STORE)?;
        for record in records {
            store.put(record).serde()?.await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Reads one row by product id.
    pub async fn get(&self, id: &str) -> Result<Option<ProductRecord>, IdbError> {
        let tx = self.db.transaction(PRODUCTS_STORE).build()?;
        let store = tx.object_store(PRODUCTS_STORE)?;
        let record = store.get(id).serde()?.await?;
        Ok(record)
    }

    /// Reads every row, in key order.
    pub async fn all(&self) -> Result<Vec<ProductRecord>, IdbError> {
        let tx = self.db.transaction(PRODUCTS_STORE).build()?;
        let store = tx.object_store(PRODUCTS_STORE)?;
        let records = store
            .get_all()
            .serde()?
            .await?
            .collect::<Result<Vec<ProductRecord>, _>>()?;
        Ok(records)
    }

    /// Writes the seed catalog if the store is empty; returns the rows the store then holds.
    pub async fn seed_if_empty(&self, now_ms: f64) -> Result<Vec<ProductRecord>, IdbError> {
        let rows = self.all().await?;
        if !rows.is_empty() {
            return Ok(rows);
        }
        self.put_all(&ProductRecord::seed_rows(now_ms)).await?;
        self.all().await
    }

    /// Closes the connection.
    pub fn close(self) {
        self.db.close();
    }

    /// Deletes the database called `name` (used by tests to clean up after themselves).
    pub async fn delete_database(name: &str) -> Result<(), IdbError> {
        Database::delete_by_name(name)?.await?;
        Ok(())
    }
}
