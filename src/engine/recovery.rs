//! Restart and recovery: after a crash (or at any time) the application compares the cache with
//! the database and sets every disagreeing field back to the database's value, as a trace.

use super::lab::Lab;
use super::listing::{line, marked, Listing, Mark};
use super::recorder::StepText;
use super::steps::{hdel_line, hset_line};
use super::trace::{Actor, CodeRef, OperationKind, Outcome, StepKind, Trace};
use crate::catalog::PRICES_KEY;
use crate::db::Database;

/// What a restarted application runs before serving.
pub const LISTING: Listing = Listing {
    python: &[
        line("def recover():"),
        marked(
            &[Mark::Detect],
            "    cached = redis_client.execute_command(\"HGETALL product_prices\")",
        ),
        line("    for product, price in pairs(cached):"),
        line("        if database.get(product) != price:"),
        marked(
            &[Mark::Reconcile],
            "            reconcile(product)  # HSET the database's price, or HDEL if it has none",
        ),
    ],
    rust: &[
        line("async fn recover(&self) -> Result<(), Error> {"),
        marked(
            &[Mark::Detect],
            "    let cached = self.redis.execute_command(\"HGETALL product_prices\");",
        ),
        line("    for (product, price) in pairs(cached) {"),
        line("        if self.database.get(&product).await?.map(|r| r.price) != Some(price) {"),
        marked(
            &[Mark::Reconcile],
            "            self.reconcile(&product).await?;",
        ),
        line("        }"),
        line("    }"),
        line("    Ok(())"),
        line("}"),
    ],
};

const DETECT: CodeRef = LISTING.at(Mark::Detect);
pub(super) const RECONCILE: CodeRef = LISTING.at(Mark::Reconcile);

impl<D: Database> Lab<D> {
    /// Restarts the application after a crash (or at any time): compares the cache with the
    /// database and sets every disagreeing field back to the database's value, as a trace.
    pub async fn restart(&self) -> Trace {
        let _guard = self.lock.lock().await;
        let mut rec = self.recorder(OperationKind::Recovery, "", "");
        if let Err(e) = self.stores.reload_rows().await {
            rec.trace.outcome = Outcome::Failed(e.to_string());
            self.done(
                &mut rec,
                format!("The database could not be read, so nothing was reconciled: {e}"),
            );
            return rec.trace;
        }
        self.crashed.set(false);
        let diverged = self.stores.consistency().diverged;
        self.record(&mut rec, StepText {
            kind: StepKind::Detect,
            actor: Actor::Application,
            action: format!("HGETALL {PRICES_KEY}, compared with the database"),
            result: if diverged.is_empty() { "in step".to_owned() } else { format!("{} field(s) disagree", diverged.len()) },
            ok: true,
            code: DETECT,
            narration: if diverged.is_empty() {
                "The restarted application finds the cache in step with the database; nothing to repair.".to_owned()
            } else {
                let list: Vec<String> = diverged.iter().map(|d| format!("{} (cache {}, database {})", d.product, d.cache, d.database.as_deref().unwrap_or("none"))).collect();
                format!("The restarted application finds the cache out of step: {}.", list.join(", "))
            },
        });
        for d in diverged {
            let line = match &d.database {
                Some(price) => hset_line(&d.product, price),
                None => hdel_line(&d.product),
            };
            let mut ok = self
                .cache_step(
                    &mut rec,
                    StepKind::Reconcile,
                    &line,
                    RECONCILE,
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
                )
                .await;
            if !ok {
                // A cache that refuses writes can still drop the stale field.
                let hdel = hdel_line(&d.product);
                ok = self
                    .cache_step(
                        &mut rec,
                        StepKind::CacheInvalidate,
                        &hdel,
                        RECONCILE,
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
                    )
                    .await;
            }
            if !ok {
                rec.trace.outcome =
                    Outcome::Failed(format!("{} could not be reconciled.", d.product));
            }
        }
        // Write-behind's queue died with the application.
        self.queue.borrow_mut().clear();
        let narration = if self.stores.consistency().in_step {
            "The application serves again, with the cache in step with the database (the source of truth)."
        } else {
            "The application serves again, but some fields are still out of step."
        };
        self.done(&mut rec, narration.to_owned());
        rec.trace
    }
}
