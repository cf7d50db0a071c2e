//! Write-behind: write the cache now and queue the database write; the queue coalesces writes
//! per product and is flushed when it holds enough or has waited long enough, and a failed
//! flush is retried. The queue itself is [`crate::engine::queue::WriteBehindQueue`].

use super::{PatternCode, RaceStep};
use crate::db::Database;
use crate::engine::lab::Lab;
use crate::engine::listing::{line, marked, Listing, Mark, PYTHON_DEF, RUST_END, RUST_FN, RUST_OK};
use crate::engine::recorder::{Recorder, StepText};
use crate::engine::steps::hset_line;
use crate::engine::trace::{Actor, CodeRef, Outcome, StepKind};

/// `update_price` and `flush` in the seed's Python and in Rust.
pub const LISTING: Listing = Listing {
    python: &[
        PYTHON_DEF,
        marked(&[Mark::Check], "    check(product, new_price)"),
        marked(
            &[Mark::CacheWrite],
            "    redis_client.execute_command(f\"HSET product_prices {product} {new_price}\")",
        ),
        marked(
            &[Mark::Enqueue],
            "    queue[product] = new_price  # one pending write per product",
        ),
        marked(
            &[Mark::Crash],
            "    if len(queue) >= FLUSH_SIZE:  # also flushed every FLUSH_AFTER seconds",
        ),
        marked(&[Mark::FlushCall], "        flush()"),
        line(""),
        line("def flush():"),
        line("    for product, price in list(queue.items()):"),
        marked(
            &[Mark::DatabaseWrite],
            "        database[product] = price  # on failure it stays queued for a retry",
        ),
        line("        del queue[product]"),
    ],
    rust: &[
        RUST_FN,
        marked(
            &[Mark::Check],
            "    let price = check(product, new_price)?;",
        ),
        marked(
            &[Mark::CacheWrite],
            "    self.redis.execute_command(&format!(\"HSET product_prices {product} {price}\"))?;",
        ),
        marked(&[Mark::Enqueue], "    self.queue.insert(product, price);"),
        marked(&[Mark::Crash], "    if self.queue.len() >= FLUSH_SIZE {"),
        marked(&[Mark::FlushCall], "        self.flush().await;"),
        line("    }"),
        RUST_OK,
        RUST_END,
        line(""),
        line("async fn flush(&self) {"),
        line("    for (product, price) in self.queue.pending() {"),
        marked(
            &[Mark::DatabaseWrite],
            "        if self.database.put_price(&product, &price).await.is_ok() {",
        ),
        line("            self.queue.remove(&product);"),
        line("        }"),
        line("    }"),
        RUST_END,
    ],
};

/// The listing and its validation line.
pub const CODE: PatternCode = PatternCode::new(LISTING);

/// Its writes in a race: the cache, then the queued database write (which a race runs at once).
pub const RACE: [RaceStep; 2] = [RaceStep::WriteCache, RaceStep::WriteDatabase];

const CACHE_WRITE: CodeRef = LISTING.at(Mark::CacheWrite);
const ENQUEUE: CodeRef = LISTING.at(Mark::Enqueue);
const CRASH: CodeRef = LISTING.at(Mark::Crash);
const FLUSH_CALL: CodeRef = LISTING.at(Mark::FlushCall);
/// The line a flush runs for each queued write.
pub const FLUSH_WRITE: CodeRef = LISTING.at(Mark::DatabaseWrite);

pub(super) async fn update<D: Database>(
    lab: &Lab<D>,
    rec: &mut Recorder,
    product: &str,
    price: &str,
) {
    let line = hset_line(product, price);
    let written = lab
        .cache_write_step(rec, &line, CACHE_WRITE, |printed| {
            format!("Redis sets {product} to {price} at once and answers {printed}.")
        })
        .await;
    if !written {
        rec.trace.outcome =
            Outcome::Failed("The cache refused the write; nothing was queued.".to_owned());
        lab.done(rec, "Neither store changed.".to_owned());
        return;
    }
    let replaced = lab.queue.borrow_mut().insert(product, price, lab.now());
    let waiting = lab.queue.borrow().len();
    lab.record(rec, StepText {
        kind: StepKind::Enqueue,
        actor: Actor::Queue,
        action: format!("queue[{product:?}] = {price:?}"),
        result: format!("{waiting} waiting"),
        ok: true,
        code: ENQUEUE,
        narration: match replaced {
            Some(old) => format!("The queued write of {product} ({old}) is replaced by {price}: writes coalesce per product."),
            None => format!("The database write of {product} = {price} waits in the queue; until it is flushed the database is behind."),
        },
    });
    if lab.faults().crash_between {
        lab.queue.borrow_mut().clear();
        lab.crash(rec, CRASH, "The page crashes: the queue lived in its memory, so every waiting write is lost and the database never gets them.".to_owned());
        return;
    }
    if lab.queue.borrow().is_full() {
        flush_steps(lab, rec, FLUSH_CALL).await;
    }
    let waiting = lab.queue.borrow().len();
    lab.done(rec, if waiting == 0 {
        "The queue was flushed: both stores agree.".to_owned()
    } else {
        format!("The cache is ahead of the database until the queue is flushed ({waiting} waiting).")
    });
}

/// Writes every queued price to the database, one step each, at the listing's line `code`; a
/// failed write stays queued for the next flush.
pub(in crate::engine) async fn flush_steps<D: Database>(
    lab: &Lab<D>,
    rec: &mut Recorder,
    code: CodeRef,
) {
    let pending = lab.queue.borrow().pending().to_vec();
    let mut failed = 0;
    for p in pending {
        let action = format!("database[{:?}] = {:?}", p.product, p.price);
        let text = match lab
            .write_database(&p.product, &p.price, "write_behind_flush")
            .await
        {
            Ok(record) => {
                lab.queue.borrow_mut().written(&p.product, &p.price);
                StepText {
                    kind: StepKind::Flush,
                    actor: Actor::Database,
                    action,
                    result: format!("committed (revision {})", record.revision),
                    ok: true,
                    code,
                    narration: format!(
                        "The flush writes {} = {} to the database and takes it off the queue.",
                        p.product, p.price
                    ),
                }
            }
            Err(e) => {
                failed += 1;
                lab.queue.borrow_mut().failed(&p.product);
                StepText {
                    kind: StepKind::Flush,
                    actor: Actor::Database,
                    action,
                    result: e.to_string(),
                    ok: false,
                    code,
                    narration: format!(
                        "The flush of {} fails, so it stays queued for the next flush. {e}",
                        p.product
                    ),
                }
            }
        };
        lab.record(rec, text);
    }
    if failed > 0 {
        rec.trace.outcome = Outcome::Failed(format!(
            "{failed} queued write(s) could not be flushed; they stay queued."
        ));
    }
}
