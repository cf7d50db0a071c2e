//! The standard library the learner's Python imports (issue #26, docs/python.md, "The standard
//! library"): RustPython's native modules (`rustpython-stdlib`: `math`, `_random`, `_json`,
//! `binascii`, the hashes, …) and the Python part of the modules listed in
//! `src/python/stdlib.txt`, embedded by `build.rs` from `rustpython-pylib`'s copy of CPython's
//! `Lib` (with the lab's own `os` from `src/python/lib/`).
//!
//! An import finds a listed module through a finder on `sys.meta_path`; its source is compiled
//! on first import and the bytecode kept for the page's life, so the next run (a new
//! interpreter) only loads it.

use std::cell::RefCell;
use std::collections::HashMap;

use rustpython_vm::compiler::{compile, CompileOpts, Mode};
use rustpython_vm::{Interpreter, PyObjectRef, PyResult, VirtualMachine};

include!(concat!(env!("OUT_DIR"), "/stdlib.rs"));

thread_local! {
    /// Each module's bytecode, compiled once (an interpreter's code objects are its own; the
    /// bytecode is not).
    static COMPILED: RefCell<HashMap<&'static str, rustpython_vm::bytecode::CodeObject>> =
        RefCell::new(HashMap::new());
}

/// The Python source that puts the finder on `sys.meta_path`, after the built-in and frozen
/// importers (a native module of the same name wins, as in CPython).
const FINDER: &str = r#"
import sys as _sys
import _frozen_importlib as _bootstrap
import _thread

import builtins as _builtins


def _why(what, reason):
    return f"{what} is not available: the lab runs your Python in the browser, with {reason}"


def _no_open(file, *args, **kwargs):
    raise OSError(_why(f"open({file!r})", "no files"))


_builtins.open = _no_open

# Modules that would reach the machine: importing one says why, instead of "no module".
_UNAVAILABLE = {
    "socket": "no network", "ssl": "no network", "select": "no network",
    "selectors": "no network", "asyncio": "no network for its event loop",
    "http.client": "no network", "urllib.request": "no network", "smtplib": "no network",
    "ftplib": "no network", "webbrowser": "no browser of its own",
    "subprocess": "no processes", "multiprocessing": "no processes", "signal": "no processes",
    "shutil": "no files", "tempfile": "no files", "sqlite3": "no files", "mmap": "no files",
    "ctypes": "no machine code", "tkinter": "no windows",
}

_THREADS = (
    "threads do not run in the lab: your program runs in one thread in the browser. To see two "
    "writers race, use the race panel (Your update_price) or the challenge Two writers, where "
    "the lab runs them interleaved at every store call."
)


def _no_threads(*args, **kwargs):
    raise RuntimeError(_THREADS)


_thread.start_new_thread = _no_threads
_thread.start_new = _no_threads
if hasattr(_thread, "start_joinable_thread"):
    _thread.start_joinable_thread = _no_threads


def _after_threading(module):
    module.Thread.start = lambda self: _no_threads()


def _after_random(module):
    # Under the challenges' checker a run must replay exactly: random starts from one seed.
    if getattr(_sys, "_lab_pinned", False):
        module.seed(0)


def _after_linecache(module):
    # A traceback shows the learner's line: linecache reads it from the program the lab runs
    # (there is no file), and an embedded module's from its loader.
    real = module.getlines

    def getlines(filename, module_globals=None):
        source = getattr(_sys, "_lab_sources", {}).get(filename)
        if source is not None:
            return source.splitlines(True)
        return real(filename, module_globals)

    module.getlines = getlines


_AFTER = {
    "threading": _after_threading,
    "random": _after_random,
    "linecache": _after_linecache,
}


class _LabStdlib:
    """The standard library's Python modules, as the lab embeds them."""

    @classmethod
    def find_spec(cls, name, path=None, target=None):
        if name in _UNAVAILABLE:
            return _bootstrap.spec_from_loader(name, cls, origin="unavailable")
        package = _lab_stdlib_find(name)
        if package is None:
            return None
        return _bootstrap.spec_from_loader(
            name, cls, origin=_lab_stdlib_origin(name), is_package=package
        )

    @staticmethod
    def create_module(spec):
        return None

    @staticmethod
    def get_source(name):
        return _lab_stdlib_source(name)

    @staticmethod
    def exec_module(module):
        name = module.__spec__.name
        if name in _UNAVAILABLE:
            raise ImportError(_why(f"module {name!r}", _UNAVAILABLE[name]), name=name)
        # The run's clock stops while a module is compiled and made (see _lab_importing).
        clock = getattr(_sys, "_lab_importing", None)
        if clock is not None:
            clock(True)
        try:
            exec(_lab_stdlib_code(name), module.__dict__)
        finally:
            if clock is not None:
                clock(False)
        after = _AFTER.get(name)
        if after is not None:
            after(module)


_sys.meta_path.append(_LabStdlib)

# In the browser RustPython's time module has no zone names (CPython reads them from the
# system): the browser's offset, named as CPython names a zone it knows only by its offset.
import time as _time

# Nor a monotonic clock: there RustPython's monotonic, perf_counter and the *_ns reads end the
# interpreter (the standard library's clock is unsupported on wasm32-unknown-unknown). All are
# made from time.time() (the browser's Date, to the millisecond), kept from going back.
def _monotonic_clock(now=_time.time, last=[0.0]):
    def clock():
        last[0] = max(last[0], now())
        return last[0]

    return clock


_time.monotonic = _time.perf_counter = _monotonic_clock()
_time.monotonic_ns = lambda: int(_time.monotonic() * 1_000_000_000)
_time.perf_counter_ns = lambda: int(_time.perf_counter() * 1_000_000_000)
_time.time_ns = lambda: int(_time.time() * 1_000_000_000)
try:
    _time.process_time()
except Exception:
    _time.process_time = _time.thread_time = _monotonic_clock()
    _time.process_time_ns = _time.thread_time_ns = lambda: int(_time.process_time() * 1_000_000_000)

if not hasattr(_time, "tzname"):
    _offset = getattr(_time.localtime(), "tm_gmtoff", 0) or 0
    _sign = "+" if _offset >= 0 else "-"
    _hours, _minutes = divmod(abs(_offset) // 60, 60)
    _name = "UTC" if _offset == 0 else f"UTC{_sign}{_hours:02}{_minutes:02}"
    _time.tzname = (_name, _name)
    _time.timezone = _time.altzone = -_offset
    _time.daylight = 0
# Codecs by name (latin-1, utf-16, ...): CPython imports `encodings` at start; the lab on the
# first name it does not know, so that a run that needs none does not pay for it.
import _codecs


def _lazy_codecs(name):
    import encodings

    return encodings.search_function(name)


_codecs.register(_lazy_codecs)
"#;

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
        vm.new_function("_lab_stdlib_find", |name: String| -> Option<bool> {
            module(&name).map(|(package, _)| package)
        })
        .into(),
    )?;
    set(
        "_lab_stdlib_origin",
        vm.new_function("_lab_stdlib_origin", |name: String| -> Option<String> {
            module(&name).map(|(package, _)| origin(&name, package))
        })
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
        .compile(FINDER, Mode::Exec, "<lab stdlib>".to_owned())
        .map_err(|e| vm.new_syntax_error(&e, Some(FINDER)))?;
    vm.run_code_obj(code, scope)?;
    Ok(())
}

/// Lets `linecache` (and so `traceback`) show the lines of `source`, run as `file`.
pub fn remember_source(vm: &VirtualMachine, file: &str, source: &str) {
    let sources = vm.ctx.new_dict();
    let _ = sources.set_item(file, vm.ctx.new_str(source).into(), vm);
    let _ = vm.sys_module.set_attr("_lab_sources", sources, vm);
}

/// The bytecode of the embedded module `name`, compiled on its first import.
fn code_of(name: &str, vm: &VirtualMachine) -> PyResult<rustpython_vm::bytecode::CodeObject> {
    let Some(&(key, package, source)) = MODULES
        .binary_search_by(|(n, _, _)| n.cmp(&name))
        .ok()
        .map(|i| &MODULES[i])
    else {
        return Err(vm.new_import_error(format!("No module named '{name}'"), vm.ctx.new_str(name)));
    };
    if let Some(code) = COMPILED.with(|c| c.borrow().get(key).cloned()) {
        return Ok(code);
    }
    let path = origin(name, package);
    let code = compile(source, Mode::Exec, &path, CompileOpts::default())
        .map_err(|e| vm.new_syntax_error(&e, Some(source)))?;
    COMPILED.with(|c| c.borrow_mut().insert(key, code.clone()));
    Ok(code)
}
