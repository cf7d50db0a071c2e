//! Writes that come from outside a pattern: the lesson's runs of the learner's code, an edit
//! made straight to the database, and putting a product back before a run. Each takes the
//! lab's lock like any other operation.

use super::lab::{first_writes, EngineError, Lab};
use super::steps::hset_line;
use crate::catalog::PRICES_KEY;
use crate::db::{Database, DbError, ProductRecord};
use crate::emulator::quote_arg;

/// One thing a piece of learner's code asks of the stores, in program order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Run this Redis command on the cache: its arguments, name first.
    Redis(Vec<Vec<u8>>),
    /// Set `database[key] = value`.
    Database { key: String, value: String },
    /// `del database[key]` (or `database.pop(key)`): delete the row.
    DatabaseDelete { key: String },
}

impl Effect {
    /// `redis_client.execute_command(line)` with the whole command in one string: redis-py
    /// splits it on whitespace (no quoting), and so does this.
    pub fn execute_command(line: &str) -> Effect {
        Effect::Redis(
            line.split_whitespace()
                .map(|a| a.as_bytes().to_vec())
                .collect(),
        )
    }

    /// What it does, as a step names it: `HSET product_prices product1 150`,
    /// `database["product1"] = "150"`, `del database["product1"]`.
    pub fn action(&self) -> String {
        match self {
            Effect::Redis(argv) => command_line(argv),
            Effect::Database { key, value } => format!("database[{key:?}] = {value:?}"),
            Effect::DatabaseDelete { key } => format!("del database[{key:?}]"),
        }
    }
}

/// `argv` as redis-cli would echo it (`HSET product_prices product1 150`), for a step's text.
pub fn command_line(argv: &[Vec<u8>]) -> String {
    argv.iter()
        .map(|a| quote_arg(a))
        .collect::<Vec<_>>()
        .join(" ")
}

impl<D: Database> Lab<D> {
    /// Writes a row straight to the database, bypassing the cache (as a script or an
    /// administrator would): the cache may then serve a stale price, which is the point.
    pub async fn edit_database(
        &self,
        product: &str,
        price: &str,
    ) -> Result<ProductRecord, DbError> {
        let _guard = self.lock.lock().await;
        let record = self
            .stores
            .db
            .inner()
            .put_price(self.price_write(product, price, "edit"))
            .await?;
        self.stores.committed(&record);
        Ok(record)
    }

    /// The lesson starts from nothing: the hash and the table are emptied, so that the learner
    /// creates them (steps 1 and 2).
    pub async fn lesson_begin(&self) -> Result<(), EngineError> {
        let _guard = self.lock.lock().await;
        self.stores.db.inner().clear().await?;
        self.stores.reload_rows().await?;
        self.queue.borrow_mut().clear();
        self.crashed.set(false);
        self.stores
            .cache
            .run_one(vec![b"DEL".to_vec(), PRICES_KEY.as_bytes().to_vec()], false)
            .await;
        Ok(())
    }

    /// Replaces the table with `pairs` (the lesson's `database = {...}`), in one transaction.
    pub async fn replace_database(&self, pairs: &[(String, String)]) -> Result<(), EngineError> {
        let _guard = self.lock.lock().await;
        let rows = first_writes(pairs.iter().cloned(), self.now(), "lesson");
        self.stores.db.inner().replace_all(&rows).await?;
        self.stores.reload_rows().await
    }

    /// Runs `effects` in order on the real stores: Redis commands on the cache, dictionary
    /// assignments on the database. Returns the error replies Redis gave.
    pub async fn run_effects(&self, effects: &[Effect]) -> Result<Vec<String>, EngineError> {
        let _guard = self.lock.lock().await;
        let mut errors = Vec::new();
        for effect in effects {
            match effect {
                Effect::Redis(argv) => {
                    let ran = self.run_argv_ordered(argv.clone()).await;
                    if ran.reply.is_error() {
                        errors.push(ran.printed);
                    }
                }
                Effect::Database { key, value } => {
                    let write = self.price_write(key, value, "lesson");
                    let record = self.stores.db.inner().put_price(write).await?;
                    self.stores.committed(&record);
                }
                Effect::DatabaseDelete { key } => {
                    self.stores.db.inner().delete(key).await?;
                    self.stores.deleted(key);
                }
            }
        }
        Ok(errors)
    }

    /// Puts `product` back to `price` in both stores (before a lesson run, so that each run
    /// starts from the same place).
    pub async fn set_both(&self, product: &str, price: &str) -> Result<(), EngineError> {
        let _guard = self.lock.lock().await;
        let write = self.price_write(product, price, "lesson");
        let record = self.stores.db.inner().put_price(write).await?;
        self.stores.committed(&record);
        // Even if the cache refuses writes: the lesson's runs start from the same place.
        let _ = self
            .stores
            .cache
            .execute_command(&hset_line(product, price), false)
            .await;
        Ok(())
    }
}
