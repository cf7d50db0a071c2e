//! The write-through engine: turns `update_price(product, new_price)` into a [`Trace`] of steps
//! over the cache (the emulator's hash `product_prices`) and the database. Pure Rust, no web
//! crates: everything here is tested on the host.
//!
//! | module | job |
//! |---|---|
//! | [`lab`] | [`Lab`]: the two stores, the pattern, the faults; `update_price`, `flush`, `restart` |
//! | [`trace`] | the trace format, documented there: the contract between engine and interface |
//! | [`pattern`] | write-through (database first, cache first), cache-aside, write-behind |
//! | [`code`] | each pattern's `update_price` in the seed's Python and in Rust, for the code pane |
//! | [`queue`] | write-behind's coalescing queue |
//! | [`race`] | two writers with an interleaving chosen by the learner |
//! | [`predict`] | "predict, then see": what a read returns at chosen steps |
//! | [`sandbox`] | one update on copies of the stores, to compare two patterns side by side |

pub mod code;
pub mod lab;
pub mod pattern;
pub mod predict;
pub mod queue;
pub mod race;
mod recorder;
pub mod sandbox;
pub mod trace;

pub use lab::{EngineError, Faults, Lab};
pub use pattern::Pattern;
pub use trace::{Outcome, Step, StepKind, Table, Trace};
