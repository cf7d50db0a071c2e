//! The page's state: one reducer, no I/O (the app does the I/O and dispatches).

use std::rc::Rc;

use yew::Reducible;

use crate::engine::Trace;
use crate::scenario::Scenario;

/// Where the database stands.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum DbStatus {
    /// Opening IndexedDB.
    #[default]
    Opening,
    /// IndexedDB is open: writes survive a reload.
    Persistent,
    /// IndexedDB could not be used: the rows live in memory only.
    InMemory,
}

/// What the page knows. The stores themselves live in the lab; `version` changes whenever
/// they may have, so that the cards read them again.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LabState {
    pub status: DbStatus,
    /// Bumped after every change to either store.
    pub version: u64,
    /// A write or reset is in flight.
    pub busy: bool,
    /// The last database failure, until the next success.
    pub error: Option<String>,
    /// Something the learner should know (fallback to memory, another tab, a blocked upgrade).
    pub notice: Option<String>,
    /// The last operation's trace.
    pub last_trace: Option<Rc<Trace>>,
    /// Where that trace came from, if it can be replayed from a link.
    pub scenario: Option<Scenario>,
    /// Show this step of the new trace instead of playing it from the start.
    pub seek: Option<usize>,
    /// The trace ran on copies of the stores (a race, a shared link), not on the lab's own.
    pub replayed: bool,
}

/// What happened.
#[derive(Clone, Debug, PartialEq)]
pub enum LabAction {
    Opened {
        persistent: bool,
        notice: Option<String>,
    },
    Changed,
    Traced(Trace),
    /// A trace replayed from a scenario (a race, or a shared link), shown at `seek` if given.
    Replay {
        trace: Trace,
        scenario: Scenario,
        seek: Option<usize>,
    },
    Busy,
    Failed(String),
    Notice(String),
}

impl Reducible for LabState {
    type Action = LabAction;

    fn reduce(self: Rc<Self>, action: LabAction) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            LabAction::Opened { persistent, notice } => {
                next.status = if persistent {
                    DbStatus::Persistent
                } else {
                    DbStatus::InMemory
                };
                next.notice = notice;
                next.version += 1;
            }
            LabAction::Changed => {
                next.version += 1;
                next.busy = false;
                next.error = None;
            }
            LabAction::Traced(trace) => {
                next.version += 1;
                next.busy = false;
                next.error = None;
                next.scenario = Scenario::of_trace(&trace);
                next.seek = None;
                next.replayed = false;
                next.last_trace = Some(Rc::new(trace));
            }
            LabAction::Replay {
                trace,
                scenario,
                seek,
            } => {
                next.version += 1;
                next.scenario = Some(scenario);
                next.seek = seek;
                next.replayed = true;
                next.last_trace = Some(Rc::new(trace));
            }
            LabAction::Busy => next.busy = true,
            LabAction::Failed(message) => {
                next.busy = false;
                next.error = Some(message);
            }
            LabAction::Notice(message) => next.notice = Some(message),
        }
        Rc::new(next)
    }
}
