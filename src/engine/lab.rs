//! The lab: the cache (the emulator's hash `product_prices`), the database, the chosen pattern
//! and faults, and `update_price` producing a [`Trace`].
//!
//! Operations run one at a time, in the order they were called (a FIFO lock): two updates of
//! the same product can never interleave their writes, which is the per-key ordering that keeps
//! write-through consistent (`race.rs` shows what happens without it).

use std::cell::{Cell, RefCell};
use std::future::poll_fn;
use std::rc::Rc;
use std::task::{Poll, Waker};

use serde::{Deserialize, Serialize};

use super::code::{self, Listing};
use super::pattern::Pattern;
use super::queue::WriteBehindQueue;
use super::recorder::{Recorder, StepText};
use super::trace::{Actor, Consistency, OperationKind, Outcome, StepKind, Table, Trace};
use crate::catalog::{hmset_line, validate_price, PRICES_KEY};
use crate::db::{Database, DbError, Fault, Faulty, Operation, PriceWrite, ProductRecord};
use crate::emulator::{quote_arg, Emulator, Reply};

/// The most times the console repeats a command (`1000 PING`); redis-cli has no limit, but a
/// browser tab printing millions of lines would freeze.
pub const MAX_CONSOLE_REPEAT: u64 = 1_000;

/// The hash `product_prices` of `redis` as `(field, value)` pairs, in the hash's order (bytes
/// that are not UTF-8 shown as U+FFFD).
pub(super) fn cached_prices(redis: &Emulator) -> Vec<(String, String)> {
    match redis.keyspace().get(PRICES_KEY.as_bytes()) {
        Some(crate::emulator::Value::Hash(h)) => h
            .iter()
            .map(|(f, v)| {
                (
                    String::from_utf8_lossy(f).into_owned(),
                    String::from_utf8_lossy(v).into_owned(),
                )
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The database rows as the lab holds them, ordered by id: each row shared, so that the list
/// can be copied cheaply when someone still holds the previous one.
pub type Rows = Rc<Vec<Rc<ProductRecord>>>;

/// Rows written for the first time (revision 1) from `(id, price)` pairs, at `at_ms` by `by`.
fn first_writes(
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

/// The longest product id the lab accepts.
pub const MAX_PRODUCT_LEN: usize = 64;

/// Which faults are switched on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Faults {
    /// Every database write fails.
    pub database_write: bool,
    /// The cache refuses writes (Redis at `maxmemory` with `noeviction`: HSET gets `OOM`).
    pub cache_write: bool,
    /// The application stops between its two writes, as if the page had crashed.
    pub crash_between: bool,
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

/// A first-come, first-served lock: operations run one at a time in call order. A caller that
/// gives up while waiting (its future dropped) leaves the line without blocking it.
#[derive(Debug, Default)]
struct FifoLock {
    next_ticket: Cell<u64>,
    serving: Cell<u64>,
    /// Tickets whose holders gave up before their turn.
    abandoned: RefCell<std::collections::BTreeSet<u64>>,
    waiting: RefCell<Vec<Waker>>,
}

struct FifoGuard<'a>(&'a FifoLock);

impl Drop for FifoGuard<'_> {
    fn drop(&mut self) {
        self.0.advance();
    }
}

/// A place in the line; if dropped before its turn, the line skips it.
struct Ticket<'a> {
    lock: &'a FifoLock,
    number: u64,
    served: bool,
}

impl Drop for Ticket<'_> {
    fn drop(&mut self) {
        if self.served {
            return;
        }
        if self.lock.serving.get() == self.number {
            self.lock.advance();
        } else {
            self.lock.abandoned.borrow_mut().insert(self.number);
        }
    }
}

impl FifoLock {
    async fn lock(&self) -> FifoGuard<'_> {
        let number = self.next_ticket.get();
        self.next_ticket.set(number + 1);
        let mut ticket = Ticket {
            lock: self,
            number,
            served: false,
        };
        poll_fn(|cx| {
            if self.serving.get() == number {
                Poll::Ready(())
            } else {
                self.waiting.borrow_mut().push(cx.waker().clone());
                Poll::Pending
            }
        })
        .await;
        ticket.served = true;
        FifoGuard(self)
    }

    /// Serves the next ticket that is still wanted, and wakes the waiters to check.
    fn advance(&self) {
        let mut next = self.serving.get() + 1;
        while self.abandoned.borrow_mut().remove(&next) {
            next += 1;
        }
        self.serving.set(next);
        for waker in self.waiting.borrow_mut().drain(..) {
            waker.wake();
        }
    }
}

/// The lesson's two stores and the rules that keep them.
pub struct Lab<D: Database> {
    redis: RefCell<Emulator>,
    db: Faulty<D>,
    /// The database rows as last read or written by the lab, ordered by id.
    rows: RefCell<Rows>,
    /// The last consistency computed, and the tables it was computed from.
    consistency: RefCell<Option<(Table, Table, Consistency)>>,
    /// The cache as a table, and the keyspace generation it was read at.
    cache_table: RefCell<Option<(u64, Table)>>,
    /// `rows` as a table; `None` after they changed.
    database_table: RefCell<Option<Table>>,
    queue: RefCell<WriteBehindQueue>,
    pattern: Cell<Pattern>,
    faults: Cell<Faults>,
    crashed: Cell<bool>,
    now_ms: Box<dyn Fn() -> f64>,
    lock: FifoLock,
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
        Lab {
            redis: RefCell::new(redis),
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
        }
    }

    /// Reads the database and warms the cache from it (`HMSET product_prices ...`) if the
    /// cache has no hash yet.
    pub async fn start(&self) -> Result<(), EngineError> {
        let _guard = self.lock.lock().await;
        self.reload_rows().await?;
        let empty = matches!(
            self.redis
                .borrow_mut()
                .execute_command("EXISTS product_prices"),
            Ok(Reply::Integer(0))
        );
        if empty {
            self.warm_cache();
        }
        Ok(())
    }

    fn warm_cache(&self) {
        let rows = self.rows.borrow();
        if rows.is_empty() {
            return;
        }
        // In commands of a thousand fields: the same hash, without a line (and an argument
        // buffer kept by the emulator) the size of the whole catalog.
        for batch in rows.chunks(1_000) {
            let line = hmset_line(batch.iter().map(|r| (r.id.as_str(), r.price.as_str())));
            let _ = self.redis.borrow_mut().execute_command(line);
        }
    }

    async fn reload_rows(&self) -> Result<(), EngineError> {
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
        self.redis
            .borrow_mut()
            .set_out_of_memory(faults.cache_write);
    }

    /// Whether the application is down after a crash (call [`Lab::restart`]).
    pub fn is_crashed(&self) -> bool {
        self.crashed.get()
    }

    /// The hash `product_prices` as `(field, value)` pairs, in the hash's order.
    pub fn cache(&self) -> Vec<(String, String)> {
        self.cache_table().to_vec()
    }

    /// The database rows as the lab last saw them, ordered by id (shared: a write copies the
    /// list of pointers, not the rows, if the caller still holds it).
    pub fn database(&self) -> Rows {
        Rc::clone(&self.rows.borrow())
    }

    /// The database as `(id, price)` pairs.
    pub fn database_prices(&self) -> Vec<(String, String)> {
        self.database_table().to_vec()
    }

    /// The hash `product_prices` as a shared table, read again only if the cache changed since
    /// the last call.
    pub fn cache_table(&self) -> Table {
        let generation = self.redis.borrow().keyspace().generation();
        if let Some((at, table)) = &*self.cache_table.borrow() {
            if *at == generation {
                return Rc::clone(table);
            }
        }
        let table = Rc::new(cached_prices(&self.redis.borrow()));
        *self.cache_table.borrow_mut() = Some((generation, Rc::clone(&table)));
        table
    }

    /// The database as a shared table of `(id, price)` pairs, ordered by id.
    pub fn database_table(&self) -> Table {
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

    /// How many products the database holds.
    pub fn product_count(&self) -> usize {
        self.rows.borrow().len()
    }

    /// The revision of row `product` as the lab last saw it.
    fn revision_of(&self, product: &str) -> Option<u64> {
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
        let (cache, database) = (self.cache_table(), self.database_table());
        if let Some((c, d, known)) = &*self.consistency.borrow() {
            if Rc::ptr_eq(c, &cache) && Rc::ptr_eq(d, &database) {
                return known.clone();
            }
        }
        let now = Consistency::of(&cache, &database);
        *self.consistency.borrow_mut() = Some((cache, database, now.clone()));
        now
    }

    /// The database being used (with its fault switches).
    pub fn db(&self) -> &Faulty<D> {
        &self.db
    }

    /// Runs a console line on the cache, printed as redis-cli prints it.
    pub fn execute_command(&self, line: &str) -> String {
        self.redis.borrow_mut().execute_command_printed(line)
    }

    /// Runs a console line on the cache as redis-cli would (repeat counts up to
    /// [`MAX_CONSOLE_REPEAT`], `help`, `clear`, `quit`).
    pub fn console_line(&self, line: &str) -> crate::emulator::cli::LineOutput {
        crate::emulator::cli::run_line(
            &mut self.redis.borrow_mut(),
            line.as_bytes(),
            Some(MAX_CONSOLE_REPEAT),
        )
    }

    /// Writes a row straight to the database, bypassing the cache (as a script or an
    /// administrator would): the cache may then serve a stale price, which is the point.
    pub async fn edit_database(
        &self,
        product: &str,
        price: &str,
    ) -> Result<ProductRecord, DbError> {
        let _guard = self.lock.lock().await;
        let write = PriceWrite {
            id: product.to_owned(),
            price: price.to_owned(),
            at_ms: (self.now_ms)(),
            by: "edit".to_owned(),
        };
        let record = self.db.inner().put_price(write).await?;
        self.remember(&record);
        Ok(record)
    }

    /// Puts both stores back to the seed catalog, empties the queue and brings a crashed
    /// application back. Faults stay as they are.
    pub async fn reset(&self) -> Result<(), EngineError> {
        let _guard = self.lock.lock().await;
        self.db.inner().reset((self.now_ms)()).await?;
        self.reload_rows().await?;
        self.restart_cache_from_rows();
        Ok(())
    }

    /// Replaces both stores with a generated catalog of `n` products
    /// ([`crate::catalog::generated`]): the database in one transaction, then the cache with
    /// `DEL` and one `HMSET`, so the two agree. Empties the queue and brings a crashed
    /// application back; faults stay as they are.
    pub async fn seed_catalog(&self, n: usize) -> Result<(), EngineError> {
        let _guard = self.lock.lock().await;
        let now = (self.now_ms)();
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
        self.restart_cache_from_rows();
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
    fn restart_cache_from_rows(&self) {
        self.queue.borrow_mut().clear();
        self.crashed.set(false);
        self.rebuild_cache();
    }

    /// The hash rebuilt from the rows (`DEL`, then `HMSET`s), even if the cache refuses writes
    /// (the fault stays on afterwards).
    fn rebuild_cache(&self) {
        let full = self.redis.borrow().is_out_of_memory();
        {
            let mut redis = self.redis.borrow_mut();
            redis.set_out_of_memory(false);
            let _ = redis.execute_command(format!("DEL {PRICES_KEY}"));
        }
        self.warm_cache();
        self.redis.borrow_mut().set_out_of_memory(full);
    }

    fn remember(&self, record: &ProductRecord) {
        self.database_table.take();
        let mut shared = self.rows.borrow_mut();
        let rows = Rc::make_mut(&mut shared);
        match rows.binary_search_by(|r| r.id.as_str().cmp(&record.id)) {
            Ok(i) => rows[i] = Rc::new(record.clone()),
            Err(i) => rows.insert(i, Rc::new(record.clone())),
        }
    }

    fn recorder(
        &self,
        operation: OperationKind,
        product: &str,
        new_price: &str,
        listing: Listing,
    ) -> Recorder {
        Recorder::new(
            Trace {
                operation,
                pattern: self.pattern.get(),
                faults: self.faults.get(),
                product: product.to_owned(),
                new_price: new_price.to_owned(),
                steps: Vec::new(),
                outcome: Outcome::Completed,
            },
            listing,
            (
                self.cache_table(),
                self.database_table(),
                self.queue_table(),
            ),
        )
    }

    fn queue_table(&self) -> Table {
        Rc::new(self.queue())
    }

    fn record(&self, rec: &mut Recorder, text: StepText) {
        rec.push(
            text,
            self.cache_table(),
            self.database_table(),
            self.queue_table(),
        );
        // The recorder has just compared these tables: keep its answer for `consistency()`
        // rather than comparing 100,000 rows again when the page renders.
        if let Some(step) = rec.trace.steps.last() {
            let mut known = self.consistency.borrow_mut();
            let current = known.as_ref().is_some_and(|(c, d, _)| {
                Rc::ptr_eq(c, &step.cache) && Rc::ptr_eq(d, &step.database)
            });
            if !current {
                *known = Some((
                    Rc::clone(&step.cache),
                    Rc::clone(&step.database),
                    step.consistency.clone(),
                ));
            }
        }
    }

    /// Checks the input: the product must be a row of the database, the price a plain
    /// non-negative decimal of a sensible size.
    fn check(&self, product: &str, new_price: &str) -> Result<String, String> {
        if product.trim().is_empty() {
            return Err("Choose a product to update.".to_owned());
        }
        if product.len() > MAX_PRODUCT_LEN {
            return Err(format!(
                "A product id has at most {MAX_PRODUCT_LEN} characters."
            ));
        }
        if !self.has_product(product) {
            return Err(format!(
                "There is no product called \"{product}\" in the database."
            ));
        }
        validate_price(new_price).map_err(|e| e.to_string())
    }

    fn run_redis(&self, line: &str) -> (Reply, String) {
        let mut redis = self.redis.borrow_mut();
        match redis.execute_command(line) {
            Ok(reply) => {
                let printed = reply.to_cli_string().trim_end().to_owned();
                (reply, printed)
            }
            Err(e) => (Reply::Error(e.to_string().into_bytes()), e.to_string()),
        }
    }

    async fn write_database(
        &self,
        product: &str,
        price: &str,
        by: &str,
    ) -> Result<ProductRecord, DbError> {
        let write = PriceWrite {
            id: product.to_owned(),
            price: price.to_owned(),
            at_ms: (self.now_ms)(),
            by: by.to_owned(),
        };
        let believed = self.revision_of(product);
        let record = self.db.put_price_believing(write, believed).await?;
        self.remember(&record);
        Ok(record)
    }

    /// `update_price(product, new_price)` under the chosen pattern and faults, as a trace.
    pub async fn update_price(&self, product: &str, new_price: &str) -> Trace {
        let _guard = self.lock.lock().await;
        let pattern = self.pattern.get();
        let mut rec = self.recorder(
            OperationKind::UpdatePrice,
            product,
            new_price,
            code::update_price(pattern),
        );
        if self.crashed.get() {
            let message = "The application is down after a crash: restart it first (it recovers, then serves).".to_owned();
            self.reject(&mut rec, message);
            return rec.trace;
        }
        let price = match self.check(product, new_price) {
            Ok(price) => price,
            Err(message) => {
                self.reject(&mut rec, message);
                return rec.trace;
            }
        };
        self.record(&mut rec, StepText {
            kind: StepKind::Validate,
            actor: Actor::Application,
            action: format!("check({product:?}, {price:?})"),
            result: "ok".to_owned(),
            ok: true,
            lines: (2, 2),
            narration: format!("The application checks that {product} exists and that {price} is a valid price."),
        });
        match pattern {
            Pattern::WriteThrough => self.write_through_db_first(&mut rec, product, &price).await,
            Pattern::WriteThroughCacheFirst => {
                self.write_through_cache_first(&mut rec, product, &price)
                    .await
            }
            Pattern::CacheAside => self.cache_aside(&mut rec, product, &price).await,
            Pattern::WriteBehind => self.write_behind(&mut rec, product, &price).await,
        }
        rec.trace
    }

    fn reject(&self, rec: &mut Recorder, message: String) {
        self.record(
            rec,
            StepText {
                kind: StepKind::Reject,
                actor: Actor::Application,
                action: "check(product, new_price)".to_owned(),
                result: message.clone(),
                ok: false,
                lines: (2, 2),
                narration: format!("{message} Nothing was written to either store."),
            },
        );
        rec.trace.outcome = Outcome::Rejected(message);
    }

    fn done(&self, rec: &mut Recorder, narration: String) {
        self.record(rec, StepText::done(narration));
    }

    fn crash(&self, rec: &mut Recorder, lines: (u32, u32), narration: String) {
        self.crashed.set(true);
        self.record(
            rec,
            StepText {
                kind: StepKind::Crash,
                actor: Actor::Application,
                action: "crash".to_owned(),
                result: "the page stopped".to_owned(),
                ok: false,
                lines,
                narration,
            },
        );
        rec.trace.outcome = Outcome::Crashed;
    }

    fn hset_line(product: &str, price: &str) -> String {
        format!(
            "HSET {PRICES_KEY} {} {}",
            quote_arg(product.as_bytes()),
            quote_arg(price.as_bytes())
        )
    }

    fn hdel_line(product: &str) -> String {
        format!("HDEL {PRICES_KEY} {}", quote_arg(product.as_bytes()))
    }

    /// Records a database write step; returns whether it committed.
    async fn database_step(
        &self,
        rec: &mut Recorder,
        product: &str,
        price: &str,
        by: &str,
        lines: (u32, u32),
    ) -> Result<(), DbError> {
        match self.write_database(product, price, by).await {
            Ok(record) => {
                self.record(rec, StepText {
                    kind: StepKind::DatabaseWrite,
                    actor: Actor::Database,
                    action: format!("database[{product:?}] = {price:?}"),
                    result: format!("committed (revision {})", record.revision),
                    ok: true,
                    lines,
                    narration: format!("The database commits {product} = {price} in one transaction; it is now durable."),
                });
                Ok(())
            }
            Err(e) => {
                self.record(
                    rec,
                    StepText {
                        kind: StepKind::DatabaseWrite,
                        actor: Actor::Database,
                        action: format!("database[{product:?}] = {price:?}"),
                        result: e.to_string(),
                        ok: false,
                        lines,
                        narration: format!("The database write fails. {e}"),
                    },
                );
                Err(e)
            }
        }
    }

    fn build_command_step(&self, rec: &mut Recorder, line: &str, lines: (u32, u32)) {
        self.record(
            rec,
            StepText {
                kind: StepKind::BuildCommand,
                actor: Actor::Application,
                action: format!("redis_command = {line:?}"),
                result: line.to_owned(),
                ok: true,
                lines,
                narration: format!("The application builds the Redis command string: {line}"),
            },
        );
    }

    /// Runs `line` on the cache as a step of `kind`; returns whether Redis accepted it.
    fn cache_step(
        &self,
        rec: &mut Recorder,
        kind: StepKind,
        line: &str,
        lines: (u32, u32),
        narrate: impl FnOnce(bool, &str) -> String,
    ) -> bool {
        let (reply, printed) = self.run_redis(line);
        let ok = !reply.is_error();
        let narration = narrate(ok, &printed);
        self.record(
            rec,
            StepText {
                kind,
                actor: Actor::Cache,
                action: line.to_owned(),
                result: printed,
                ok,
                lines,
                narration,
            },
        );
        ok
    }

    async fn write_through_db_first(&self, rec: &mut Recorder, product: &str, price: &str) {
        if let Err(e) = self
            .database_step(rec, product, price, "update_price", (3, 3))
            .await
        {
            rec.trace.outcome = Outcome::Failed(e.to_string());
            self.done(rec, "The cache was never touched, so it still agrees with the database: the update simply did not happen.".to_owned());
            return;
        }
        if self.faults.get().crash_between {
            self.crash(rec, (4, 4), format!(
                "The page crashes after the database committed and before the cache was written: the cache still serves the old price of {product} until the application restarts and recovers."
            ));
            return;
        }
        let line = Self::hset_line(product, price);
        self.build_command_step(rec, &line, (4, 4));
        let first = self.cache_step(rec, StepKind::CacheWrite, &line, (7, 6), |ok, printed| {
            if ok {
                format!(
                    "Redis sets {product} to {price} in the hash and answers {printed} ({}).",
                    if printed.ends_with(" 0") {
                        "the field existed"
                    } else {
                        "a new field"
                    }
                )
            } else {
                format!("Redis refuses the write: {printed}")
            }
        });
        if first {
            self.done(
                rec,
                format!("Both stores hold {product} = {price}: database first, then cache."),
            );
            return;
        }
        let retried = self.cache_step(rec, StepKind::CacheRetry, &line, (7, 6), |ok, printed| {
            if ok {
                format!("The retry succeeds: Redis answers {printed}.")
            } else {
                format!("The retry fails too: {printed}")
            }
        });
        if retried {
            self.done(
                rec,
                format!("Both stores hold {product} = {price} after one retry."),
            );
            return;
        }
        let hdel = Self::hdel_line(product);
        self.cache_step(rec, StepKind::CacheInvalidate, &hdel, (10, 10), |ok, printed| {
            if ok {
                format!("The cached {product} is deleted (Redis answers {printed}), so no stale price is served; the next read loads it from the database.")
            } else {
                format!("Even the invalidation fails: {printed}")
            }
        });
        self.done(rec, format!("The database holds {product} = {price}; the cache no longer has {product}, so nothing stale can be read."));
    }

    async fn write_through_cache_first(&self, rec: &mut Recorder, product: &str, price: &str) {
        let line = Self::hset_line(product, price);
        self.build_command_step(rec, &line, (3, 3));
        let hget = format!("HGET {PRICES_KEY} {}", quote_arg(product.as_bytes()));
        let (reply, printed) = self.run_redis(&hget);
        let previous = match &reply {
            Reply::Bulk(b) => Some(String::from_utf8_lossy(b).into_owned()),
            _ => None,
        };
        self.record(
            rec,
            StepText {
                kind: StepKind::CacheRead,
                actor: Actor::Cache,
                action: hget,
                result: printed,
                ok: !reply.is_error(),
                lines: (4, 4),
                narration: match &previous {
                    Some(p) => format!(
                        "The application remembers the cached price, {p}, in case it must undo."
                    ),
                    None => {
                        "The cache has no price for it yet; undoing would mean deleting the field."
                            .to_owned()
                    }
                },
            },
        );
        let written = self.cache_step(rec, StepKind::CacheWrite, &line, (5, 5), |ok, printed| {
            if ok {
                format!("Redis sets {product} to {price} first and answers {printed}.")
            } else {
                format!("Redis refuses the write: {printed}")
            }
        });
        if !written {
            rec.trace.outcome = Outcome::Failed(
                "The cache refused the write, so the database was not written either.".to_owned(),
            );
            self.done(
                rec,
                "Neither store changed: the update failed before it started.".to_owned(),
            );
            return;
        }
        if self.faults.get().crash_between {
            self.crash(rec, (6, 6), format!(
                "The page crashes after the cache was written and before the database: the cache now serves {price}, a price the database never got."
            ));
            return;
        }
        if let Err(e) = self
            .database_step(rec, product, price, "update_price", (7, 6))
            .await
        {
            let undo = match &previous {
                Some(p) => Self::hset_line(product, p),
                None => Self::hdel_line(product),
            };
            self.cache_step(rec, StepKind::CacheRestore, &undo, (9, 7), |ok, printed| {
                if ok {
                    format!("The application undoes its cache write (Redis answers {printed}), so the cache agrees with the database again.")
                } else {
                    format!("The undo fails: {printed}")
                }
            });
            rec.trace.outcome = Outcome::Failed(e.to_string());
            self.done(rec, "The update failed; the cache was compensated, so both stores still hold the old price.".to_owned());
            return;
        }
        self.done(
            rec,
            format!("Both stores hold {product} = {price}: cache first, then database."),
        );
    }

    async fn cache_aside(&self, rec: &mut Recorder, product: &str, price: &str) {
        if let Err(e) = self
            .database_step(rec, product, price, "update_price", (3, 3))
            .await
        {
            rec.trace.outcome = Outcome::Failed(e.to_string());
            self.done(
                rec,
                "The database write failed and the cache was not touched.".to_owned(),
            );
            return;
        }
        if self.faults.get().crash_between {
            self.crash(rec, (4, 4), format!(
                "The page crashes before the cached {product} was deleted: the cache keeps serving the old price."
            ));
            return;
        }
        let hdel = Self::hdel_line(product);
        self.cache_step(rec, StepKind::CacheInvalidate, &hdel, (4, 4), |ok, printed| {
            if ok {
                format!("The cached {product} is deleted (Redis answers {printed}); the next read misses and loads {price} from the database.")
            } else {
                format!("The invalidation fails: {printed}")
            }
        });
        self.done(rec, format!("The database holds {product} = {price}; the cache will fill again on the next read."));
    }

    async fn write_behind(&self, rec: &mut Recorder, product: &str, price: &str) {
        let line = Self::hset_line(product, price);
        let written = self.cache_step(rec, StepKind::CacheWrite, &line, (3, 3), |ok, printed| {
            if ok {
                format!("Redis sets {product} to {price} at once and answers {printed}.")
            } else {
                format!("Redis refuses the write: {printed}")
            }
        });
        if !written {
            rec.trace.outcome =
                Outcome::Failed("The cache refused the write; nothing was queued.".to_owned());
            self.done(rec, "Neither store changed.".to_owned());
            return;
        }
        let replaced = self
            .queue
            .borrow_mut()
            .insert(product, price, (self.now_ms)());
        self.record(rec, StepText {
            kind: StepKind::Enqueue,
            actor: Actor::Queue,
            action: format!("queue[{product:?}] = {price:?}"),
            result: format!("{} waiting", self.queue.borrow().len()),
            ok: true,
            lines: (4, 4),
            narration: match replaced {
                Some(old) => format!("The queued write of {product} ({old}) is replaced by {price}: writes coalesce per product."),
                None => format!("The database write of {product} = {price} waits in the queue; until it is flushed the database is behind."),
            },
        });
        if self.faults.get().crash_between {
            self.queue.borrow_mut().clear();
            self.crash(rec, (5, 5), "The page crashes: the queue lived in its memory, so every waiting write is lost and the database never gets them.".to_owned());
            return;
        }
        if self.queue.borrow().is_full() {
            self.flush_steps(rec, (6, 6)).await;
        }
        let waiting = self.queue.borrow().len();
        self.done(rec, if waiting == 0 {
            "The queue was flushed: both stores agree.".to_owned()
        } else {
            format!("The cache is ahead of the database until the queue is flushed ({waiting} waiting).")
        });
    }

    async fn flush_steps(&self, rec: &mut Recorder, lines: (u32, u32)) {
        let pending = self.queue.borrow().pending().to_vec();
        let mut failed = 0;
        for p in pending {
            match self
                .write_database(&p.product, &p.price, "write_behind_flush")
                .await
            {
                Ok(record) => {
                    self.queue.borrow_mut().written(&p.product, &p.price);
                    self.record(rec, StepText {
                        kind: StepKind::Flush,
                        actor: Actor::Database,
                        action: format!("database[{:?}] = {:?}", p.product, p.price),
                        result: format!("committed (revision {})", record.revision),
                        ok: true,
                        lines,
                        narration: format!("The flush writes {} = {} to the database and takes it off the queue.", p.product, p.price),
                    });
                }
                Err(e) => {
                    failed += 1;
                    self.queue.borrow_mut().failed(&p.product);
                    self.record(
                        rec,
                        StepText {
                            kind: StepKind::Flush,
                            actor: Actor::Database,
                            action: format!("database[{:?}] = {:?}", p.product, p.price),
                            result: e.to_string(),
                            ok: false,
                            lines,
                            narration: format!(
                                "The flush of {} fails, so it stays queued for the next flush. {e}",
                                p.product
                            ),
                        },
                    );
                }
            }
        }
        if failed > 0 {
            rec.trace.outcome = Outcome::Failed(format!(
                "{failed} queued write(s) could not be flushed; they stay queued."
            ));
        }
    }

    /// Whether write-behind's queue should be flushed now (by size or age).
    pub fn flush_due(&self) -> bool {
        self.queue.borrow().flush_due((self.now_ms)())
    }

    /// Flushes write-behind's queue to the database, as a trace.
    pub async fn flush(&self) -> Trace {
        let _guard = self.lock.lock().await;
        let mut rec = self.recorder(
            OperationKind::Flush,
            "",
            "",
            code::update_price(Pattern::WriteBehind),
        );
        if self.queue.borrow().is_empty() {
            self.done(&mut rec, "Nothing is waiting in the queue.".to_owned());
            return rec.trace;
        }
        self.flush_steps(&mut rec, (10, 13)).await;
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

    /// Restarts the application after a crash (or at any time): compares the cache with the
    /// database and sets every disagreeing field back to the database's value, as a trace.
    pub async fn restart(&self) -> Trace {
        let _guard = self.lock.lock().await;
        let mut rec = self.recorder(OperationKind::Recovery, "", "", code::RECOVERY);
        if let Err(e) = self.reload_rows().await {
            rec.trace.outcome = Outcome::Failed(e.to_string());
            self.done(
                &mut rec,
                format!("The database could not be read, so nothing was reconciled: {e}"),
            );
            return rec.trace;
        }
        self.crashed.set(false);
        let diverged = self.consistency().diverged;
        self.record(&mut rec, StepText {
            kind: StepKind::Detect,
            actor: Actor::Application,
            action: format!("HGETALL {PRICES_KEY}, compared with the database"),
            result: if diverged.is_empty() { "in step".to_owned() } else { format!("{} field(s) disagree", diverged.len()) },
            ok: true,
            lines: (2, 2),
            narration: if diverged.is_empty() {
                "The restarted application finds the cache in step with the database; nothing to repair.".to_owned()
            } else {
                let list: Vec<String> = diverged.iter().map(|d| format!("{} (cache {}, database {})", d.product, d.cache, d.database.as_deref().unwrap_or("none"))).collect();
                format!("The restarted application finds the cache out of step: {}.", list.join(", "))
            },
        });
        for d in diverged {
            let line = match &d.database {
                Some(price) => Self::hset_line(&d.product, price),
                None => Self::hdel_line(&d.product),
            };
            let mut ok = self.cache_step(
                &mut rec,
                StepKind::Reconcile,
                &line,
                (5, 5),
                |ok, printed| {
                    if ok {
                        format!(
                            "The cache takes the database's value for {} (Redis answers {printed}).",
                            d.product
                        )
                    } else {
                        format!("Redis refuses it: {printed}")
                    }
                },
            );
            if !ok {
                // A cache that refuses writes can still drop the stale field.
                let hdel = Self::hdel_line(&d.product);
                ok = self.cache_step(
                    &mut rec,
                    StepKind::CacheInvalidate,
                    &hdel,
                    (5, 5),
                    |ok, printed| {
                        if ok {
                            format!(
                                "The stale {} is deleted instead (Redis answers {printed}).",
                                d.product
                            )
                        } else {
                            format!("The delete fails: {printed}")
                        }
                    },
                );
            }
            if !ok {
                rec.trace.outcome =
                    Outcome::Failed(format!("{} could not be reconciled.", d.product));
            }
        }
        // Write-behind's queue died with the application.
        self.queue.borrow_mut().clear();
        let narration = if self.consistency().in_step {
            "The application serves again, with the cache in step with the database (the source of truth)."
        } else {
            "The application serves again, but some fields are still out of step."
        };
        self.done(&mut rec, narration.to_owned());
        rec.trace
    }

    /// The lesson starts from nothing: the hash and the table are emptied, so that the learner
    /// creates them (steps 1 and 2).
    pub async fn lesson_begin(&self) -> Result<(), EngineError> {
        let _guard = self.lock.lock().await;
        self.db.inner().clear().await?;
        self.reload_rows().await?;
        self.queue.borrow_mut().clear();
        self.crashed.set(false);
        let _ = self
            .redis
            .borrow_mut()
            .execute_command(format!("DEL {PRICES_KEY}"));
        Ok(())
    }

    /// Replaces the table with `pairs` (the lesson's `database = {...}`), in one transaction.
    pub async fn replace_database(&self, pairs: &[(String, String)]) -> Result<(), EngineError> {
        let _guard = self.lock.lock().await;
        let now = (self.now_ms)();
        let rows = first_writes(pairs.iter().cloned(), now, "lesson");
        self.db.inner().replace_all(&rows).await?;
        self.reload_rows().await
    }

    /// Runs what the learner's `update_price` does, in order, on the real stores: Redis
    /// commands on the cache, dictionary assignments on the database. Returns the error replies
    /// Redis gave.
    pub async fn run_effects(
        &self,
        effects: &[crate::lesson::Effect],
    ) -> Result<Vec<String>, EngineError> {
        let _guard = self.lock.lock().await;
        let mut errors = Vec::new();
        for effect in effects {
            match effect {
                crate::lesson::Effect::Redis(command) => {
                    let (reply, printed) = self.run_redis(command);
                    if reply.is_error() {
                        errors.push(printed);
                    }
                }
                crate::lesson::Effect::Database { key, value } => {
                    let write = PriceWrite {
                        id: key.clone(),
                        price: value.clone(),
                        at_ms: (self.now_ms)(),
                        by: "lesson".to_owned(),
                    };
                    let record = self.db.inner().put_price(write).await?;
                    self.remember(&record);
                }
            }
        }
        Ok(errors)
    }

    /// Puts `product` back to `price` in both stores (before a lesson run, so that each run
    /// starts from the same place).
    pub async fn set_both(&self, product: &str, price: &str) -> Result<(), EngineError> {
        let _guard = self.lock.lock().await;
        let write = PriceWrite {
            id: product.to_owned(),
            price: price.to_owned(),
            at_ms: (self.now_ms)(),
            by: "lesson".to_owned(),
        };
        let record = self.db.inner().put_price(write).await?;
        self.remember(&record);
        let full = self.redis.borrow().is_out_of_memory();
        let mut redis = self.redis.borrow_mut();
        redis.set_out_of_memory(false);
        let _ = redis.execute_command(Self::hset_line(product, price));
        redis.set_out_of_memory(full);
        Ok(())
    }

    /// Simulates a crash right now (without an update in flight).
    pub fn crash_now(&self) {
        self.crashed.set(true);
        self.queue.borrow_mut().clear();
    }
}
