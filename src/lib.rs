//! # Write-Through Lab
//!
//! A browser playground that teaches the *write-through* caching pattern: a product catalog
//! whose prices live both in a Redis hash (`product_prices`) and in a database, and an
//! `update_price(product, new_price)` that writes both, shown step by step.
//!
//! ## Layout
//!
//! | module | what it is for | runs on |
//! |---|---|---|
//! | [`challenges`] | the challenges after the lesson: what each asks, the faults and races it tries, what must hold | host and browser |
//! | [`checker`] | the challenges' checker: clients run against copies of the stores under every schedule of their store operations and every planned fault, the smallest failure kept (pure Rust) | host and browser |
//! | [`catalog`] | the lesson's seed catalog (`product1: 100`, `product2: 200`, `product3: 300`) | host and browser |
//! | [`emulator`] | the embedded mini Redis that plays `redis_client` (pure Rust) | host and browser |
//! | [`db`] | the database the lesson writes to: its record type, and IndexedDB in the browser | record type anywhere; IndexedDB in the browser only |
//! | [`engine`] | the write-through engine that turns an update into a trace of steps (pure Rust) | host and browser |
//! | [`hub`] | one Redis for every tab: the emulator as a server reached by messages, and each tab's replica of it (pure Rust; the page puts it in a `SharedWorker`) | host and browser |
//! | [`lesson`] | the seed tutorial's four steps, checked by running the learner's answers | host and browser |
//! | `python` | the learner's own Python (RustPython, a prelude giving `redis` and `database`), run on copies of the stores and recorded line by line, its recording replayed as a trace, the lesson checked by running, the editor's colouring and keys (docs/python.md); in the browser only the interpreter's worker links RustPython | host |
//! | [`scenario`] | a shareable scenario and step, written into the URL query, replayed on copies of the stores | host and browser |
//! | [`playback`] | the pure state machine that steps through a trace (cursor, playing, speed) | host and browser |
//! | `bench_workload` | the emulator benchmark's workload, for `benches/emulator.rs` and the page's `lab.bench_emulator` (only in builds with the `bench-hooks` feature) | host, and the browser's benchmark build |
//! | `server` | `minired --port`: the emulator as a Redis server on TCP (RESP2/RESP3, sixteen databases), on tokio | host only |
//! | [`viewport`] | which rows of a long table to render (the rows in view and a margin) | host and browser |
//! | [`wire`] | the one message format between the page and its workers: a type's tag and fields named once (`wire_enum!`, `wire_struct!`); a leaf that imports nothing above it | host and browser |
//! | `ui` | the Yew interface that renders the actors and, later, the traces | browser only |
//!
//! The emulator, the engine and playback import no web crate (`yew`, `web_sys`, `wasm_bindgen`,
//! `js_sys`, `gloo`), so that all of their logic is tested with a plain `cargo test` on the
//! host; `tests/boundaries.rs` enforces it. Only `db::indexeddb` and `ui` touch the browser,
//! and they are declared behind `#[cfg(target_arch = "wasm32")]` once, where they are declared.

#[cfg(any(not(target_arch = "wasm32"), feature = "bench-hooks"))]
pub mod bench_workload;
pub mod catalog;
pub mod challenges;
pub mod checker;
pub mod db;
pub mod emulator;
pub mod engine;
pub mod hub;
pub mod lesson;
pub mod playback;
pub mod python;
pub mod scenario;
#[cfg(not(target_arch = "wasm32"))]
pub mod server;
pub mod viewport;
pub mod wire;

#[cfg(target_arch = "wasm32")]
pub mod ui;
