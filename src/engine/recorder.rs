//! Builds a [`Trace`] step by step: each step gets the stores' snapshot and what changed since
//! the step before.

use std::rc::Rc;

use super::code::Listing;
use super::trace::{diff, Actor, CodeRef, Consistency, Step, StepKind, Store, Table, Trace};

/// One step's description, before the recorder adds the snapshot.
pub(super) struct StepText {
    pub kind: StepKind,
    pub actor: Actor,
    pub action: String,
    pub result: String,
    pub ok: bool,
    /// Python and Rust line numbers (1-based, 0 for none).
    pub lines: (u32, u32),
    pub narration: String,
}

impl StepText {
    /// The last step of an operation: the application returns.
    pub fn done(narration: String) -> Self {
        StepText {
            kind: StepKind::Done,
            actor: Actor::Application,
            action: "return".to_owned(),
            result: String::new(),
            ok: true,
            lines: (0, 0),
            narration,
        }
    }
}

/// A trace being built, and the snapshot of the step before.
pub(super) struct Recorder {
    pub trace: Trace,
    listing: Listing,
    cache: Table,
    database: Table,
    queue: Table,
    /// Whether `cache` and `database` agree (computed again only when one of them changes).
    consistency: Consistency,
    /// Which writer the next steps belong to (races), or empty.
    pub writer: String,
}

impl Recorder {
    /// Starts `trace` from the stores as they are (`(cache, database, queue)`).
    pub fn new(
        trace: Trace,
        listing: Listing,
        (cache, database, queue): (impl Into<Table>, impl Into<Table>, impl Into<Table>),
    ) -> Self {
        let (cache, database, queue) = (cache.into(), database.into(), queue.into());
        Recorder {
            trace,
            listing,
            consistency: Consistency::of(&cache, &database),
            cache,
            database,
            queue,
            writer: String::new(),
        }
    }

    /// Adds a step with the stores as they are now.
    pub fn push(
        &mut self,
        text: StepText,
        cache: impl Into<Table>,
        database: impl Into<Table>,
        queue: impl Into<Table>,
    ) {
        let (cache, database, queue) = (cache.into(), database.into(), queue.into());
        if !Rc::ptr_eq(&cache, &self.cache) || !Rc::ptr_eq(&database, &self.database) {
            self.consistency = Consistency::of(&cache, &database);
        }
        let mut changes = diff(Store::Cache, &self.cache, &cache);
        changes.extend(diff(Store::Database, &self.database, &database));
        changes.extend(diff(Store::Queue, &self.queue, &queue));
        // A line number outside the listing would point at nothing.
        let within = |n: u32, len: usize| if n as usize <= len { n } else { 0 };
        self.trace.steps.push(Step {
            index: self.trace.steps.len(),
            kind: text.kind,
            actor: text.actor,
            writer: self.writer.clone(),
            action: text.action,
            result: text.result,
            ok: text.ok,
            code: CodeRef {
                python: within(text.lines.0, self.listing.python.len()),
                rust: within(text.lines.1, self.listing.rust.len()),
            },
            narration: text.narration,
            consistency: self.consistency.clone(),
            cache: Rc::clone(&cache),
            database: Rc::clone(&database),
            queue: Rc::clone(&queue),
            changes,
        });
        self.cache = cache;
        self.database = database;
        self.queue = queue;
    }
}
