//! What the page's components reach through contexts instead of props threaded down from the
//! app: the lab and the page's one state ([`LabHandle`], from `use_lab`), and the trace on the
//! stage with its diagram and playback ([`Shown`]). `App` provides both.

use std::rc::Rc;

use yew::prelude::*;

use super::actions::LabHandle;
use super::hooks::PlaybackState;
use super::state::DbStatus;
use crate::engine::diagram::Diagram;
use crate::engine::{Consistency, Faults, Pattern, Rows, Table, Trace};

/// The lab's stores as they are now.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LiveStores {
    pub cache: Table,
    pub database: Table,
    pub rows: Rows,
    pub queue: Table,
    pub consistency: Consistency,
    pub pattern: Pattern,
    pub faults: Faults,
    pub crashed: bool,
    /// The cache is the Redis every tab shares (not this tab's own).
    pub shared: bool,
    /// Updates take their product's lock across tabs.
    pub per_key_ordering: bool,
}

impl PartialEq for LabHandle {
    fn eq(&self, other: &Self) -> bool {
        self.state == other.state
            && self.lab.as_ref().map(Rc::as_ptr) == other.lab.as_ref().map(Rc::as_ptr)
            && Rc::ptr_eq(&self.background, &other.background)
    }
}

impl LabHandle {
    /// The lab's stores as they are now (empty until the lab has started).
    pub fn live(&self) -> LiveStores {
        self.lab
            .as_ref()
            .map(|l| LiveStores {
                cache: l.stores().cache(),
                database: l.stores().database(),
                rows: l.stores().rows(),
                queue: Rc::new(l.queue()),
                consistency: l.stores().consistency(),
                pattern: l.pattern(),
                faults: l.faults(),
                crashed: l.is_crashed(),
                shared: l.stores().cache_link().connected().is_some(),
                per_key_ordering: l.per_key_ordering(),
            })
            .unwrap_or_default()
    }

    /// A write is in flight, or the database is still opening: the buttons that write wait.
    pub fn busy(&self) -> bool {
        self.state.busy || self.state.status == DbStatus::Opening
    }
}

/// The trace on the stage, its diagram (made once per trace), and the playback over it.
#[derive(Clone)]
pub struct Shown {
    pub trace: Option<Rc<Trace>>,
    pub diagram: Rc<Option<Diagram>>,
    pub playback: UseReducerHandle<PlaybackState>,
}

impl PartialEq for Shown {
    fn eq(&self, other: &Self) -> bool {
        self.trace.as_ref().map(Rc::as_ptr) == other.trace.as_ref().map(Rc::as_ptr)
            && Rc::ptr_eq(&self.diagram, &other.diagram)
            && self.playback == other.playback
    }
}

impl Shown {
    /// The step playback is at.
    pub fn cursor(&self) -> usize {
        self.playback.0.cursor
    }
}

/// The page's lab and state (inside `App`).
#[hook]
pub fn use_lab_handle() -> Option<LabHandle> {
    use_context::<LabHandle>()
}

/// The trace on the stage (inside `App`).
#[hook]
pub fn use_shown() -> Option<Shown> {
    use_context::<Shown>()
}
