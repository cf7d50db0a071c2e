//! Warming the cache when Redis starts empty: the first tab of a Redis that has just started
//! (or a lab with a Redis of its own) reads the catalog from the database and writes it into
//! the hash, shown as a trace. It is what an application does after a cache restart without
//! persistence, so that the first reads do not all miss; it runs only on an empty cache, so it
//! never overwrites a price another tab has written since.

use super::lab::Lab;
use super::recorder::StepText;
use super::trace::{Actor, CodeRef, OperationKind, StepKind, Trace};
use crate::catalog::{hmset_line, PRICES_KEY};
use crate::db::Database;
use crate::emulator::split_args;

/// The fields one warm-up command writes at most.
const FIELDS_PER_COMMAND: usize = 1_000;

impl<D: Database> Lab<D> {
    /// Fills the empty hash from the database, as a trace (the caller holds the lab's lock).
    pub(super) async fn warm_up(&self) -> Trace {
        let mut rec = self.recorder(OperationKind::WarmUp, "", "");
        self.record(&mut rec, StepText {
            kind: StepKind::CacheRead,
            actor: Actor::Cache,
            action: format!("EXISTS {PRICES_KEY}"),
            result: "(integer) 0".to_owned(),
            ok: true,
            code: CodeRef::NONE,
            narration: format!("Redis started with an empty cache: there is no hash {PRICES_KEY} yet, so every read would miss."),
        });
        let rows = self.rows();
        self.record(
            &mut rec,
            StepText {
                kind: StepKind::DatabaseRead,
                actor: Actor::Database,
                action: "SELECT id, price FROM products".to_owned(),
                result: format!(
                    "{} row{}",
                    rows.len(),
                    if rows.len() == 1 { "" } else { "s" }
                ),
                ok: true,
                code: CodeRef::NONE,
                narration: format!(
                    "The application reads every price from the database ({} products).",
                    rows.len()
                ),
            },
        );
        let batches: Vec<_> = rows.chunks(FIELDS_PER_COMMAND).collect();
        for (i, batch) in batches.iter().enumerate() {
            let line = hmset_line(batch.iter().map(|r| (r.id.as_str(), r.price.as_str())));
            let Ok(argv) = split_args(line.as_bytes()) else {
                continue;
            };
            let reply = self.cache.run_one(argv, false).await;
            let printed = reply.to_cli_string().trim_end().to_owned();
            let shown = if batches.len() == 1 {
                line
            } else {
                format!(
                    "HMSET {PRICES_KEY} … ({} fields, command {} of {})",
                    batch.len(),
                    i + 1,
                    batches.len()
                )
            };
            self.record(
                &mut rec,
                StepText {
                    kind: StepKind::CacheWrite,
                    actor: Actor::Cache,
                    narration: format!(
                        "The application writes those prices into the cache: {shown}"
                    ),
                    action: shown,
                    ok: !reply.is_error(),
                    result: printed,
                    code: CodeRef::NONE,
                },
            );
        }
        self.done(
            &mut rec,
            "The cache holds what the database holds: reads hit from the first one.".to_owned(),
        );
        rec.trace
    }
}
