//! The write-through engine: turns `update_price(product, new_price)` into a [`Trace`] of steps
//! over the cache (the emulator's hash `product_prices`) and the database. Pure Rust, no web
//! crates: everything here is tested on the host.
//!
//! ## Where things are
//!
//! | module | job |
//! |---|---|
//! | [`trace`] | the trace format, documented there: the contract between engine and interface (imports only [`pattern`], [`faults`] and [`consistency`]) |
//! | [`consistency`] | whether the two stores agree, and where they do not |
//! | [`pattern`] | the [`Pattern`] enum: each pattern's id, title and promise |
//! | [`patterns`] | **one file per pattern**: its steps and its listing (Python and Rust); e.g. cache-aside is `patterns/cache_aside.rs` |
//! | [`listing`] | a listing's lines and the [`listing::Mark`]s steps name them by (checked when the crate builds) |
//! | [`cache_link`] | where the cache is: a Redis of the lab's own, or the one every tab shares ([`crate::hub`]) |
//! | [`other_tabs`] | other tabs' writes to the shared stores, shown as steps of the trace in flight |
//! | [`warm_up`] | filling an empty cache from the database when Redis has just started |
//! | [`key_lock`] | per-key ordering across tabs: a lock per product around `update_price`'s writes (the page gives it the Web Locks API) |
//! | [`lab`] | [`Lab`]: what it owns (stores, pattern, faults, queue) and its operations (`update_price`, `flush`, reset, seeding) |
//! | [`steps`] | the steps patterns are made of (database write, cache command, crash, done) |
//! | [`recovery`] | `Lab::restart`: compare the stores after a crash and reconcile them |
//! | [`scripted`] | writes from outside a pattern: the lesson's [`Effect`]s, database edits |
//! | [`faults`] | the fault switches and their names |
//! | [`fifo_lock`] | the first-come, first-served lock that serializes the lab's operations |
//! | [`queue`] | write-behind's coalescing queue |
//! | [`race`] | two writers with an interleaving chosen by the learner |
//! | [`diagram`] | a trace as a sequence diagram: lifelines, one arrow per step, failures, the crash, the windows in which the stores disagree |
//! | [`program`] | the learner's own `update_price`, run line by line on the lab's stores as a trace |
//! | [`fold`] | a long program's repeated iterations (and, past a length, its middle) folded into one step each |
//! | [`predict`] | "predict, then see": what a read returns at chosen steps |
//! | [`sandbox`] | one update on copies of the stores, to compare two patterns side by side |
//!
//! ## Adding a pattern
//!
//! 1. Add a variant to [`Pattern`] (`src/engine/pattern.rs`) with its id, title and promise;
//!    the compiler then lists every `match` that must learn about it.
//! 2. Add `src/engine/patterns/<name>.rs`, shaped like its siblings: a `LISTING` whose lines
//!    carry [`listing::Mark`]s (at least `Check`, and `Crash` for where "crash between the
//!    writes" stops it), a `CODE`, one `const` per line its steps run
//!    (`LISTING.at(Mark::DatabaseWrite)`: a missing mark fails the build), and
//!    `async fn update(lab, rec, product, price)` built from the helpers in [`steps`].
//! 3. Name the file in `patterns/mod.rs` (`code` and `update`), and give the race its two steps
//!    in [`race`] if the pattern should race.
//!
//! `tests/engine.rs` then runs it under every fault, records golden traces for it, and checks
//! that every step's line says what the step does.

pub mod cache_link;
pub mod consistency;
pub mod copies;
pub mod diagram;
pub mod faults;
pub mod fifo_lock;
pub mod fold;
pub mod key_lock;
pub mod lab;
pub mod listing;
pub mod other_tabs;
pub mod pattern;
pub mod patterns;
pub mod predict;
pub mod program;
pub mod queue;
pub mod race;
pub mod read;
mod recorder;
pub mod recovery;
pub mod sandbox;
pub mod schedule;
pub mod scripted;
pub mod steps;
pub mod stores;
pub mod trace;
pub mod warm_up;

pub use faults::Faults;
pub use lab::{EngineError, Lab, Rows};
pub use pattern::Pattern;
pub use scripted::Effect;
pub use steps::check_update;
pub use stores::Stores;
pub use trace::{Consistency, Outcome, Step, StepKind, Table, Trace, Wire, Writer};
