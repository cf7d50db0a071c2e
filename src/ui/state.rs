//! The database card's state: one reducer, no I/O (the app does the I/O and dispatches).

use std::rc::Rc;

use yew::Reducible;

use crate::db::ProductRecord;

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

/// What the page knows about the database.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DbState {
    pub status: DbStatus,
    pub rows: Vec<ProductRecord>,
    /// A write or reset is in flight.
    pub busy: bool,
    /// The last failure, until the next success.
    pub error: Option<String>,
    /// Something the learner should know (fallback to memory, another tab, a blocked upgrade).
    pub notice: Option<String>,
}

/// What happened.
#[derive(Clone, Debug, PartialEq)]
pub enum DbAction {
    Opened {
        persistent: bool,
        notice: Option<String>,
    },
    Rows(Vec<ProductRecord>),
    Busy,
    Failed(String),
    Notice(String),
}

impl Reducible for DbState {
    type Action = DbAction;

    fn reduce(self: Rc<Self>, action: DbAction) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            DbAction::Opened { persistent, notice } => {
                next.status = if persistent {
                    DbStatus::Persistent
                } else {
                    DbStatus::InMemory
                };
                next.notice = notice;
            }
            DbAction::Rows(rows) => {
                next.rows = rows;
                next.busy = false;
                next.error = None;
            }
            DbAction::Busy => next.busy = true,
            DbAction::Failed(message) => {
                next.busy = false;
                next.error = Some(message);
            }
            DbAction::Notice(message) => next.notice = Some(message),
        }
        Rc::new(next)
    }
}
