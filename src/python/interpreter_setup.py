# Run once per interpreter, before the first run's prelude (src/python/stdlib.rs): the standard
# library's finder, the clocks, and what the browser cannot offer. Its globals live as long as
# the interpreter (a run's are emptied when it ends), so what modules keep from here (threading's
# `from time import monotonic`) keeps working; what belongs to a run is found through `sys`
# (`sys._lab_clock`, `sys._lab_sleep`, `sys._lab_importing`, set by each run's prelude).
# The host functions it calls (`_lab_stdlib_*`) are Rust: src/python/stdlib.rs.
import sys as _sys
import _frozen_importlib as _bootstrap
import _thread
import _codecs
import builtins as _builtins
import time as _time


def _why(what, reason):
    return f"{what} is not available: the lab runs your Python in the browser, with {reason}"


# Files, sockets and processes: importing or calling one says why, instead of "no module".
def _no_open(file, *args, **kwargs):
    raise OSError(_why(f"open({file!r})", "no files"))


_builtins.open = _no_open

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


# Clocks. In the browser RustPython's monotonic, perf_counter and *_ns reads end the interpreter
# (the standard library's clock is unsupported on wasm32-unknown-unknown): they are made from
# time.time() (the browser's Date, to the millisecond), kept from going back. Then every clock
# reads the lab's time: a sleep passes at once and moves the program's clock on; under the
# challenges' checker the clock is pinned (a fixed start plus the sleeps), so that a client run
# again reads the same times.
def _monotonic(now=_time.time, last=[0.0]):
    def clock():
        last[0] = max(last[0], now())
        return last[0]

    return clock


_time._lab_real = (_time.time, _monotonic(), _monotonic())
_PINNED_EPOCH = 1_700_000_000.0


def _run_clock():
    clock = getattr(_sys, "_lab_clock", None)
    return clock() if clock is not None else (0.0, False)


def _lab_time(real):
    def now():
        slept, pinned = _run_clock()
        return (_PINNED_EPOCH if pinned else real()) + slept

    return now


def _ns(clock):
    return lambda: int(clock() * 1_000_000_000)


def _sleep(seconds):
    _sys._lab_sleep(float(seconds))


_time.time = _lab_time(_time._lab_real[0])
_time.monotonic = _lab_time(_time._lab_real[1])
_time.perf_counter = _lab_time(_time._lab_real[2])
_time.time_ns = _ns(_time.time)
_time.monotonic_ns = _ns(_time.monotonic)
_time.perf_counter_ns = _ns(_time.perf_counter)
_time.process_time = _time.thread_time = _time.perf_counter
_time.process_time_ns = _time.thread_time_ns = _time.perf_counter_ns
_time.sleep = _sleep

# Nor zone names (CPython reads them from the system): the browser's offset, named as CPython
# names a zone it knows only by its offset.
if not hasattr(_time, "tzname"):
    _offset = getattr(_time.localtime(), "tm_gmtoff", 0) or 0
    _sign = "+" if _offset >= 0 else "-"
    _hours, _minutes = divmod(abs(_offset) // 60, 60)
    _name = "UTC" if _offset == 0 else f"UTC{_sign}{_hours:02}{_minutes:02}"
    _time.tzname = (_name, _name)
    _time.timezone = _time.altzone = -_offset
    _time.daylight = 0


# After a module is made: threads refuse to start; random starts from one seed under the
# checker; linecache reads the learner's program (there is no file) and embedded modules.
def _after_threading(module):
    module.Thread.start = lambda self: _no_threads()


def _after_random(module):
    if getattr(_sys, "_lab_pinned", False):
        module.seed(0)


def _after_linecache(module):
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
        found = _lab_stdlib_find(name)
        if found is None:
            return None
        package, origin = found
        return _bootstrap.spec_from_loader(name, cls, origin=origin, is_package=package)

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
            # As CPython says of a module it cannot find (an ImportError too).
            raise ModuleNotFoundError(_why(f"module {name!r}", _UNAVAILABLE[name]), name=name)
        # Where it comes from, as CPython's modules say (inspect and tracebacks read it; the
        # spec has no location, which would ask importlib for a .pyc path).
        module.__file__ = module.__spec__.origin
        # The run's clock stops while a module is compiled and made: that is the lab's cost
        # (a .pyc read in CPython), not the program's.
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


# Codecs by name (latin-1, utf-16, ...): CPython imports `encodings` at start; the lab on the
# first name it does not know, so that a run that needs none does not pay for it.
def _lazy_codecs(name):
    import encodings

    return encodings.search_function(name)


_codecs.register(_lazy_codecs)
