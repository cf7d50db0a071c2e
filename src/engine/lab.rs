//! The lab: what it owns (the cache, which is the emulator's hash `product_prices`; the
//! database; the chosen pattern and faults; write-behind's queue) and the operations on them:
//! `update_price` (which runs the pattern's file in [`super::patterns`]), `flush`, reading the
//! stores, resetting and seeding. Recovery is in [`super::recovery`], the lesson's writes in
//! [`super::scripted`], the steps the patterns are made of in [`super::steps`].
//!
//! Operations run one at a time, in the order they were called ([`FifoLock`]): two updates of
//! the same product can never interleave their writes, which is the per-key ordering that keeps
//! write-through consistent (`race.rs` shows what happens without it).

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use super::cache_link::{CacheLink, SharedRedis};
use super::faults::Faults;
use super::fifo_lock::FifoLock;
use super::key_lock::KeyLocks;
use super::pattern::Pattern;
use super::patterns::{self, write_behind};
use super::queue::WriteBehindQueue;
use super::recorder::StepText;
use super::steps::cached_prices;
use super::trace::{Actor, Consistency, OperationKind, Step, StepKind, Table, Trace};
use crate::catalog::PRICES_KEY;
use crate::db::{Database, DbError, Fault, Faulty, Operation, PriceWrite, ProductRecord};
use crate::emulator::cli::LineOutput;
use crate::emulator::{Emulator, LineError, Reply};

/// The most times the console repeats a command (`1000 PING`); redis-cli has no limit, but a
/// browser tab printing millions of lines would freeze.
pub const MAX_CONSOLE_REPEAT: u64 = 1_000;

/// The database rows as the lab holds them, ordered by id: each row shared, so that the list
/// can be copied cheaply when someone still holds the previous one.
pub type Rows = Rc<Vec<Rc<ProductRecord>>>;

/// Rows written for the first time (revision 1) from `(id, price)` pairs, at `at_ms` by `by`.
pub(super) fn first_writes(
    pairs: impl IntoIterator<Item = (String, String)>,
    at_ms: f64,
    by: &str,
) -> Vec<ProductRecord> {
    pairs
        .into_iter()
        .map(|(id, price)| {
            PriceWrite {
                id,
                price,
                at_ms,
                by: by.to_owned(),
            }
            .into_record(None)
        })
        .collect()
}

/// The fields one command of a warm-up or rebuild writes at most.
pub(super) const FIELDS_PER_COMMAND: usize = 1_000;

/// The commands that fill the hash `key` from `rows` (`HMSET key id price …`), a thousand fields
/// each: the same hash, without a command (and an argument buffer kept by the emulator) the
/// size of the whole catalog.
pub(super) fn warm_commands(rows: &[Rc<ProductRecord>], key: &str) -> Vec<Vec<Vec<u8>>> {
    rows.chunks(FIELDS_PER_COMMAND)
        .map(|batch| {
            let mut argv = Vec::with_capacity(2 + 2 * batch.len());
            argv.push(b"HMSET".to_vec());
            argv.push(key.as_bytes().to_vec());
            for r in batch {
                argv.push(r.id.as_bytes().to_vec());
                argv.push(r.price.as_bytes().to_vec());
            }
            argv
        })
        .collect()
}

/// A failure outside a trace (reading the database to start or refresh).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EngineError {
    Database(DbError),
}

impl std::fmt::Display for EngineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EngineError::Database(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for EngineError {}

impl From<DbError> for EngineError {
    fn from(e: DbError) -> Self {
        EngineError::Database(e)
    }
}

/// The largest hash of which the lab keeps a copy after each write of another tab.
pub const SNAPSHOT_FIELDS: usize = 10_000;

/// What the lab tells of every row it commits.
pub type OnCommit = Box<dyn Fn(&ProductRecord)>;

/// What the lab tells when it deletes a row (its id).
pub type OnDelete = Box<dyn Fn(&str)>;

/// The lesson's two stores and the rules that keep them.
pub struct Lab<D: Database> {
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
    pub(super) queue: RefCell<WriteBehindQueue>,
    pattern: Cell<Pattern>,
    faults: Cell<Faults>,
    pub(super) crashed: Cell<bool>,
    now_ms: Box<dyn Fn() -> f64>,
    pub(super) lock: FifoLock,
    /// Other tabs' database writes not yet shown in a trace.
    pub(super) other_rows: super::other_tabs::OtherRows,
    /// Locks shared by every tab (the page's Web Locks), for per-key ordering.
    pub(super) key_locks: RefCell<Option<Rc<dyn KeyLocks>>>,
    per_key_ordering: Cell<bool>,
    /// Told of every row this lab commits, as soon as it is committed (the page tells the other
    /// tabs, which then see the writes in the order they happen).
    on_commit: RefCell<Option<OnCommit>>,
    /// Told of every row this lab deletes (the learner's Python: `del database[...]`).
    on_delete: RefCell<Option<OnDelete>>,
}

impl<D: Database> std::fmt::Debug for Lab<D> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lab")
            .field("pattern", &self.pattern.get())
            .field("faults", &self.faults.get())
            .field("crashed", &self.crashed.get())
            .finish_non_exhaustive()
    }
}

impl<D: Database> Lab<D> {
    /// A lab over `redis` (the cache) and `db`, with timestamps from `now_ms`. Call
    /// [`Lab::start`] before anything else.
    pub fn new(redis: Emulator, db: D, now_ms: Box<dyn Fn() -> f64>) -> Self {
        Self::over(CacheLink::Own(RefCell::new(redis)), db, now_ms)
    }

    /// A lab whose cache is the Redis every tab shares, through `shared` (connected), over `db`.
    pub fn shared(shared: Rc<dyn SharedRedis>, db: D, now_ms: Box<dyn Fn() -> f64>) -> Self {
        // Another tab's write is shown with the hash as it was right after it (the replica may
        // have moved on by the time the trace records it). Copying the hash costs a pass over
        // it, so a large catalog is shown as it is when recorded instead.
        shared.set_snapshot(Box::new(|redis| {
            let small = match redis.keyspace().get(PRICES_KEY.as_bytes()) {
                Some(crate::emulator::Value::Hash(h)) => h.len() <= SNAPSHOT_FIELDS,
                _ => true,
            };
            small.then(|| Rc::new(cached_prices(redis)))
        }));
        Self::over(CacheLink::Shared(shared), db, now_ms)
    }

    fn over(cache: CacheLink, db: D, now_ms: Box<dyn Fn() -> f64>) -> Self {
        Lab {
            cache,
            db: Faulty::new(db),
            rows: RefCell::default(),
            consistency: RefCell::default(),
            cache_table: RefCell::default(),
            database_table: RefCell::default(),
            queue: RefCell::default(),
            pattern: Cell::new(Pattern::default()),
            faults: Cell::new(Faults::default()),
            crashed: Cell::new(false),
            now_ms,
            lock: FifoLock::default(),
            other_rows: Default::default(),
            key_locks: RefCell::default(),
            per_key_ordering: Cell::new(false),
            on_commit: RefCell::default(),
            on_delete: RefCell::default(),
        }
    }

    /// Reads the database and, if the cache has no hash yet, warms it from the database
    /// (`HMSET product_prices ...`). A lab on the shared Redis warms it only if it is the first
    /// tab of a server that has just started (a later tab finds the cache as the others left
    /// it); the warm-up is returned as a trace, to show.
    pub async fn start(&self) -> Result<Option<Trace>, EngineError> {
        let _guard = self.lock.lock().await;
        self.reload_rows().await?;
        let first = self.cache.connected().is_none_or(|c| c.cold);
        if !first {
            return Ok(None);
        }
        let exists = self
            .cache
            .run_one(
                vec![b"EXISTS".to_vec(), PRICES_KEY.as_bytes().to_vec()],
                false,
            )
            .await;
        if exists != Reply::Integer(0) {
            return Ok(None);
        }
        Ok(Some(self.warm_up().await))
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

    /// Rereads the database (another tab, or someone else, may have written it).
    pub async fn refresh(&self) -> Result<(), EngineError> {
        let _guard = self.lock.lock().await;
        self.reload_rows().await
    }

    /// Gives the lab locks shared with the other tabs (per-key ordering needs them).
    pub fn set_key_locks(&self, locks: Rc<dyn KeyLocks>) {
        *self.key_locks.borrow_mut() = Some(locks);
    }

    /// Whether `update_price` takes its product's lock across tabs around its writes.
    pub fn per_key_ordering(&self) -> bool {
        self.per_key_ordering.get() && self.key_locks.borrow().is_some()
    }

    /// Switches per-key ordering across tabs on or off (it needs locks: see
    /// [`Lab::set_key_locks`]).
    pub fn set_per_key_ordering(&self, on: bool) {
        self.per_key_ordering.set(on);
    }

    /// The pattern `update_price` follows.
    pub fn pattern(&self) -> Pattern {
        self.pattern.get()
    }

    /// Chooses the pattern.
    pub fn set_pattern(&self, pattern: Pattern) {
        self.pattern.set(pattern);
    }

    /// The faults switched on.
    pub fn faults(&self) -> Faults {
        self.faults.get()
    }

    /// Switches faults on or off.
    pub fn set_faults(&self, faults: Faults) {
        self.faults.set(faults);
        if faults.database_write {
            self.db.set(Operation::PutPrice, Fault::FailAlways);
        } else {
            self.db.clear(Operation::PutPrice);
        }
    }

    /// Whether the application is down after a crash (call [`Lab::restart`]).
    pub fn is_crashed(&self) -> bool {
        self.crashed.get()
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
    /// same shape as [`Lab::cache`], and what every trace step holds). The full records, with
    /// their revisions, are [`Lab::rows`].
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

    /// Write-behind's waiting writes as `(product, price)` pairs.
    pub fn queue(&self) -> Vec<(String, String)> {
        self.queue.borrow().pairs()
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

    /// Keeps `step`'s consistency for [`Lab::consistency`]: the recorder has just compared
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
    /// lab's own view of the rows is [`Lab::database`]).
    pub fn db(&self) -> &Faulty<D> {
        &self.db
    }

    /// Runs a command line on the cache, as [`Emulator::execute_command`] does (a write is
    /// refused while the "cache write fails" fault is on).
    pub async fn execute_command(&self, line: &str) -> Result<Reply, LineError> {
        self.cache
            .execute_command(line, self.faults().cache_write)
            .await
    }

    /// Runs a console line on the cache as redis-cli would (repeat counts up to
    /// [`MAX_CONSOLE_REPEAT`], `help`, `clear`, `quit`).
    pub async fn console_line(&self, line: &str) -> LineOutput {
        self.cache
            .console_line(line, MAX_CONSOLE_REPEAT, self.faults().cache_write)
            .await
    }

    /// Where the cache is: the lab's own Redis, or the one every tab shares.
    pub fn cache_link(&self) -> &CacheLink {
        &self.cache
    }

    /// Puts both stores back to the seed catalog, empties the queue and brings a crashed
    /// application back. Faults stay as they are.
    pub async fn reset(&self) -> Result<(), EngineError> {
        let _guard = self.lock.lock().await;
        self.db.inner().reset(self.now()).await?;
        self.reload_rows().await?;
        self.restart_cache_from_rows().await;
        Ok(())
    }

    /// Replaces both stores with a generated catalog of `n` products
    /// ([`crate::catalog::generated`]): the database in one transaction, then the cache with
    /// `DEL` and one `HMSET`, so the two agree. Empties the queue and brings a crashed
    /// application back; faults stay as they are.
    pub async fn seed_catalog(&self, n: usize) -> Result<(), EngineError> {
        let _guard = self.lock.lock().await;
        let now = self.now();
        // The lab lets go of its own copies of the rows before building the new ones, so that
        // the two lists are not both in memory (at 100,000 products that is about 12 MB of
        // linear memory, which never shrinks). The cache is left alone until the database has
        // the new catalog: if that write fails, nothing changed.
        self.release_rows();
        let mut rows = first_writes(crate::catalog::generated(n), now, "seed");
        if let Err(e) = self.db.replace_all(&rows).await {
            // Nothing was written: the catalog that was there still is; read it back (if even
            // that fails, the error that matters is still the first one).
            drop(rows);
            let _ = self.reload_rows().await;
            return Err(e.into());
        }
        rows.sort_unstable_by(|a, b| a.id.cmp(&b.id));
        *self.rows.borrow_mut() = Rc::new(rows.into_iter().map(Rc::new).collect());
        self.database_table.take();
        self.restart_cache_from_rows().await;
        Ok(())
    }

    /// Drops the lab's own copies of the rows and of the tables made from the stores.
    fn release_rows(&self) {
        *self.rows.borrow_mut() = Rows::default();
        self.database_table.take();
        self.cache_table.take();
        self.consistency.take();
    }

    /// After the database was replaced: empties the queue, brings a crashed application back
    /// and rebuilds the hash from the rows.
    async fn restart_cache_from_rows(&self) {
        self.queue.borrow_mut().clear();
        self.crashed.set(false);
        self.rebuild_cache().await;
    }

    /// The hash rebuilt from the rows (`DEL`, then `HMSET`s), even if the cache refuses writes
    /// (the fault stays on afterwards).
    async fn rebuild_cache(&self) {
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

    /// The lab's clock, in milliseconds.
    pub(super) fn now(&self) -> f64 {
        (self.now_ms)()
    }

    /// `update_price(product, new_price)` under the chosen pattern and faults, as a trace.
    pub async fn update_price(&self, product: &str, new_price: &str) -> Trace {
        let _guard = self.lock.lock().await;
        let pattern = self.pattern.get();
        let check = patterns::code(pattern).check;
        let mut rec = self.recorder(OperationKind::UpdatePrice, product, new_price);
        if self.crashed.get() {
            let message = "The application is down after a crash: restart it first (it recovers, then serves).".to_owned();
            self.reject(&mut rec, check, message);
            return rec.trace;
        }
        let price = match self.check(product, new_price) {
            Ok(price) => price,
            Err(message) => {
                self.reject(&mut rec, check, message);
                return rec.trace;
            }
        };
        self.record(&mut rec, StepText {
            kind: StepKind::Validate,
            actor: Actor::Application,
            action: format!("check({product:?}, {price:?})"),
            result: "ok".to_owned(),
            ok: true,
            code: check,
            narration: format!("The application checks that {product} exists and that {price} is a valid price."),
        });
        let held = self.lock_product(&mut rec, product).await;
        patterns::update(self, &mut rec, pattern, product, &price).await;
        drop(held);
        rec.trace
    }

    /// Whether write-behind's queue should be flushed now (by size or age).
    pub fn flush_due(&self) -> bool {
        self.queue.borrow().flush_due(self.now())
    }

    /// Flushes write-behind's queue to the database, as a trace.
    pub async fn flush(&self) -> Trace {
        let _guard = self.lock.lock().await;
        let mut rec = self.recorder(OperationKind::Flush, "", "");
        rec.trace.pattern = Pattern::WriteBehind;
        if self.queue.borrow().is_empty() {
            self.done(&mut rec, "Nothing is waiting in the queue.".to_owned());
            return rec.trace;
        }
        write_behind::flush_steps(self, &mut rec, write_behind::FLUSH_WRITE).await;
        let waiting = self.queue.borrow().len();
        self.done(
            &mut rec,
            if waiting == 0 {
                "Every queued write reached the database.".to_owned()
            } else {
                format!("{waiting} write(s) still wait.")
            },
        );
        rec.trace
    }

    /// Simulates a crash right now (without an update in flight).
    pub fn crash_now(&self) {
        self.crashed.set(true);
        self.queue.borrow_mut().clear();
    }
}
