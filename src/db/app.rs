//! The database the app uses: IndexedDB when the browser allows it, otherwise the in-memory
//! database, with the reason kept so the page can say "not persistent".

use super::indexeddb::{IndexedDb, APP_DATABASE};
use super::{Database, DbError, MemoryDb, PriceWrite, ProductRecord};

/// IndexedDB, or memory as a visible fallback.
#[derive(Debug)]
pub enum AppDb {
    /// The real, persistent database.
    Indexed(IndexedDb),
    /// The fallback: works, but forgets everything on reload.
    Memory(MemoryDb),
}

impl AppDb {
    /// An empty database in memory (for copies of the stores: a scenario, a comparison).
    pub fn in_memory() -> AppDb {
        AppDb::Memory(MemoryDb::new())
    }

    /// Opens the app's IndexedDB database and seeds it on first use; if IndexedDB cannot be
    /// used at all, falls back to a seeded in-memory database and returns why.
    pub async fn open(
        now_ms: f64,
        on_blocked: impl FnOnce() + 'static,
    ) -> (AppDb, Option<DbError>) {
        match IndexedDb::open(APP_DATABASE, on_blocked).await {
            Ok(db) => match db.seed_if_empty(now_ms).await {
                Ok(_) => (AppDb::Indexed(db), None),
                Err(e) => (AppDb::memory_seeded(now_ms).await, Some(e)),
            },
            Err(e) => {
                let reason = match e {
                    DbError::Unavailable(_) => e,
                    other => DbError::Unavailable(other.to_string()),
                };
                (AppDb::memory_seeded(now_ms).await, Some(reason))
            }
        }
    }

    async fn memory_seeded(now_ms: f64) -> AppDb {
        let memory = MemoryDb::new();
        // The in-memory database cannot fail.
        let _ = memory.reset(now_ms).await;
        AppDb::Memory(memory)
    }

    /// Whether writes survive a reload.
    pub fn is_persistent(&self) -> bool {
        matches!(self, AppDb::Indexed(_))
    }
}

impl Database for AppDb {
    async fn get(&self, id: &str) -> Result<Option<ProductRecord>, DbError> {
        match self {
            AppDb::Indexed(db) => db.get(id).await,
            AppDb::Memory(db) => db.get(id).await,
        }
    }

    async fn all(&self) -> Result<Vec<ProductRecord>, DbError> {
        match self {
            AppDb::Indexed(db) => db.all().await,
            AppDb::Memory(db) => db.all().await,
        }
    }

    async fn put_price(&self, write: PriceWrite) -> Result<ProductRecord, DbError> {
        match self {
            AppDb::Indexed(db) => db.put_price(write).await,
            AppDb::Memory(db) => db.put_price(write).await,
        }
    }

    async fn put_price_believing(
        &self,
        write: PriceWrite,
        believed: Option<u64>,
    ) -> Result<ProductRecord, DbError> {
        match self {
            AppDb::Indexed(db) => db.put_price_believing(write, believed).await,
            AppDb::Memory(db) => db.put_price_believing(write, believed).await,
        }
    }

    async fn delete(&self, id: &str) -> Result<bool, DbError> {
        match self {
            AppDb::Indexed(db) => db.delete(id).await,
            AppDb::Memory(db) => db.delete(id).await,
        }
    }

    async fn clear(&self) -> Result<(), DbError> {
        match self {
            AppDb::Indexed(db) => db.clear().await,
            AppDb::Memory(db) => db.clear().await,
        }
    }

    async fn replace_all(&self, rows: &[ProductRecord]) -> Result<(), DbError> {
        match self {
            AppDb::Indexed(db) => db.replace_all(rows).await,
            AppDb::Memory(db) => db.replace_all(rows).await,
        }
    }
}
