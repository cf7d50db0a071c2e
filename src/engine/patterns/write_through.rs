//! Write-through, database first (the default): write the database, then the cache. A failed
//! database write leaves the cache untouched; a failed cache write is retried once, then the
//! field is deleted so that no stale price is served.

use super::{PatternCode, RaceStep};
use crate::db::Database;
use crate::engine::lab::Lab;
use crate::engine::listing::{line, marked, Listing, Mark, PYTHON_DEF, RUST_END, RUST_FN, RUST_OK};
use crate::engine::recorder::Recorder;
use crate::engine::steps::{hdel_line, hset_line};
use crate::engine::trace::{CodeRef, StepKind};

/// `update_price` in the seed's Python and in Rust.
pub const LISTING: Listing = Listing {
    python: &[
        PYTHON_DEF,
        marked(&[Mark::Check], "    check(product, new_price)  # unknown product or bad price: refuse"),
        marked(&[Mark::DatabaseWrite], "    database[product] = new_price  # 1. the source of truth first"),
        marked(&[Mark::BuildCommand, Mark::Crash], "    redis_command = f\"HSET product_prices {product} {new_price}\""),
        line("    for attempt in range(2):  # 2. then the cache, retried once"),
        line("        try:"),
        marked(&[Mark::CacheWrite], "            return redis_client.execute_command(redis_command)"),
        line("        except redis.ResponseError:"),
        line("            pass"),
        marked(&[Mark::Invalidate], "    redis_client.execute_command(f\"HDEL product_prices {product}\")  # 3. never serve a stale price"),
    ],
    rust: &[
        RUST_FN,
        marked(&[Mark::Check], "    let price = check(product, new_price)?;"),
        marked(&[Mark::DatabaseWrite], "    self.database.put_price(product, &price).await?;"),
        marked(&[Mark::BuildCommand, Mark::Crash], "    let redis_command = format!(\"HSET product_prices {product} {price}\");"),
        line("    for _attempt in 0..2 {"),
        marked(&[Mark::CacheWrite], "        if self.redis.execute_command(&redis_command).is_ok() {"),
        line("            return Ok(());"),
        line("        }"),
        line("    }"),
        marked(&[Mark::Invalidate], "    self.redis.execute_command(&format!(\"HDEL product_prices {product}\"));"),
        RUST_OK,
        RUST_END,
    ],
};

/// The listing and its validation line.
pub const CODE: PatternCode = PatternCode::new(LISTING);

/// Its writes in a race, in its order: the database, then the cache.
pub const RACE: [RaceStep; 2] = [RaceStep::WriteDatabase, RaceStep::WriteCache];

const DATABASE_WRITE: CodeRef = LISTING.at(Mark::DatabaseWrite);
const CRASH: CodeRef = LISTING.at(Mark::Crash);
const BUILD_COMMAND: CodeRef = LISTING.at(Mark::BuildCommand);
const CACHE_WRITE: CodeRef = LISTING.at(Mark::CacheWrite);
const INVALIDATE: CodeRef = LISTING.at(Mark::Invalidate);

pub(super) async fn update<D: Database>(
    lab: &Lab<D>,
    rec: &mut Recorder,
    product: &str,
    price: &str,
) {
    if !lab
        .database_first(rec, product, price, DATABASE_WRITE, "The cache was never touched, so it still agrees with the database: the update simply did not happen.")
        .await
    {
        return;
    }
    if lab.crash_if_on(rec, CRASH, || format!(
            "The page crashes after the database committed and before the cache was written: the cache still serves the old price of {product} until the application restarts and recovers."
        )) {
        return;
    }
    let line = hset_line(product, price);
    lab.build_command_step(rec, &line, BUILD_COMMAND);
    let first = lab
        .cache_write_step(rec, &line, CACHE_WRITE, |printed| {
            format!(
                "Redis sets {product} to {price} in the hash and answers {printed} ({}).",
                if printed.ends_with(" 0") {
                    "the field existed"
                } else {
                    "a new field"
                }
            )
        })
        .await;
    if first {
        lab.done(
            rec,
            format!("Both stores hold {product} = {price}: database first, then cache."),
        );
        return;
    }
    let retried = lab
        .cache_step(
            rec,
            StepKind::CacheRetry,
            &line,
            CACHE_WRITE,
            |ok, printed| {
                if ok {
                    format!("The retry succeeds: Redis answers {printed}.")
                } else {
                    format!("The retry fails too: {printed}")
                }
            },
        )
        .await;
    if retried {
        lab.done(
            rec,
            format!("Both stores hold {product} = {price} after one retry."),
        );
        return;
    }
    let hdel = hdel_line(product);
    lab.cache_step(rec, StepKind::CacheInvalidate, &hdel, INVALIDATE, |ok, printed| {
        if ok {
            format!("The cached {product} is deleted (Redis answers {printed}), so no stale price is served; the next read loads it from the database.")
        } else {
            format!("Even the invalidation fails: {printed}")
        }
    }).await;
    lab.done(rec, format!("The database holds {product} = {price}; the cache no longer has {product}, so nothing stale can be read."));
}
