//! Cache-aside: write the database, then delete the cached field; the next read loads it.

use super::{PatternCode, RaceStep};
use crate::db::Database;
use crate::engine::lab::Lab;
use crate::engine::listing::{marked, Listing, Mark, PYTHON_DEF, RUST_END, RUST_FN, RUST_OK};
use crate::engine::recorder::Recorder;
use crate::engine::steps::hdel_line;
use crate::engine::trace::{CodeRef, StepKind};

/// `update_price` in the seed's Python and in Rust.
pub const LISTING: Listing = Listing {
    python: &[
        PYTHON_DEF,
        marked(&[Mark::Check], "    check(product, new_price)"),
        marked(&[Mark::DatabaseWrite], "    database[product] = new_price"),
        marked(&[Mark::Invalidate, Mark::Crash], "    redis_client.execute_command(f\"HDEL product_prices {product}\")  # the next read reloads it"),
    ],
    rust: &[
        RUST_FN,
        marked(&[Mark::Check], "    let price = check(product, new_price)?;"),
        marked(&[Mark::DatabaseWrite], "    self.database.put_price(product, &price).await?;"),
        marked(&[Mark::Invalidate, Mark::Crash], "    self.redis.execute_command(&format!(\"HDEL product_prices {product}\"));"),
        RUST_OK,
        RUST_END,
    ],
};

/// The listing and its validation line.
pub const CODE: PatternCode = PatternCode::new(LISTING);

/// Its writes in a race: the database, then the cached field deleted.
pub const RACE: [RaceStep; 2] = [RaceStep::WriteDatabase, RaceStep::Invalidate];

/// Cache-aside's reader in a race: a miss, the database read, then the cache filled with
/// what it read (the stale refill, if a writer came in between).
pub const RACE_READER: [RaceStep; 2] = [RaceStep::ReadDatabase, RaceStep::FillCache];

const DATABASE_WRITE: CodeRef = LISTING.at(Mark::DatabaseWrite);
const CRASH: CodeRef = LISTING.at(Mark::Crash);
const INVALIDATE: CodeRef = LISTING.at(Mark::Invalidate);

pub(super) async fn update<D: Database>(
    lab: &Lab<D>,
    rec: &mut Recorder,
    product: &str,
    price: &str,
) {
    if !lab
        .database_first(
            rec,
            product,
            price,
            DATABASE_WRITE,
            "The database write failed and the cache was not touched.",
        )
        .await
    {
        return;
    }
    if lab.crash_if_on(rec, CRASH, || format!(
            "The page crashes before the cached {product} was deleted: the cache keeps serving the old price."
        )) {
        return;
    }
    let hdel = hdel_line(product);
    lab.cache_step(rec, StepKind::CacheInvalidate, &hdel, INVALIDATE, |ok, printed| {
        if ok {
            format!("The cached {product} is deleted (Redis answers {printed}); the next read misses and loads {price} from the database.")
        } else {
            format!("The invalidation fails: {printed}")
        }
    }).await;
    lab.done(
        rec,
        format!(
            "The database holds {product} = {price}; the cache will fill again on the next read."
        ),
    );
}
