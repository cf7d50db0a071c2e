//! The steps every pattern is made of: a database write, a cache command, building the command
//! string, a rejection, a crash, the closing step. Each runs one thing on the lab's stores and
//! records it, with the stores' snapshot, in the trace being built.

use std::rc::Rc;

use super::cache_link::OtherWrite;
use super::lab::Lab;
use super::recorder::{Recorder, StepText};
use super::scripted::command_line;
use super::trace::{Actor, CodeRef, OperationKind, Outcome, StepKind, Table, Trace, Wire};
use crate::catalog::{validate_price, PRICES_KEY};
use crate::db::{Database, DbError, PriceWrite, ProductRecord};
use crate::emulator::{quote_arg, split_args, Emulator, LineError, Reply};

/// The longest product id the lab accepts.
pub const MAX_PRODUCT_LEN: usize = 64;

/// `HSET product_prices <product> <price>`, quoted as redis-cli needs it.
pub fn hset_line(product: &str, price: &str) -> String {
    format!(
        "HSET {PRICES_KEY} {} {}",
        quote_arg(product.as_bytes()),
        quote_arg(price.as_bytes())
    )
}

/// `HDEL product_prices <product>`, quoted as redis-cli needs it.
pub fn hdel_line(product: &str) -> String {
    format!("HDEL {PRICES_KEY} {}", quote_arg(product.as_bytes()))
}

/// Runs `line` on `redis`: the reply (an error reply if the line could not be split), and the
/// reply as redis-cli prints it, on one line.
pub fn run_redis(redis: &mut Emulator, line: &str) -> (Reply, String) {
    match redis.execute_command(line) {
        Ok(reply) => {
            let printed = reply.to_cli_string().trim_end().to_owned();
            (reply, printed)
        }
        Err(e) => (Reply::Error(e.to_string().into_bytes()), e.to_string()),
    }
}

/// The hash `product_prices` of `redis` as `(field, value)` pairs, in the hash's order (bytes
/// that are not UTF-8 shown as U+FFFD).
pub fn cached_prices(redis: &Emulator) -> Vec<(String, String)> {
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

/// What one command did on the cache: Redis's reply, as redis-cli prints it, the other tabs'
/// writes the server ran before it, and the arguments it was sent (none when redis-cli could
/// not split the line: nothing travelled).
pub(super) struct CacheRan {
    pub(super) reply: Reply,
    pub(super) printed: String,
    pub(super) before: Vec<OtherWrite>,
    pub(super) sent: Option<Vec<Vec<u8>>>,
}

impl<D: Database> Lab<D> {
    /// A recorder for `operation`, starting from the stores as they are.
    pub(super) fn recorder(
        &self,
        operation: OperationKind,
        product: &str,
        new_price: &str,
    ) -> Recorder {
        self.forget_other_tabs();
        Recorder::new(
            Trace {
                operation,
                pattern: self.pattern(),
                faults: self.faults(),
                product: product.to_owned(),
                new_price: new_price.to_owned(),
                steps: Vec::new(),
                outcome: Outcome::Completed,
                clients: Vec::new(),
            },
            (
                self.stores.cache(),
                self.stores.database(),
                self.queue_table(),
            ),
        )
    }

    fn queue_table(&self) -> Table {
        Rc::new(self.queue())
    }

    /// Records a step with the stores as they are now, after the writes of other tabs that
    /// landed since the last step (each a step of its own).
    pub(super) fn record(&self, rec: &mut Recorder, text: StepText) {
        self.record_other_tabs(rec);
        self.record_now(rec, text);
    }

    /// Records a step with the stores as they are now.
    pub(super) fn record_now(&self, rec: &mut Recorder, text: StepText) {
        rec.push(
            text,
            self.stores.cache(),
            self.stores.database(),
            self.queue_table(),
        );
        if let Some(step) = rec.trace.steps.last() {
            self.stores.remember_consistency(step);
        }
    }

    /// Records a step with the hash `cache` (as it was then) and the other stores as they are.
    pub(super) fn record_with_cache(&self, rec: &mut Recorder, text: StepText, cache: Table) {
        rec.push(text, cache, self.stores.database(), self.queue_table());
    }

    /// Checks the input ([`check_update`]).
    pub(super) fn check(&self, product: &str, new_price: &str) -> Result<String, String> {
        check_update(product, new_price, self.stores.has_product(product))
    }

    /// Runs `line` on the cache (see [`run_redis`]), refused if it writes while the "cache
    /// write fails" fault is on.
    pub(super) async fn run_redis(&self, line: &str) -> (Reply, String) {
        let ran = self.run_redis_ordered(line).await;
        (ran.reply, ran.printed)
    }

    /// [`Lab::run_redis`], and the other tabs' writes the server ran before it.
    pub(super) async fn run_redis_ordered(&self, line: &str) -> CacheRan {
        let refused = |e: LineError| CacheRan {
            reply: Reply::Error(e.to_string().into_bytes()),
            printed: e.to_string(),
            before: Vec::new(),
            sent: None,
        };
        match split_args(line.as_bytes()) {
            Err(_) => refused(LineError::InvalidArguments),
            Ok(argv) if argv.is_empty() => refused(LineError::Empty),
            Ok(argv) => self.run_argv_ordered(argv).await,
        }
    }

    /// Runs `argv` on the cache (refused if it writes while the "cache write fails" fault is
    /// on): the reply, as redis-cli prints it, and the other tabs' writes the server ran
    /// before it.
    pub(super) async fn run_argv_ordered(&self, argv: Vec<Vec<u8>>) -> CacheRan {
        let sent = argv.clone();
        let (mut replies, before) = self
            .stores
            .cache
            .run_ordered(argv, 1, self.faults().cache_write)
            .await;
        let reply = replies.pop().unwrap_or(Reply::Nil);
        let printed = reply.to_cli_string().trim_end().to_owned();
        CacheRan {
            reply,
            printed,
            before,
            sent: Some(sent),
        }
    }

    /// Writes `price` for `product` through the fault switches, as operation `by`.
    pub(super) async fn write_database(
        &self,
        product: &str,
        price: &str,
        by: &str,
    ) -> Result<ProductRecord, DbError> {
        let write = self.price_write(product, price, by);
        let believed = self.stores.revision_of(product);
        let record = self.stores.db.put_price_believing(write, believed).await?;
        self.stores.committed(&record);
        Ok(record)
    }

    /// `price` for `product`, written now by `by`.
    pub(super) fn price_write(&self, product: &str, price: &str, by: &str) -> PriceWrite {
        PriceWrite::new(product, price, self.now(), by)
    }

    /// The input was refused: a rejection step at the line `code`, and the outcome.
    pub(super) fn reject(&self, rec: &mut Recorder, code: CodeRef, message: String) {
        self.record(
            rec,
            StepText {
                kind: StepKind::Reject,
                actor: Actor::Application,
                action: "check(product, new_price)".to_owned(),
                result: message.clone(),
                ok: false,
                code,
                narration: format!("{message} Nothing was written to either store."),
            },
        );
        rec.trace.outcome = Outcome::Rejected(message);
    }

    /// The closing step.
    pub(super) fn done(&self, rec: &mut Recorder, narration: String) {
        self.record(rec, StepText::done(narration));
    }

    /// The application stops before the line `code`; the lab is down until it restarts.
    pub(super) fn crash(&self, rec: &mut Recorder, code: CodeRef, narration: String) {
        self.crashed.set(true);
        self.record(
            rec,
            StepText {
                kind: StepKind::Crash,
                actor: Actor::Application,
                action: "crash".to_owned(),
                result: "the page stopped".to_owned(),
                ok: false,
                code,
                narration,
            },
        );
        rec.trace.outcome = Outcome::Crashed;
    }

    /// Records a database write step; returns whether it committed.
    pub(super) async fn database_step(
        &self,
        rec: &mut Recorder,
        product: &str,
        price: &str,
        by: &str,
        code: CodeRef,
    ) -> Result<(), DbError> {
        let action = format!("database[{product:?}] = {price:?}");
        match self.write_database(product, price, by).await {
            Ok(record) => {
                self.record(rec, StepText {
                    kind: StepKind::DatabaseWrite,
                    actor: Actor::Database,
                    action,
                    result: format!("committed (revision {})", record.revision),
                    ok: true,
                    code,
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
                        action,
                        result: e.to_string(),
                        ok: false,
                        code,
                        narration: format!("The database write fails. {e}"),
                    },
                );
                Err(e)
            }
        }
    }

    /// The pattern's first write goes to the database: if it fails, the operation ends there
    /// (outcome failed, closing step `narration_if_failed`). Returns whether it committed.
    pub(super) async fn database_first(
        &self,
        rec: &mut Recorder,
        product: &str,
        price: &str,
        code: CodeRef,
        narration_if_failed: &str,
    ) -> bool {
        match self
            .database_step(rec, product, price, "update_price", code)
            .await
        {
            Ok(()) => true,
            Err(e) => {
                rec.trace.outcome = Outcome::Failed(e.to_string());
                self.done(rec, narration_if_failed.to_owned());
                false
            }
        }
    }

    /// If "crash between the writes" is on, the application crashes before the line `code`
    /// (see [`Lab::crash`]) and this returns true.
    pub(super) fn crash_if_on(
        &self,
        rec: &mut Recorder,
        code: CodeRef,
        narration: impl FnOnce() -> String,
    ) -> bool {
        let on = self.faults().crash_between;
        if on {
            self.crash(rec, code, narration());
        }
        on
    }

    /// The application builds the Redis command string `line`.
    pub(super) fn build_command_step(&self, rec: &mut Recorder, line: &str, code: CodeRef) {
        self.record(
            rec,
            StepText {
                kind: StepKind::BuildCommand,
                actor: Actor::Application,
                action: format!("redis_command = {line:?}"),
                result: line.to_owned(),
                ok: true,
                code,
                narration: format!("The application builds the Redis command string: {line}"),
            },
        );
    }

    /// Writes the cache with `line` (a [`StepKind::CacheWrite`]); `says` narrates the reply
    /// Redis accepted, a refusal is narrated as such. Returns whether Redis accepted it.
    pub(super) async fn cache_write_step(
        &self,
        rec: &mut Recorder,
        line: &str,
        code: CodeRef,
        says: impl FnOnce(&str) -> String,
    ) -> bool {
        self.cache_step(rec, StepKind::CacheWrite, line, code, |ok, printed| {
            if ok {
                says(printed)
            } else {
                format!("Redis refuses the write: {printed}")
            }
        })
        .await
    }

    /// Runs `line` on the cache as a step of `kind`; returns whether Redis accepted it.
    pub(super) async fn cache_step(
        &self,
        rec: &mut Recorder,
        kind: StepKind,
        line: &str,
        code: CodeRef,
        narrate: impl FnOnce(bool, &str) -> String,
    ) -> bool {
        let ran = self.run_redis_ordered(line).await;
        self.record_cache_reply(rec, kind, line.to_owned(), ran, code, narrate)
    }

    /// Runs `argv` on the cache as a step of `kind` (a learner's command, as its client sent
    /// it); returns whether Redis accepted it.
    pub(super) async fn cache_step_argv(
        &self,
        rec: &mut Recorder,
        kind: StepKind,
        argv: Vec<Vec<u8>>,
        code: CodeRef,
        narrate: impl FnOnce(bool, &str) -> String,
    ) -> bool {
        let line = command_line(&argv);
        let ran = self.run_argv_ordered(argv).await;
        self.record_cache_reply(rec, kind, line, ran, code, narrate)
    }

    pub(super) fn record_cache_reply(
        &self,
        rec: &mut Recorder,
        kind: StepKind,
        action: String,
        ran: CacheRan,
        code: CodeRef,
        narrate: impl FnOnce(bool, &str) -> String,
    ) -> bool {
        let CacheRan {
            reply,
            printed,
            before,
            sent,
        } = ran;
        let ok = !reply.is_error();
        let narration = narrate(ok, &printed);
        // The arguments the server was sent; a line redis-cli cannot split sent nothing.
        let wire = sent.map(|argv| Wire::of(argv, &reply));
        self.record_cache_step(
            rec,
            before,
            StepText {
                kind,
                actor: Actor::Cache,
                action,
                result: printed,
                ok,
                code,
                narration,
            },
        );
        if let Some(wire) = wire {
            rec.wire_last(wire);
        }
        ok
    }

    /// Records a cache step: what other tabs wrote before this command ran comes before it;
    /// what they wrote after it, at the next step.
    fn record_cache_step(&self, rec: &mut Recorder, before: Vec<OtherWrite>, text: StepText) {
        self.record_other_writes(rec, before);
        self.record_now(rec, text);
    }
}

/// Checks an update's input: the product must be a row of the database (`known`), the price a
/// plain non-negative decimal of a sensible size. Gives the price as the stores keep it.
/// (The learner's Python calls it too, as `lab.check`.)
pub fn check_update(product: &str, new_price: &str, known: bool) -> Result<String, String> {
    if product.trim().is_empty() {
        return Err("Choose a product to update.".to_owned());
    }
    if product.len() > MAX_PRODUCT_LEN {
        return Err(format!(
            "A product id has at most {MAX_PRODUCT_LEN} characters."
        ));
    }
    if !known {
        return Err(format!(
            "There is no product called \"{product}\" in the database."
        ));
    }
    validate_price(new_price).map_err(|e| e.to_string())
}
