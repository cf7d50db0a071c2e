//! Write-through, cache first (the seed tutorial's order, and Ehcache 2's): write the cache,
//! then the database; if the database write fails, the cache's previous value is restored.

use super::{PatternCode, RaceStep};
use crate::catalog::PRICES_KEY;
use crate::db::Database;
use crate::emulator::{quote_arg, Reply};
use crate::engine::lab::Lab;
use crate::engine::listing::{line, marked, Listing, Mark, PYTHON_DEF, RUST_END, RUST_FN, RUST_OK};
use crate::engine::recorder::{Recorder, StepText};
use crate::engine::steps::{hdel_line, hset_line};
use crate::engine::trace::{Actor, CodeRef, Outcome, StepKind};

/// `update_price` in the seed's Python and in Rust.
pub const LISTING: Listing = Listing {
    python: &[
        PYTHON_DEF,
        marked(&[Mark::Check], "    check(product, new_price)"),
        marked(&[Mark::BuildCommand], "    redis_command = f\"HSET product_prices {product} {new_price}\""),
        marked(&[Mark::CacheRead], "    previous = redis_client.execute_command(f\"HGET product_prices {product}\")"),
        marked(&[Mark::CacheWrite], "    redis_client.execute_command(redis_command)  # 1. the cache first"),
        marked(&[Mark::Crash], "    try:"),
        marked(&[Mark::DatabaseWrite], "        database[product] = new_price  # 2. then the database"),
        line("    except DatabaseError:"),
        marked(&[Mark::Restore], "        restore(product, previous)  # undo the cache write"),
        line("        raise"),
    ],
    rust: &[
        RUST_FN,
        marked(&[Mark::Check], "    let price = check(product, new_price)?;"),
        marked(&[Mark::BuildCommand], "    let redis_command = format!(\"HSET product_prices {product} {price}\");"),
        marked(&[Mark::CacheRead], "    let previous = self.redis.execute_command(&format!(\"HGET product_prices {product}\"));"),
        marked(&[Mark::CacheWrite], "    self.redis.execute_command(&redis_command)?;"),
        marked(&[Mark::Crash, Mark::DatabaseWrite], "    if let Err(e) = self.database.put_price(product, &price).await {"),
        marked(&[Mark::Restore], "        self.restore(product, previous);"),
        line("        return Err(e);"),
        line("    }"),
        RUST_OK,
        RUST_END,
    ],
};

/// The listing and its validation line.
pub const CODE: PatternCode = PatternCode::new(LISTING);

/// Its writes in a race, in its order: the cache, then the database.
pub const RACE: [RaceStep; 2] = [RaceStep::WriteCache, RaceStep::WriteDatabase];

const BUILD_COMMAND: CodeRef = LISTING.at(Mark::BuildCommand);
const CACHE_READ: CodeRef = LISTING.at(Mark::CacheRead);
const CACHE_WRITE: CodeRef = LISTING.at(Mark::CacheWrite);
const CRASH: CodeRef = LISTING.at(Mark::Crash);
const DATABASE_WRITE: CodeRef = LISTING.at(Mark::DatabaseWrite);
const RESTORE: CodeRef = LISTING.at(Mark::Restore);

pub(super) async fn update<D: Database>(
    lab: &Lab<D>,
    rec: &mut Recorder,
    product: &str,
    price: &str,
) {
    let line = hset_line(product, price);
    lab.build_command_step(rec, &line, BUILD_COMMAND);
    let hget = format!("HGET {PRICES_KEY} {}", quote_arg(product.as_bytes()));
    let (reply, printed) = lab.run_redis(&hget).await;
    let previous = match &reply {
        Reply::Bulk(b) => Some(String::from_utf8_lossy(b).into_owned()),
        _ => None,
    };
    lab.record(
        rec,
        StepText {
            kind: StepKind::CacheRead,
            actor: Actor::Cache,
            action: hget,
            result: printed,
            ok: !reply.is_error(),
            code: CACHE_READ,
            narration: match &previous {
                Some(p) => format!(
                    "The application remembers the cached price, {p}, in case it must undo."
                ),
                None => "The cache has no price for it yet; undoing would mean deleting the field."
                    .to_owned(),
            },
        },
    );
    let written = lab
        .cache_write_step(rec, &line, CACHE_WRITE, |printed| {
            format!("Redis sets {product} to {price} first and answers {printed}.")
        })
        .await;
    if !written {
        rec.trace.outcome = Outcome::Failed(
            "The cache refused the write, so the database was not written either.".to_owned(),
        );
        lab.done(
            rec,
            "Neither store changed: the update failed before it started.".to_owned(),
        );
        return;
    }
    if lab.crash_if_on(rec, CRASH, || format!(
            "The page crashes after the cache was written and before the database: the cache now serves {price}, a price the database never got."
        )) {
        return;
    }
    if let Err(e) = lab
        .database_step(rec, product, price, "update_price", DATABASE_WRITE)
        .await
    {
        let undo = match &previous {
            Some(p) => hset_line(product, p),
            None => hdel_line(product),
        };
        lab.cache_step(rec, StepKind::CacheRestore, &undo, RESTORE, |ok, printed| {
            if ok {
                format!("The application undoes its cache write (Redis answers {printed}), so the cache agrees with the database again.")
            } else {
                format!("The undo fails: {printed}")
            }
        }).await;
        rec.trace.outcome = Outcome::Failed(e.to_string());
        lab.done(rec, "The update failed; the cache was compensated, so both stores still hold the old price.".to_owned());
        return;
    }
    lab.done(
        rec,
        format!("Both stores hold {product} = {price}: cache first, then database."),
    );
}
