//! The other tabs of the lab: they share this tab's cache (one Redis, [`crate::hub`]) and its
//! database (one IndexedDB). What they write lands between this tab's steps; a trace in flight
//! shows each such write as a step by "another tab", so that its stores' panels and its
//! consistency badge always tell the truth about the shared stores.

use std::cell::RefCell;
use std::rc::Rc;

use super::cache_link::OtherWrite;
use super::lab::Lab;
use super::recorder::{Recorder, StepText};
use super::trace::{Actor, CodeRef, StepKind, Table};
use crate::db::{Database, ProductRecord};

/// Another tab's database writes this tab heard about, not yet shown in a trace.
#[derive(Debug, Default)]
pub struct OtherRows(RefCell<Vec<ProductRecord>>);

impl<D: Database> Lab<D> {
    /// Another tab committed `record`. The lab's view of the rows takes it at once (a newer
    /// revision than the lab knows only), and a trace in flight shows it at its next step.
    pub fn other_tab_wrote(&self, record: ProductRecord) {
        let known = self.stores.revision_of(&record.id);
        if known.is_some_and(|r| r >= record.revision) {
            return;
        }
        self.stores.remember(&record);
        self.other_rows.0.borrow_mut().push(record);
    }

    /// Forgets what other tabs wrote before now: a trace that starts now starts from the stores
    /// as they are, those writes included.
    pub(super) fn forget_other_tabs(&self) {
        self.stores.cache.take_other_writes();
        self.other_rows.0.borrow_mut().clear();
    }

    /// Records the writes of other tabs since the last step, oldest first (by the time each
    /// was made; the cache's writes by the server's clock, the rows by their writer's).
    pub(super) fn record_other_tabs(&self, rec: &mut Recorder) {
        let writes = self.stores.cache.take_other_writes();
        self.record_other_writes(rec, writes);
    }

    /// Records `writes` (other tabs' writes to the cache) and the rows other tabs wrote, as
    /// steps, oldest first.
    pub(super) fn record_other_writes(&self, rec: &mut Recorder, writes: Vec<OtherWrite>) {
        let rows = std::mem::take(&mut *self.other_rows.0.borrow_mut());
        if writes.is_empty() && rows.is_empty() {
            return;
        }
        let mut steps: Vec<(f64, StepText, Option<Table>)> =
            Vec::with_capacity(writes.len() + rows.len());
        for write in writes {
            let line = write.line();
            let printed = write.reply.to_cli_string().trim_end().to_owned();
            let ok = !write.reply.is_error();
            steps.push((
                write.at_ms as f64,
                StepText {
                    kind: StepKind::OtherTab,
                    actor: Actor::Cache,
                    narration: format!(
                        "Meanwhile another tab sends {line} to the same Redis; Redis answers {printed}."
                    ),
                    action: line,
                    result: printed,
                    ok,
                    code: CodeRef::NONE,
                },
                write.snapshot,
            ));
        }
        for row in rows {
            steps.push((
                row.written_at_ms,
                StepText {
                    kind: StepKind::OtherTab,
                    actor: Actor::Database,
                    action: format!("database[{:?}] = {:?}", row.id, row.price),
                    result: format!("committed (revision {})", row.revision),
                    ok: true,
                    code: CodeRef::NONE,
                    narration: format!(
                        "Meanwhile another tab commits {} = {} to the same database.",
                        row.id, row.price
                    ),
                },
                None,
            ));
        }
        steps.sort_by(|a, b| a.0.total_cmp(&b.0));
        // A cache write shows the hash as it was right after it; a row written after it shows
        // that hash too (the replica may hold later writes already, this tab's own included).
        let mut cache: Option<Table> = None;
        for (_, text, snapshot) in steps {
            if snapshot.is_some() {
                cache = snapshot;
            }
            match &cache {
                Some(table) => self.record_with_cache(rec, text, Rc::clone(table)),
                None => self.record_now(rec, text),
            }
        }
    }
}
