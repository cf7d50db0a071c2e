//! The lab: the operations on the two stores ([`super::stores::Stores`]: the cache, which is
//! the emulator's hash `product_prices`, and the database) under the chosen pattern and faults,
//! with write-behind's queue: `update_price` (which runs the pattern's file in
//! [`super::patterns`]), `flush`, resetting and seeding. Recovery is in [`super::recovery`], the
//! lesson's writes in [`super::scripted`], the steps the patterns are made of in
//! [`super::steps`].
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
use super::stores::Stores;
use super::trace::{Actor, OperationKind, StepKind, Trace};
use crate::catalog::PRICES_KEY;
use crate::db::{Database, DbError, Fault, Operation, PriceWrite, ProductRecord};
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
    /// The cache and the database, and the lab's copies of what they hold.
    pub(super) stores: Stores<D>,
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
            stores: Stores::new(cache, db),
            queue: RefCell::default(),
            pattern: Cell::new(Pattern::default()),
            faults: Cell::new(Faults::default()),
            crashed: Cell::new(false),
            now_ms,
            lock: FifoLock::default(),
            other_rows: Default::default(),
            key_locks: RefCell::default(),
            per_key_ordering: Cell::new(false),
        }
    }

    /// Reads the database and, if the cache has no hash yet, warms it from the database
    /// (`HMSET product_prices ...`). A lab on the shared Redis warms it only if it is the first
    /// tab of a server that has just started (a later tab finds the cache as the others left
    /// it); the warm-up is returned as a trace, to show.
    pub async fn start(&self) -> Result<Option<Trace>, EngineError> {
        let _guard = self.lock.lock().await;
        self.stores.reload_rows().await?;
        let first = self.stores.cache.connected().is_none_or(|c| c.cold);
        if !first {
            return Ok(None);
        }
        let exists = self
            .stores
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

    /// Rereads the database (another tab, or someone else, may have written it).
    pub async fn refresh(&self) -> Result<(), EngineError> {
        let _guard = self.lock.lock().await;
        self.stores.reload_rows().await
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
            self.stores.db.set(Operation::PutPrice, Fault::FailAlways);
        } else {
            self.stores.db.clear(Operation::PutPrice);
        }
    }

    /// Whether the application is down after a crash (call [`Lab::restart`]).
    pub fn is_crashed(&self) -> bool {
        self.crashed.get()
    }

    /// Write-behind's waiting writes as `(product, price)` pairs.
    pub fn queue(&self) -> Vec<(String, String)> {
        self.queue.borrow().pairs()
    }

    /// Runs a command line on the cache, as [`Emulator::execute_command`] does (a write is
    /// refused while the "cache write fails" fault is on).
    pub async fn execute_command(&self, line: &str) -> Result<Reply, LineError> {
        self.stores
            .cache
            .execute_command(line, self.faults().cache_write)
            .await
    }

    /// Runs a console line on the cache as redis-cli would (repeat counts up to
    /// [`MAX_CONSOLE_REPEAT`], `help`, `clear`, `quit`).
    pub async fn console_line(&self, line: &str) -> LineOutput {
        self.stores
            .cache
            .console_line(line, MAX_CONSOLE_REPEAT, self.faults().cache_write)
            .await
    }

    /// Puts both stores back to the seed catalog, empties the queue and brings a crashed
    /// application back. Faults stay as they are.
    pub async fn reset(&self) -> Result<(), EngineError> {
        let _guard = self.lock.lock().await;
        self.stores.db.inner().reset(self.now()).await?;
        self.stores.reload_rows().await?;
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
        self.stores.release_rows();
        let rows = first_writes(crate::catalog::generated(n), now, "seed");
        if let Err(e) = self.stores.db.replace_all(&rows).await {
            // Nothing was written: the catalog that was there still is; read it back (if even
            // that fails, the error that matters is still the first one).
            drop(rows);
            let _ = self.stores.reload_rows().await;
            return Err(e.into());
        }
        self.stores.set_rows(rows);
        self.restart_cache_from_rows().await;
        Ok(())
    }

    /// After the database was replaced: empties the queue, brings a crashed application back
    /// and rebuilds the hash from the rows.
    async fn restart_cache_from_rows(&self) {
        self.queue.borrow_mut().clear();
        self.crashed.set(false);
        self.stores.rebuild_cache().await;
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

    /// The cache and the database, and the lab's copies of what they hold.
    pub fn stores(&self) -> &Stores<D> {
        &self.stores
    }

    /// Simulates a crash right now (without an update in flight).
    pub fn crash_now(&self) {
        self.crashed.set(true);
        self.queue.borrow_mut().clear();
    }
}
