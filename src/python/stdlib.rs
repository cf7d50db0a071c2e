//! The standard library the learner's Python imports (issue #26, docs/python.md, "The standard
//! library"): RustPython's native modules (`rustpython-stdlib`: `math`, `_random`, `_json`,
//! `binascii`, the hashes, …) and the Python part of the modules listed in
//! `src/python/stdlib.txt`, embedded by `build.rs` from `rustpython-pylib`'s copy of CPython's
//! `Lib` (with the lab's own `os` from `src/python/lib/`).
//!
//! An import finds a listed module through a finder on `sys.meta_path`
//! (`interpreter_setup.py`); its source is compiled when it is first imported, and the module
//! stays in `sys.modules` for the next runs (one interpreter serves a thread's runs).

use rustpython_vm::compiler::{compile, CompileOpts, Mode};
use rustpython_vm::{Interpreter, PyObjectRef, PyResult, VirtualMachine};

include!(concat!(env!("OUT_DIR"), "/stdlib.rs"));

/// Python run once per interpreter: the finder on `sys.meta_path` (after the built-in and
/// frozen importers, so a native module of the same name wins, as in CPython), the clocks, and
/// what the browser cannot offer.
const SETUP: &str = include_str!("interpreter_setup.py");

/// The module called `name`, if the lab has it: whether it is a package, and its source.
pub fn module(name: &str) -> Option<(bool, &'static str)> {
    MODULES
        .binary_search_by(|(n, _, _)| n.cmp(&name))
        .ok()
        .map(|i| (MODULES[i].1, MODULES[i].2))
}

/// Every module the lab embeds, by name.
pub fn names() -> impl Iterator<Item = &'static str> {
    MODULES.iter().map(|(name, _, _)| *name)
}

/// Where a module says it comes from (`__file__`, tracebacks): the path CPython's own would have
/// under `/lib/python3`.
fn origin(name: &str, package: bool) -> String {
    let path = name.replace('.', "/");
    if package {
        format!("/lib/python3/{path}/__init__.py")
    } else {
        format!("/lib/python3/{path}.py")
    }
}

/// A new interpreter with the standard library's native modules ([`ensure`] adds the finder of
/// the embedded ones).
pub fn interpreter() -> Interpreter {
    let builder = Interpreter::builder(Default::default());
    let defs = rustpython_stdlib::stdlib_module_defs(&builder.ctx);
    builder.add_native_modules(&defs).build()
}

/// Puts the finder of the embedded modules on `sys.meta_path`, once per interpreter.
pub fn ensure(vm: &VirtualMachine) -> PyResult<()> {
    if vm.sys_module.get_attr("_lab_stdlib", vm).is_ok() {
        return Ok(());
    }
    install(vm)?;
    vm.sys_module
        .set_attr("_lab_stdlib", vm.ctx.new_bool(true), vm)
}

fn install(vm: &VirtualMachine) -> PyResult<()> {
    let scope = vm.new_scope_with_builtins();
    let set = |name: &str, f: PyObjectRef| scope.globals.set_item(name, f, vm);
    set(
        "_lab_stdlib_find",
        vm.new_function(
            "_lab_stdlib_find",
            |name: String| -> Option<(bool, String)> {
                module(&name).map(|(package, _)| (package, origin(&name, package)))
            },
        )
        .into(),
    )?;
    set(
        "_lab_stdlib_source",
        vm.new_function(
            "_lab_stdlib_source",
            |name: String| -> Option<&'static str> { module(&name).map(|(_, source)| source) },
        )
        .into(),
    )?;
    set(
        "_lab_stdlib_code",
        vm.new_function(
            "_lab_stdlib_code",
            |name: String, vm: &VirtualMachine| -> PyResult {
                let code = code_of(&name, vm)?;
                Ok(vm.ctx.new_code(code).into())
            },
        )
        .into(),
    )?;
    let code = vm
        .compile(SETUP, Mode::Exec, "<lab setup>".to_owned())
        .map_err(|e| vm.new_syntax_error(&e, Some(SETUP)))?;
    vm.run_code_obj(code, scope)?;
    Ok(())
}

/// Lets `linecache` (and so `traceback`) show the lines of `source`, run as `file`.
pub fn remember_source(vm: &VirtualMachine, file: &str, source: &str) {
    let sources = vm.ctx.new_dict();
    let _ = sources.set_item(file, vm.ctx.new_str(source).into(), vm);
    let _ = vm.sys_module.set_attr("_lab_sources", sources, vm);
}

/// The bytecode of the embedded module `name`, compiled at its import (once: the interpreter is
/// the thread's, and keeps the module in `sys.modules`).
fn code_of(name: &str, vm: &VirtualMachine) -> PyResult<rustpython_vm::bytecode::CodeObject> {
    let Some((package, source)) = module(name) else {
        return Err(vm.new_import_error(format!("No module named '{name}'"), vm.ctx.new_str(name)));
    };
    compile(
        source,
        Mode::Exec,
        &origin(name, package),
        CompileOpts::default(),
    )
    .map_err(|e| vm.new_syntax_error(&e, Some(source)))
}
