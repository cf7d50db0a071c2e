//! Warming the cache when Redis starts empty: the first tab of a Redis that has just started
//! (or a lab with a Redis of its own) reads the catalog from the database and writes it into
//! the hash, shown as a trace. It is what an application does after a cache restart without
//! persistence, so that the first reads do not all miss.
//!
//! Another tab may connect and write while this one warms. So the prices go into a key of
//! their own first, which is then renamed to `product_prices` only if that key still does not
//! exist (`RENAMENX`, one atomic command): if another tab has written a price meanwhile, the
//! warm copy (read from the database before that write) is thrown away rather than put over the
//! newer price. A cache that misses is slower; a cache that is stale is wrong.

use super::lab::{warm_commands, Lab};
use super::recorder::StepText;
use super::trace::{Actor, CodeRef, OperationKind, StepKind, Trace};
use crate::catalog::PRICES_KEY;
use crate::db::Database;
use crate::emulator::{quote_arg, Reply};

/// Where the warm copy is built before it becomes the hash.
pub const WARM_KEY: &str = "product_prices:warm-up";

/// A step on the cache that runs no line of the pattern's listing.
fn cache_text(kind: StepKind, action: String, reply: &Reply, narration: String) -> StepText {
    StepText {
        kind,
        actor: Actor::Cache,
        action,
        result: reply.to_cli_string().trim_end().to_owned(),
        ok: !reply.is_error(),
        code: CodeRef::NONE,
        narration,
    }
}

impl<D: Database> Lab<D> {
    /// Fills the empty hash from the database, as a trace (the caller holds the lab's lock).
    pub(super) async fn warm_up(&self) -> Trace {
        let mut rec = self.recorder(OperationKind::WarmUp, "", "");
        let empty = Reply::Integer(0);
        let text = cache_text(
            StepKind::CacheRead,
            format!("EXISTS {PRICES_KEY}"),
            &empty,
            format!("Redis started with an empty cache: there is no hash {PRICES_KEY} yet, so every read would miss."),
        );
        self.record(&mut rec, text);
        let rows = self.stores.rows();
        let plural = if rows.len() == 1 { "" } else { "s" };
        self.record(
            &mut rec,
            StepText {
                kind: StepKind::DatabaseRead,
                actor: Actor::Database,
                action: "SELECT id, price FROM products".to_owned(),
                result: format!("{} row{plural}", rows.len()),
                ok: true,
                code: CodeRef::NONE,
                narration: format!(
                    "The application reads every price from the database ({} product{plural}).",
                    rows.len()
                ),
            },
        );
        let commands = warm_commands(&rows, WARM_KEY);
        let count = commands.len();
        for (i, argv) in commands.into_iter().enumerate() {
            let shown = if count == 1 {
                argv.iter()
                    .map(|a| quote_arg(a))
                    .collect::<Vec<_>>()
                    .join(" ")
            } else {
                format!(
                    "HMSET {WARM_KEY} … ({} fields, command {} of {count})",
                    (argv.len() - 2) / 2,
                    i + 1,
                )
            };
            let reply = self.stores.cache.run_one(argv, false).await;
            let narration = format!("The application writes those prices into the cache, under a key of their own for now: {shown}");
            self.record(
                &mut rec,
                cache_text(StepKind::CacheWrite, shown, &reply, narration),
            );
        }
        let rename = vec![
            b"RENAMENX".to_vec(),
            WARM_KEY.as_bytes().to_vec(),
            PRICES_KEY.as_bytes().to_vec(),
        ];
        let reply = self.stores.cache.run_one(rename, false).await;
        let renamed = reply == Reply::Integer(1);
        let narration = if renamed {
            format!("In one atomic command the warm prices become {PRICES_KEY}: no tab has written a price meanwhile.")
        } else {
            format!("Another tab wrote a price meanwhile, so {PRICES_KEY} exists: the warm copy, read before that write, must not replace it.")
        };
        let action = format!("RENAMENX {WARM_KEY} {PRICES_KEY}");
        self.record(
            &mut rec,
            cache_text(StepKind::CacheWrite, action, &reply, narration),
        );
        if !renamed {
            let del = vec![b"DEL".to_vec(), WARM_KEY.as_bytes().to_vec()];
            let reply = self.stores.cache.run_one(del, false).await;
            let narration = "The application throws the warm copy away: prices not cached yet will miss once and be read from the database.".to_owned();
            let text = cache_text(
                StepKind::CacheInvalidate,
                format!("DEL {WARM_KEY}"),
                &reply,
                narration,
            );
            self.record(&mut rec, text);
        }
        let closing = if renamed {
            "The cache holds what the database holds: reads hit from the first one."
        } else {
            "The cache keeps the newer price another tab wrote; the others are misses, not stale prices."
        };
        self.done(&mut rec, closing.to_owned());
        rec.trace
    }
}
