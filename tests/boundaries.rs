//! The pure core stays pure, and its leaves stay leaves:
//! - the emulator, the engine, the hub (one Redis for all tabs), the lesson, scenarios, the catalog, playback and the host side of
//!   the database import no web crate, so their logic builds and is tested on the host (see the
//!   Layout section of `src/lib.rs`);
//! - the engine imports neither the lesson nor the interface;
//! - the trace (the documented contract between engine and interface) imports nothing from the
//!   engine's implementation;
//! - the message format (`src/wire.rs`) imports nothing from the crate, and the layers that use
//!   it do not reach into one another: Python ↛ interface, hub ↛ Python or interface, engine ↛
//!   hub (the hub implements the engine's `SharedRedis`).
#![cfg(not(target_arch = "wasm32"))]

use std::path::{Path, PathBuf};

/// Crates that only the browser shell (`ui`, `db::indexeddb`) may use.
const WEB_CRATES: [&str; 7] = [
    "yew",
    "web_sys",
    "wasm_bindgen",
    "wasm_bindgen_futures",
    "js_sys",
    "gloo",
    "indexed_db_futures",
];

/// The places that must stay pure Rust.
const PURE: [&str; 15] = [
    "src/wire.rs",
    "src/emulator",
    "src/engine",
    "src/checker",
    "src/hub",
    "src/python",
    "src/lesson.rs",
    "src/scenario.rs",
    "src/catalog.rs",
    "src/playback.rs",
    "src/viewport.rs",
    // The database's host side: the record type, the trait, the in-memory store, the faults.
    "src/db/mod.rs",
    "src/db/memory.rs",
    "src/db/faulty.rs",
    "src/lib.rs",
];

/// The engine modules `trace.rs` may import: the leaves whose types it carries.
const TRACE_MAY_USE: [&str; 3] = ["pattern", "faults", "consistency"];

/// Returns the web crates a piece of Rust source refers to (outside comments).
fn web_crates_used(source: &str) -> Vec<&'static str> {
    let mut found = Vec::new();
    for line in source.lines() {
        let code = line.split("//").next().unwrap_or("");
        for krate in WEB_CRATES {
            let as_path = format!("{krate}::");
            let as_use = format!("use {krate}");
            let as_extern = format!("extern crate {krate}");
            let refers = code.match_indices(&as_path).any(|(at, _)| {
                // `foo_yew::` is not `yew::`.
                at == 0 || !code[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_')
            }) || code.contains(&as_use)
                || code.contains(&as_extern);
            if refers && !found.contains(&krate) {
                found.push(krate);
            }
        }
    }
    found
}

fn rust_files(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
            .expect("readable source folder")
            .map(|e| e.expect("readable entry").path())
            .collect();
        entries.sort();
        for entry in entries {
            rust_files(&entry, out);
        }
    } else if path.extension().is_some_and(|e| e == "rs") {
        out.push(path.to_owned());
    }
}

#[test]
fn pure_core_imports_no_web_crate() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for place in PURE {
        rust_files(&root.join(place), &mut files);
    }
    assert!(
        files.len() >= 3,
        "expected the pure modules to exist, found {files:?}"
    );
    let offenders: Vec<String> = files
        .iter()
        .filter_map(|file| {
            let source = std::fs::read_to_string(file).expect("readable source");
            let used = web_crates_used(&source);
            (!used.is_empty()).then(|| format!("{}: {}", file.display(), used.join(", ")))
        })
        .collect();
    assert!(
        offenders.is_empty(),
        "web crates in the pure core: {offenders:#?}"
    );
}

/// The `crate::…` and `super::…` paths a piece of Rust source refers to (outside comments), as
/// written: `crate::lesson::Effect` gives `crate::lesson::Effect`.
fn crate_paths(source: &str) -> Vec<String> {
    let mut found = Vec::new();
    for line in source.lines() {
        let code = line.split("//").next().unwrap_or("");
        for root in ["crate::", "super::"] {
            for (at, _) in code.match_indices(root) {
                if at > 0 && code[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_') {
                    continue;
                }
                let path: String = code[at..]
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                    .collect();
                found.push(path);
            }
        }
    }
    found
}

fn source_files(place: &str) -> Vec<(PathBuf, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join(place), &mut files);
    files
        .into_iter()
        .map(|f| {
            let source = std::fs::read_to_string(&f).expect("readable source");
            (f, source)
        })
        .collect()
}

#[test]
fn the_engine_imports_neither_the_lesson_nor_the_interface() {
    let files = source_files("src/engine");
    assert!(
        files.len() >= 10,
        "expected the engine's files, found {}",
        files.len()
    );
    let offenders = reaching(
        "src/engine",
        &["crate::lesson", "crate::ui", "crate::scenario"],
    );
    assert!(
        offenders.is_empty(),
        "the engine reaches out: {offenders:#?}"
    );
}

#[test]
fn the_trace_imports_nothing_from_the_engine_implementation() {
    let (file, source) = source_files("src/engine/trace.rs")
        .pop()
        .expect("src/engine/trace.rs");
    let offenders: Vec<String> = crate_paths(&source)
        .into_iter()
        .filter(|p| {
            let module = p
                .strip_prefix("super::")
                .or_else(|| p.strip_prefix("crate::engine::"))
                .map(|rest| rest.split("::").next().unwrap_or(""));
            match module {
                Some(m) => !TRACE_MAY_USE.contains(&m) && !m.is_empty(),
                None => false,
            }
        })
        .collect();
    assert!(
        offenders.is_empty(),
        "{} imports the engine's implementation: {offenders:?}",
        file.display()
    );
}

/// The paths in `place` that start with one of `forbidden`, as `file: path` lines.
fn reaching(place: &str, forbidden: &[&str]) -> Vec<String> {
    source_files(place)
        .iter()
        .flat_map(|(file, source)| {
            crate_paths(source)
                .into_iter()
                .filter(|p| {
                    forbidden
                        .iter()
                        .any(|m| p == m || p.starts_with(&format!("{m}::")))
                })
                .map(move |p| format!("{}: {p}", file.display()))
        })
        .collect()
}

#[test]
fn the_message_format_is_a_leaf() {
    let (file, source) = source_files("src/wire.rs").pop().expect("src/wire.rs");
    let offenders: Vec<String> = crate_paths(&source)
        .into_iter()
        .filter(|p| p.starts_with("crate::") && !p.starts_with("crate::wire"))
        .collect();
    assert!(
        offenders.is_empty(),
        "{} imports from the crate: {offenders:?}",
        file.display()
    );
}

#[test]
fn python_the_hub_and_the_engine_do_not_reach_into_other_layers() {
    let python = reaching("src/python", &["crate::ui", "crate::hub::codec"]);
    assert!(python.is_empty(), "python reaches out: {python:#?}");
    let hub = reaching("src/hub", &["crate::python", "crate::ui"]);
    assert!(hub.is_empty(), "the hub reaches out: {hub:#?}");
    // The engine sees the shared cache through a trait it owns (`SharedRedis`), which the hub
    // implements.
    let engine = reaching("src/engine", &["crate::hub"]);
    assert!(
        engine.is_empty(),
        "the engine reaches into the hub: {engine:#?}"
    );
    // The checker runs clients on copies of the stores; the learner's Python is one kind of
    // client, plugged in from above.
    let checker = reaching(
        "src/checker",
        &["crate::ui", "crate::hub", "crate::python", "crate::lesson"],
    );
    assert!(checker.is_empty(), "the checker reaches out: {checker:#?}");
}

#[test]
fn the_path_check_sees_crate_and_super_paths_but_not_comments() {
    assert_eq!(
        crate_paths("use crate::lesson::Effect; // crate::ui"),
        ["crate::lesson::Effect"]
    );
    assert_eq!(
        crate_paths("use super::lab::Faults;"),
        ["super::lab::Faults"]
    );
    assert!(crate_paths("my_crate::x").is_empty());
}

#[test]
fn the_check_sees_uses_paths_and_extern_crates_but_not_comments() {
    assert_eq!(web_crates_used("use yew::prelude::*;"), ["yew"]);
    assert_eq!(web_crates_used("let w = web_sys::window();"), ["web_sys"]);
    assert_eq!(web_crates_used("extern crate js_sys;"), ["js_sys"]);
    assert_eq!(
        web_crates_used("f(wasm_bindgen::JsValue::NULL)"),
        ["wasm_bindgen"]
    );
    assert!(web_crates_used("// yew::Renderer is used in main.rs").is_empty());
    assert!(web_crates_used("let my_yew::x = 1;").is_empty());
}
