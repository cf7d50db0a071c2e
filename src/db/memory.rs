//! The database in memory: for host tests, and the fallback when the browser will not let the
//! page use IndexedDB (then the lab says plainly that nothing survives a reload).

use std::cell::RefCell;
use std::collections::BTreeMap;

use super::{Database, DbError, PriceWrite, ProductRecord};

/// Rows in a sorted map; every operation completes at once.
#[derive(Debug, Default)]
pub struct MemoryDb {
    rows: RefCell<BTreeMap<String, ProductRecord>>,
}

impl MemoryDb {
    /// An empty database.
    pub fn new() -> Self {
        Self::default()
    }
}

impl Database for MemoryDb {
    async fn get(&self, id: &str) -> Result<Option<ProductRecord>, DbError> {
        Ok(self.rows.borrow().get(id).cloned())
    }

    async fn all(&self) -> Result<Vec<ProductRecord>, DbError> {
        Ok(self.rows.borrow().values().cloned().collect())
    }

    async fn put_price(&self, write: PriceWrite) -> Result<ProductRecord, DbError> {
        let mut rows = self.rows.borrow_mut();
        let previous = rows.get(&write.id).cloned();
        let record = write.into_record(previous.as_ref());
        rows.insert(record.id.clone(), record.clone());
        Ok(record)
    }

    async fn delete(&self, id: &str) -> Result<bool, DbError> {
        Ok(self.rows.borrow_mut().remove(id).is_some())
    }

    async fn clear(&self) -> Result<(), DbError> {
        self.rows.borrow_mut().clear();
        Ok(())
    }

    async fn replace_all(&self, rows: &[ProductRecord]) -> Result<(), DbError> {
        *self.rows.borrow_mut() = rows.iter().map(|r| (r.id.clone(), r.clone())).collect();
        Ok(())
    }
}
