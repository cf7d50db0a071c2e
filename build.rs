//! With the `interpreter` feature: embeds the Python part of the standard library's modules
//! listed in `src/python/stdlib.txt`, from `rustpython-pylib`'s copy of CPython's `Lib`, as
//! `$OUT_DIR/stdlib.rs` (`MODULES`: name, whether it is a package, its source). The lab's own
//! modules under `src/python/lib/` (such as `os`) come first and take the name.
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    // Without the interpreter (the page's own builds) there is nothing to embed.
    #[cfg(feature = "interpreter")]
    embed(Path::new(rustpython_pylib::LIB_PATH));
}

#[cfg_attr(not(feature = "interpreter"), allow(dead_code))]
fn embed(lib: &Path) {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let list = manifest.join("src/python/stdlib.txt");
    let own = manifest.join("src/python/lib");
    println!("cargo:rerun-if-changed={}", list.display());
    println!("cargo:rerun-if-changed={}", own.display());
    let text = std::fs::read_to_string(&list).expect("src/python/stdlib.txt");
    let mut modules: Vec<(String, bool, PathBuf)> = Vec::new();
    for line in text.lines() {
        let name = line.split('#').next().unwrap_or("").trim();
        if name.is_empty() {
            continue;
        }
        let found = [&own, lib].into_iter().find_map(|root| find(root, name));
        let Some((package, path)) = found else {
            panic!(
                "src/python/stdlib.txt: no module {name} in {} or {}",
                own.display(),
                lib.display()
            );
        };
        println!("cargo:rerun-if-changed={}", path.display());
        modules.push((name.to_owned(), package, path));
    }
    modules.sort_by(|a, b| a.0.cmp(&b.0));
    modules.dedup_by(|a, b| a.0 == b.0);
    let mut out = String::from("/// The standard library's Python modules the lab has (build.rs): sorted by name.\npub static MODULES: &[(&str, bool, &str)] = &[\n");
    for (name, package, path) in &modules {
        let _ = writeln!(
            out,
            "    ({name:?}, {package}, include_str!({:?})),",
            path.display().to_string()
        );
    }
    out.push_str("];\n");
    let dest = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets it")).join("stdlib.rs");
    std::fs::write(dest, out).expect("write stdlib.rs");
}

#[cfg_attr(not(feature = "interpreter"), allow(dead_code))]
/// `a.b` as `root/a/b.py` (a module) or `root/a/b/__init__.py` (a package).
fn find(root: &Path, name: &str) -> Option<(bool, PathBuf)> {
    let base = name
        .split('.')
        .fold(root.to_path_buf(), |p, part| p.join(part));
    let package = base.join("__init__.py");
    if package.is_file() {
        return Some((true, package));
    }
    let module = base.with_extension("py");
    module.is_file().then_some((false, module))
}
