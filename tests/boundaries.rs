//! The pure core stays pure: the emulator, the engine and the catalog import no web crate, so
//! their logic builds and is tested on the host (see the Layout section of `src/lib.rs`).
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
const PURE: [&str; 5] = [
    "src/emulator",
    "src/engine",
    "src/catalog.rs",
    "src/playback.rs",
    "src/viewport.rs",
];

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
