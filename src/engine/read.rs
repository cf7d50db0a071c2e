//! Reads, as the application serves them: `get_price(product)` asks the cache first and, on a
//! miss, reads the database and fills the cache with what it read (cache-aside's read path,
//! which every pattern's reads follow); and the removal of stray fields, cached prices of
//! products the database has no row for (a mistyped `HSET` leaves one).

use super::lab::Lab;
use super::listing::{line, marked, Listing, Mark};
use super::recorder::StepText;
use super::steps::{hdel_line, hset_line};
use super::trace::{Actor, CodeRef, OperationKind, Outcome, StepKind, Trace};
use crate::catalog::PRICES_KEY;
use crate::db::Database;
use crate::emulator::{quote_arg, Reply};

/// `get_price` in the seed's Python and in Rust.
pub const LISTING: Listing = Listing {
    python: &[
        line("def get_price(product):"),
        marked(
            &[Mark::CacheRead],
            "    cached = redis_client.execute_command(f\"HGET product_prices {product}\")",
        ),
        line("    if cached is not None:"),
        line("        return cached  # a hit: the database is not asked"),
        marked(
            &[Mark::DatabaseRead],
            "    price = database[product]  # a miss: read the source of truth",
        ),
        marked(
            &[Mark::CacheWrite],
            "    redis_client.execute_command(f\"HSET product_prices {product} {price}\")  # fill the cache",
        ),
        line("    return price"),
    ],
    rust: &[
        line("async fn get_price(&self, product: &str) -> Result<String, Error> {"),
        marked(
            &[Mark::CacheRead],
            "    let cached = self.redis.execute_command(&format!(\"HGET product_prices {product}\"));",
        ),
        line("    if let Some(price) = cached.into_string() {"),
        line("        return Ok(price); // a hit: the database is not asked"),
        line("    }"),
        marked(
            &[Mark::DatabaseRead],
            "    let price = self.database.get_price(product).await?; // a miss",
        ),
        marked(
            &[Mark::CacheWrite],
            "    self.redis.execute_command(&format!(\"HSET product_prices {product} {price}\"));",
        ),
        line("    Ok(price)"),
        line("}"),
    ],
};

const CACHE_READ: CodeRef = LISTING.at(Mark::CacheRead);
const DATABASE_READ: CodeRef = LISTING.at(Mark::DatabaseRead);
const FILL: CodeRef = LISTING.at(Mark::CacheWrite);

impl<D: Database> Lab<D> {
    /// `get_price(product)`: the cache first; on a miss the database, and the cache filled
    /// with what it held, as a trace.
    pub async fn read_price(&self, product: &str) -> Trace {
        let _guard = self.lock.lock().await;
        let mut rec = self.recorder(OperationKind::Read, product, "");
        let get = format!("HGET {PRICES_KEY} {}", quote_arg(product.as_bytes()));
        let ran = self.run_redis_ordered(&get).await;
        let cached = match &ran.reply {
            Reply::Bulk(bytes) => Some(String::from_utf8_lossy(bytes).into_owned()),
            _ => None,
        };
        let hit = cached.clone();
        self.record_cache_reply(&mut rec, StepKind::CacheRead, get, ran, CACHE_READ, |ok, printed| match (&hit, ok) {
            (Some(price), _) => format!("A hit: Redis answers {printed}, so the application returns {price} without asking the database."),
            (None, true) => format!("A miss: Redis answers {printed}, so the application must ask the database."),
            (None, false) => format!("Redis fails the read ({printed}): the application falls back to the database."),
        });
        if let Some(price) = cached {
            self.done(
                &mut rec,
                format!("get_price({product:?}) returns {price}, from the cache."),
            );
            return rec.trace;
        }
        let row = self.stores.db().get(product).await;
        let (price, result, narration) = match &row {
            Ok(Some(record)) => (
                Some(record.price.clone()),
                record.price.clone(),
                format!(
                    "The database has {product} = {}: the source of truth answers the miss.",
                    record.price
                ),
            ),
            Ok(None) => (
                None,
                "no row".to_owned(),
                format!("The database has no {product} either: there is nothing to cache."),
            ),
            Err(e) => (
                None,
                e.to_string(),
                format!("The database cannot be read: {e}"),
            ),
        };
        self.record(
            &mut rec,
            StepText {
                kind: StepKind::DatabaseRead,
                actor: Actor::Database,
                action: format!("database[{product:?}]"),
                result,
                ok: row.is_ok(),
                code: DATABASE_READ,
                narration,
            },
        );
        let Some(price) = price else {
            if let Err(e) = row {
                rec.trace.outcome = Outcome::Failed(e.to_string());
            }
            self.done(
                &mut rec,
                format!("get_price({product:?}) finds no price; the cache is not filled."),
            );
            return rec.trace;
        };
        let filled = self
            .cache_write_step(&mut rec, &hset_line(product, &price), FILL, |printed| {
                format!("The application fills the cache with what it read (Redis answers {printed}): the next read of {product} hits.")
            })
            .await;
        self.done(&mut rec, if filled {
            format!("get_price({product:?}) returns {price}, read from the database on a miss; the cache holds it now.")
        } else {
            format!("get_price({product:?}) returns {price} from the database; the cache could not keep it, so the next read misses again.")
        });
        rec.trace
    }

    /// Deletes every cached price whose product the database has no row for (`HDEL`), as a
    /// trace: a stray field makes the stores disagree whatever the pattern does.
    pub async fn remove_stray_fields(&self) -> Trace {
        let _guard = self.lock.lock().await;
        let mut rec = self.recorder(OperationKind::RemoveStrays, "", "");
        let strays: Vec<String> = self
            .stores
            .consistency()
            .diverged
            .into_iter()
            .filter(|d| d.database.is_none())
            .map(|d| d.product)
            .collect();
        for product in &strays {
            let ok = self
                .cache_step(&mut rec, StepKind::CacheInvalidate, &hdel_line(product), super::recovery::RECONCILE, |ok, printed| {
                    if ok {
                        format!("The stray {product} is deleted from the cache (Redis answers {printed}): the database has no such product.")
                    } else {
                        format!("The delete fails: {printed}")
                    }
                })
                .await;
            if !ok {
                rec.trace.outcome = Outcome::Failed(format!("{product} could not be deleted."));
            }
        }
        let narration = match strays.len() {
            0 => "The cache holds no field the database lacks: nothing to remove.".to_owned(),
            n => format!(
                "{n} stray field{} removed: the cache holds only products the database has.",
                if n == 1 { "" } else { "s" }
            ),
        };
        self.done(&mut rec, narration);
        rec.trace
    }
}
