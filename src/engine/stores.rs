//! The lab's two stores as the lab holds them ([`Stores`]): the cache (the lab's own Redis, or
//! the one every tab shares), the database with its fault switches, the lab's copy of the rows
//! and the tables made from both (read again only when a store changed), and who is told of
//! each row the lab writes or deletes. The operations on them (patterns, recovery, the lesson's
//! writes) are [`super::lab::Lab`]'s.

use std::cell::RefCell;
use std::rc::Rc;

use super::cache_link::CacheLink;
use super::lab::{warm_commands, EngineError, OnCommit, OnDelete, Rows};
use super::steps::cached_prices;
use super::trace::{Consistency, Step, Table};
use crate::catalog::PRICES_KEY;
use crate::db::{Database, Faulty, ProductRecord};

/// The cache and the database, and the lab's copies of what they hold.
pub struct Stores<D: Database> {
    pub(super) cache: CacheLink,
    pub(super) db: Faulty<D>,
    /// The database rows as last read or written by the lab, ordered by id.
    rows: RefCell<Rows>,
    /// The last consistency computed, and the tables it was computed from.
    consistency: RefCell<Option<(Table, Table, Consistency)>>,
    /// The cache as a table, and the keyspace generation it was read at.
    cache_table: RefCell<Option<(u64, Table)>>,
    /// `rows` as a table; `None` after they changed.
    database_table: RefCell<Option<Table>>,
    /// Told of every row the lab commits, as soon as it is committed (the page tells the other
    /// tabs, which then see the writes in the order they happen).
    on_commit: RefCell<Option<OnCommit>>,
    /// Told of every row the lab deletes (the learner's Python: `del database[...]`).
    on_delete: RefCell<Option<OnDelete>>,
}

impl<D: Database> Stores<D> {
    pub(super) fn new(cache: CacheLink, db: D) -> Self {
        Stores {
            cache,
            db: Faulty::new(db),
            rows: RefCell::default(),
            consistency: RefCell::default(),
            cache_table: RefCell::default(),
            database_table: RefCell::default(),
            on_commit: RefCell::default(),
            on_delete: RefCell::default(),
        }
    }

    /// The lab's copy of the rows replaced by `rows` (just written to the database).
    pub(super) fn set_rows(&self, mut rows: Vec<ProductRecord>) {
        rows.sort_unstable_by(|a, b| a.id.cmp(&b.id));
        *self.rows.borrow_mut() = Rc::new(rows.into_iter().map(Rc::new).collect());
        self.database_table.take();
    }

    pub(super) async fn reload_rows(&self) -> Result<(), EngineError> {
        let mut rows = self.db.all().await?;
        // IndexedDB orders keys by UTF-16 code units, Rust strings by bytes; they differ only
        // for rare ids, but the lab's binary searches need its own order.
        rows.sort_unstable_by(|a, b| a.id.cmp(&b.id));
        *self.rows.borrow_mut() = Rc::new(rows.into_iter().map(Rc::new).collect());
        self.database_table.take();
        Ok(())
    }

    /// The hash `product_prices` as `(field, value)` pairs in the hash's order, shared: read
    /// again only if the cache changed since the last call.
    pub fn cache(&self) -> Table {
        let generation = self.cache.read().keyspace().generation();
        if let Some((at, table)) = &*self.cache_table.borrow() {
            if *at == generation {
                return Rc::clone(table);
            }
        }
        let table = Rc::new(cached_prices(&self.cache.read()));
        *self.cache_table.borrow_mut() = Some((generation, Rc::clone(&table)));
        table
    }

    /// The database as `(id, price)` pairs ordered by id, as the lab last saw it, shared (the
    /// same shape as [`Stores::cache`], and what every trace step holds). The full records, with
    /// their revisions, are [`Stores::rows`].
    pub fn database(&self) -> Table {
        if let Some(table) = &*self.database_table.borrow() {
            return Rc::clone(table);
        }
        let table: Table = Rc::new(
            self.rows
                .borrow()
                .iter()
                .map(|r| (r.id.clone(), r.price.clone()))
                .collect(),
        );
        *self.database_table.borrow_mut() = Some(Rc::clone(&table));
        table
    }

    /// The database's records (price, revision, who wrote it and when), ordered by id, shared:
    /// a write copies the list of pointers, not the rows, if the caller still holds it.
    pub fn rows(&self) -> Rows {
        Rc::clone(&self.rows.borrow())
    }

    /// How many products the database holds.
    pub fn product_count(&self) -> usize {
        self.rows.borrow().len()
    }

    /// The revision of row `product` as the lab last saw it.
    pub(super) fn revision_of(&self, product: &str) -> Option<u64> {
        let rows = self.rows.borrow();
        rows.binary_search_by(|r| r.id.as_str().cmp(product))
            .ok()
            .map(|i| rows[i].revision)
    }

    /// Whether the database has a row `product` (a binary search: rows are ordered by id).
    pub fn has_product(&self, product: &str) -> bool {
        self.rows
            .borrow()
            .binary_search_by(|r| r.id.as_str().cmp(product))
            .is_ok()
    }

    /// Whether the stores agree right now.
    pub fn consistency(&self) -> Consistency {
        let (cache, database) = (self.cache(), self.database());
        if let Some((c, d, known)) = &*self.consistency.borrow() {
            if Rc::ptr_eq(c, &cache) && Rc::ptr_eq(d, &database) {
                return known.clone();
            }
        }
        let now = Consistency::of(&cache, &database);
        *self.consistency.borrow_mut() = Some((cache, database, now.clone()));
        now
    }

    /// Keeps `step`'s consistency for [`Stores::consistency`]: the recorder has just compared
    /// these tables, so the page need not compare 100,000 rows again when it renders.
    pub(super) fn remember_consistency(&self, step: &Step) {
        let mut known = self.consistency.borrow_mut();
        let current = known
            .as_ref()
            .is_some_and(|(c, d, _)| Rc::ptr_eq(c, &step.cache) && Rc::ptr_eq(d, &step.database));
        if !current {
            *known = Some((
                Rc::clone(&step.cache),
                Rc::clone(&step.database),
                step.consistency.clone(),
            ));
        }
    }

    /// The storage underneath the lab, with its fault switches (for tests and benchmarks; the
    /// lab's own view of the rows is [`Stores::database`]).
    pub fn db(&self) -> &Faulty<D> {
        &self.db
    }

    /// Where the cache is: the lab's own Redis, or the one every tab shares.
    pub fn cache_link(&self) -> &CacheLink {
        &self.cache
    }

    /// Drops the lab's own copies of the rows and of the tables made from the stores.
    pub(super) fn release_rows(&self) {
        *self.rows.borrow_mut() = Rows::default();
        self.database_table.take();
        self.cache_table.take();
        self.consistency.take();
    }

    /// The hash rebuilt from the rows (`DEL`, then `HMSET`s), even if the cache refuses writes
    /// (the fault stays on afterwards).
    pub(super) async fn rebuild_cache(&self) {
        let commands = warm_commands(&self.rows.borrow(), PRICES_KEY);
        self.cache
            .run_one(vec![b"DEL".to_vec(), PRICES_KEY.as_bytes().to_vec()], false)
            .await;
        for argv in commands {
            self.cache.run_one(argv, false).await;
        }
    }

    /// Runs `f` with every row this lab commits, right after the commit.
    pub fn set_on_commit(&self, f: OnCommit) {
        *self.on_commit.borrow_mut() = Some(f);
    }

    /// Runs `f` with the id of every row this lab deletes, right after the delete.
    pub fn set_on_delete(&self, f: OnDelete) {
        *self.on_delete.borrow_mut() = Some(f);
    }

    /// A row this lab just deleted: gone from its copy of the table, and told.
    pub(super) fn deleted(&self, id: &str) {
        self.database_table.take();
        let mut shared = self.rows.borrow_mut();
        let rows = Rc::make_mut(&mut shared);
        if let Ok(i) = rows.binary_search_by(|r| r.id.as_str().cmp(id)) {
            rows.remove(i);
        }
        drop(shared);
        if let Some(f) = &*self.on_delete.borrow() {
            f(id);
        }
    }

    /// A row this lab just committed: kept in its copy of the table, and told.
    pub(super) fn committed(&self, record: &ProductRecord) {
        self.remember(record);
        if let Some(f) = &*self.on_commit.borrow() {
            f(record);
        }
    }

    /// Keeps a row the lab just wrote in its own copy of the table.
    pub(super) fn remember(&self, record: &ProductRecord) {
        self.database_table.take();
        let mut shared = self.rows.borrow_mut();
        let rows = Rc::make_mut(&mut shared);
        match rows.binary_search_by(|r| r.id.as_str().cmp(&record.id)) {
            Ok(i) => rows[i] = Rc::new(record.clone()),
            Err(i) => rows.insert(i, Rc::new(record.clone())),
        }
    }
}
