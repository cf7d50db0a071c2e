//! The lesson's database in the browser: IndexedDB, through the `indexed_db_futures` wrapper.
//!
//! ## Schema
//!
//! | version | change |
//! |---|---|
//! | 1 | object store `products`, keyed by the record's `id` |
//! | 2 | index `by_written_at` on `products` (`written_at_ms`); store `meta` with a `schema` row saying which version the database was upgraded from; rows gain `revision` (read as 0 until written) |
//!
//! Opening runs every step between the database's version and [`SCHEMA_VERSION`], inside the
//! upgrade transaction, so rows are never lost. Every write is one `readwrite` transaction whose
//! commit is awaited before the write is reported done.
//!
//! ## Several tabs
//!
//! When another tab opens a newer version, this tab's connection closes itself (so that tab's
//! upgrade is not blocked) and later calls fail with [`DbError::VersionChanged`], which the app
//! shows as "reload this tab".

use std::cell::Cell;
use std::rc::Rc;

use indexed_db_futures::database::Database as IdbDatabase;
use indexed_db_futures::error::{DomException, Error as IdbError, OpenDbError};
use indexed_db_futures::internals::SystemRepr;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;
use serde::{Deserialize, Serialize};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use super::{Database, DbError, PriceWrite, ProductRecord};

/// The name of the database the app uses (tests use their own names).
pub const APP_DATABASE: &str = "write-through-lab";
/// The object store holding one [`ProductRecord`] per product.
pub const PRODUCTS_STORE: &str = "products";
/// The object store holding facts about the database itself (version 2).
pub const META_STORE: &str = "meta";
/// The index of `products` by the time each row was written (version 2).
pub const BY_WRITTEN_AT: &str = "by_written_at";
/// The schema version this build creates and expects.
pub const SCHEMA_VERSION: u32 = 2;

/// The `meta` row that records the schema's history.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SchemaInfo {
    /// Always `schema`.
    pub key: String,
    /// The version the row was written by.
    pub version: u32,
    /// The version the database had before this upgrade (0: it was created).
    pub upgraded_from: u32,
}

/// Turns what the wrapper reports into a learner-readable [`DbError`].
pub fn classify(error: IdbError) -> DbError {
    match error {
        IdbError::DomException(dom) => {
            let sys = web_sys::DomException::from(dom.clone());
            let (name, message) = (sys.name(), sys.message());
            match (name.as_str(), &dom) {
                ("QuotaExceededError", _) => DbError::QuotaExceeded,
                (_, DomException::AbortError(_)) => DbError::Aborted(message),
                ("VersionError", _) => DbError::VersionChanged,
                ("SecurityError", _) => DbError::Unavailable(message),
                _ => DbError::Other(format!("{name}: {message}")),
            }
        }
        other => DbError::Other(other.to_string()),
    }
}

fn classify_open(error: OpenDbError) -> DbError {
    match error {
        OpenDbError::UnsupportedEnvironment | OpenDbError::NullFactory => {
            DbError::Unavailable("IndexedDB is missing".to_owned())
        }
        OpenDbError::VersionZero => DbError::Other("version zero".to_owned()),
        OpenDbError::Base(e) => classify(e),
    }
}

/// An open connection to one IndexedDB database holding the `products` store.
#[derive(Debug)]
pub struct IndexedDb {
    db: IdbDatabase,
    name: String,
    /// Set when another tab's upgrade made this connection close itself.
    closed_by_upgrade: Rc<Cell<bool>>,
    /// Keeps the `versionchange` handler alive as long as the connection.
    _on_version_change: Closure<dyn FnMut()>,
}

impl IndexedDb {
    /// Opens (creating or upgrading as needed) the database called `name` at the current schema.
    /// `on_blocked` runs if another tab holds the old version open (the open then waits).
    pub async fn open(name: &str, on_blocked: impl FnOnce() + 'static) -> Result<Self, DbError> {
        Self::open_at(name, SCHEMA_VERSION, on_blocked).await
    }

    /// Opens the database at schema `version` (tests use 1 to make a database as an earlier
    /// build did).
    pub async fn open_at(
        name: &str,
        version: u32,
        on_blocked: impl FnOnce() + 'static,
    ) -> Result<Self, DbError> {
        let mut on_blocked = Some(on_blocked);
        let db = IdbDatabase::open(name)
            .with_version(version)
            .with_on_blocked(move |_event| {
                if let Some(f) = on_blocked.take() {
                    f();
                }
                Ok(())
            })
            .with_on_upgrade_needed(move |event, db| {
                let old = event.old_version() as u32;
                upgrade(&db, old, version)
            })
            .await
            .map_err(classify_open)?;
        let closed_by_upgrade = Rc::new(Cell::new(false));
        let on_version_change = {
            let closed = Rc::clone(&closed_by_upgrade);
            let sys = db.as_sys().clone();
            Closure::<dyn FnMut()>::new(move || {
                // Let the other tab's upgrade go ahead; this tab must reload to follow it.
                sys.close();
                closed.set(true);
            })
        };
        db.as_sys()
            .set_onversionchange(Some(on_version_change.as_ref().unchecked_ref()));
        Ok(IndexedDb {
            db,
            name: name.to_owned(),
            closed_by_upgrade,
            _on_version_change: on_version_change,
        })
    }

    /// The database's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The schema version of the open connection.
    pub fn version(&self) -> u32 {
        self.db.version() as u32
    }

    /// Whether another tab's upgrade closed this connection.
    pub fn closed_by_upgrade(&self) -> bool {
        self.closed_by_upgrade.get()
    }

    fn check_open(&self) -> Result<(), DbError> {
        if self.closed_by_upgrade.get() {
            Err(DbError::VersionChanged)
        } else {
            Ok(())
        }
    }

    /// The `schema` row of the `meta` store (version 2 and later).
    pub async fn schema_info(&self) -> Result<Option<SchemaInfo>, DbError> {
        self.read_tx(META_STORE, async |store| store.get("schema").serde()?.await)
            .await
    }

    /// Rows ordered by when they were written, oldest first (the `by_written_at` index).
    pub async fn by_written_at(&self) -> Result<Vec<ProductRecord>, DbError> {
        self.read_tx(PRODUCTS_STORE, async |store| {
            store
                .index(BY_WRITTEN_AT)?
                .get_all()
                .serde()?
                .await?
                .collect::<Result<Vec<ProductRecord>, _>>()
        })
        .await
    }

    /// Writes the seed catalog if the table is empty; returns the rows it then holds.
    pub async fn seed_if_empty(&self, now_ms: f64) -> Result<Vec<ProductRecord>, DbError> {
        let rows = self.all().await?;
        if !rows.is_empty() {
            return Ok(rows);
        }
        self.reset(now_ms).await?;
        self.all().await
    }

    /// Closes the connection.
    pub fn close(self) {
        self.db.as_sys().set_onversionchange(None);
        self.db.close();
    }

    /// Deletes the database called `name` (tests clean up after themselves with it).
    pub async fn delete_database(name: &str) -> Result<(), DbError> {
        IdbDatabase::delete_by_name(name)
            .map_err(classify_open)?
            .await
            .map_err(classify)
    }

    /// Runs `work` on `store` in a read-only transaction.
    async fn read_tx<T>(
        &self,
        store: &str,
        work: impl for<'s> AsyncFnOnce(
            &indexed_db_futures::object_store::ObjectStore<'s>,
        ) -> Result<T, IdbError>,
    ) -> Result<T, DbError> {
        self.check_open()?;
        let tx = self.db.transaction(store).build().map_err(classify)?;
        let store = tx.object_store(store).map_err(classify)?;
        work(&store).await.map_err(classify)
    }

    async fn write_tx<T>(
        &self,
        work: impl for<'s> AsyncFnOnce(
            &indexed_db_futures::object_store::ObjectStore<'s>,
        ) -> Result<T, IdbError>,
    ) -> Result<T, DbError> {
        let done = self
            .write_tx_unless(async |store| work(store).await.map(Some))
            .await?;
        done.ok_or_else(|| DbError::Other("the transaction was rolled back".to_owned()))
    }

    /// A readwrite transaction that commits if `work` returns `Some`, and rolls back (every
    /// request it made undone) if it returns `None`.
    async fn write_tx_unless<T>(
        &self,
        work: impl for<'s> AsyncFnOnce(
            &indexed_db_futures::object_store::ObjectStore<'s>,
        ) -> Result<Option<T>, IdbError>,
    ) -> Result<Option<T>, DbError> {
        self.check_open()?;
        let tx = self
            .db
            .transaction(PRODUCTS_STORE)
            .with_mode(TransactionMode::Readwrite)
            .build()
            .map_err(classify)?;
        let store = tx.object_store(PRODUCTS_STORE).map_err(classify)?;
        let Some(value) = work(&store).await.map_err(classify)? else {
            // Dropping an uncommitted transaction aborts it.
            return Ok(None);
        };
        // The wrapper rolls back unless told to commit; the write is done once this resolves.
        tx.commit().await.map_err(classify)?;
        Ok(Some(value))
    }
}

/// The schema steps from `old` up to `new`, run inside the upgrade transaction.
fn upgrade(db: &IdbDatabase, old: u32, new: u32) -> indexed_db_futures::Result<()> {
    // A database that claims version 1 but lacks the store (made by hand, or by a failed first
    // run) gets it too.
    let has_products = db.object_store_names().any(|n| n == PRODUCTS_STORE);
    if new >= 1 && (old < 1 || !has_products) {
        db.create_object_store(PRODUCTS_STORE)
            .with_key_path("id".into())
            .build()?;
    }
    if old < 2 && new >= 2 {
        let meta = db
            .create_object_store(META_STORE)
            .with_key_path("key".into())
            .build()?;
        // The upgrade transaction reaches the existing store; indexing it keeps every row.
        let products = meta.transaction().object_store(PRODUCTS_STORE)?;
        products
            .create_index(BY_WRITTEN_AT, "written_at_ms".into())
            .build()?;
        let info = SchemaInfo {
            key: "schema".to_owned(),
            version: 2,
            upgraded_from: old,
        };
        // The request goes out now, inside the upgrade transaction; the open resolves only
        // after that transaction completes, so the row is there once the database is open.
        drop(meta.put(info).serde()?);
    }
    Ok(())
}

impl Database for IndexedDb {
    async fn get(&self, id: &str) -> Result<Option<ProductRecord>, DbError> {
        self.read_tx(PRODUCTS_STORE, async move |store| {
            store.get(id).serde()?.await
        })
        .await
    }

    async fn all(&self) -> Result<Vec<ProductRecord>, DbError> {
        self.read_tx(PRODUCTS_STORE, async |store| {
            store
                .get_all()
                .serde()?
                .await?
                .collect::<Result<Vec<ProductRecord>, _>>()
        })
        .await
    }

    async fn put_price(&self, write: PriceWrite) -> Result<ProductRecord, DbError> {
        self.write_tx(async move |store| {
            // Read and write in one transaction, so the revision cannot race another write.
            let previous: Option<ProductRecord> = store.get(write.id.as_str()).serde()?.await?;
            let record = write.into_record(previous.as_ref());
            // Not awaited: a failed put aborts the transaction, and the commit says so.
            drop(store.put(&record).serde()?);
            Ok(record)
        })
        .await
    }

    /// With a belief, the read and the write go out together (one round trip instead of two):
    /// the read still comes first in the transaction, and if it shows another revision the
    /// transaction is rolled back and the write done the slow way.
    async fn put_price_believing(
        &self,
        write: PriceWrite,
        believed: Option<u64>,
    ) -> Result<ProductRecord, DbError> {
        let Some(revision) = believed else {
            return self.put_price(write).await;
        };
        let record = ProductRecord {
            revision: revision + 1,
            ..write.clone().into_record(None)
        };
        let written = self
            .write_tx_unless(async |store| {
                let read = store.get(record.id.as_str()).serde()?;
                // Not awaited: a failed put aborts the transaction, and the commit says so.
                drop(store.put(&record).serde()?);
                let previous: Option<ProductRecord> = read.await?;
                Ok((previous.map(|p| p.revision) == Some(revision)).then_some(()))
            })
            .await?;
        match written {
            Some(()) => Ok(record),
            None => self.put_price(write).await,
        }
    }

    async fn delete(&self, id: &str) -> Result<bool, DbError> {
        self.write_tx(async move |store| {
            let existed: Option<ProductRecord> = store.get(id).serde()?.await?;
            if existed.is_some() {
                store.delete(id).primitive()?.await?;
            }
            Ok(existed.is_some())
        })
        .await
    }

    async fn clear(&self) -> Result<(), DbError> {
        self.write_tx(async move |store| store.clear()?.await).await
    }

    async fn replace_all(&self, rows: &[ProductRecord]) -> Result<(), DbError> {
        self.write_tx(async move |store| {
            store.clear()?.await?;
            // Every put is queued at once; the transaction runs them in order and the commit
            // below resolves when all are durable (or rejects, having applied none of them).
            // Awaiting each put would cost an event-loop turn per row.
            for row in rows {
                drop(store.put(row).serde()?);
            }
            Ok(())
        })
        .await
    }
}
