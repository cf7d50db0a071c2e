//! Builds a [`Trace`] step by step: each step gets the stores' snapshot and what changed since
//! the step before.

use std::rc::Rc;

use super::trace::{
    diff, Actor, CodeRef, Consistency, Step, StepKind, Store, Table, Trace, Wire, Writer,
};

/// One step's description, before the recorder adds the snapshot.
pub(super) struct StepText {
    pub kind: StepKind,
    pub actor: Actor,
    pub action: String,
    pub result: String,
    pub ok: bool,
    /// The line of the listing the step runs, named by a mark ([`super::listing::Listing::at`]).
    pub code: CodeRef,
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
            code: CodeRef::NONE,
            narration,
        }
    }
}

/// A trace being built, and the snapshot of the step before.
pub(super) struct Recorder {
    pub trace: Trace,
    cache: Table,
    database: Table,
    queue: Table,
    /// Whether `cache` and `database` agree (computed again only when one of them changes).
    consistency: Consistency,
    /// Which writer the next steps belong to (races).
    pub writer: Option<Writer>,
}

impl Recorder {
    /// Starts `trace` from the stores as they are (`(cache, database, queue)`).
    pub fn new(
        trace: Trace,
        (cache, database, queue): (impl Into<Table>, impl Into<Table>, impl Into<Table>),
    ) -> Self {
        let (cache, database, queue) = (cache.into(), database.into(), queue.into());
        Recorder {
            trace,
            consistency: Consistency::of(&cache, &database),
            cache,
            database,
            queue,
            writer: None,
        }
    }

    /// What travelled for the last step's command (see [`Wire`]).
    pub fn wire_last(&mut self, wire: Wire) {
        if let Some(step) = self.trace.steps.last_mut() {
            step.wire = Some(Rc::new(wire));
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
        self.trace.steps.push(Step {
            index: self.trace.steps.len(),
            kind: text.kind,
            actor: text.actor,
            writer: self.writer,
            action: text.action,
            result: text.result,
            ok: text.ok,
            code: text.code,
            narration: text.narration,
            consistency: self.consistency.clone(),
            cache: Rc::clone(&cache),
            database: Rc::clone(&database),
            queue: Rc::clone(&queue),
            changes,
            folded: None,
            wire: None,
        });
        self.cache = cache;
        self.database = database;
        self.queue = queue;
    }
}
