//! The learner's standard library, checked against CPython (issue #26): each program in
//! `tests/stdlib/` prints what CPython printed for it (`<name>.out`, recorded by
//! `scripts/record-stdlib.sh` with Debian's `python3`), when the lab's Python runs it on the host.
#![cfg(not(target_arch = "wasm32"))]

#[path = "support/big_stack.rs"]
mod big_stack;

use big_stack::on_big_stack;
use write_through_lab::python::{run, Ending, Limits, Stores};

/// The lesson's seed stores (`product1: 100`, …).
fn seed() -> Stores {
    Stores::seeded(1)
}

/// What the lab's Python prints for `source`, with how it ended. On a thread with a stack of its
/// own: an import nests modules, and unoptimised RustPython frames need more than a test
/// thread's 2 MiB.
fn lab_output(source: &str) -> (String, Ending) {
    let source = source.to_owned();
    on_big_stack(move || {
        let (rec, _) = run(&source, None, seed(), Limits::default(), Box::new(|| 0.0));
        (rec.output(), rec.ending)
    })
}

/// The corpus: every `tests/stdlib/*.py` with its recorded `.out`.
fn corpus() -> Vec<(String, String, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/stdlib");
    let mut programs: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/stdlib")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "py"))
        .collect();
    programs.sort();
    programs
        .into_iter()
        .map(|p| {
            let name = p.file_stem().unwrap().to_string_lossy().into_owned();
            let source = std::fs::read_to_string(&p).unwrap();
            let out = std::fs::read_to_string(p.with_extension("out"))
                .unwrap_or_else(|_| panic!("{name}.out: run scripts/record-stdlib.sh"));
            (name, source, out)
        })
        .collect()
}

#[test]
fn every_program_of_the_corpus_prints_what_cpython_printed() {
    let corpus = corpus();
    assert!(
        corpus.len() >= 13,
        "the corpus has {} programs",
        corpus.len()
    );
    // Two runners (the machines have two cores), each taking the next program.
    let next = std::sync::atomic::AtomicUsize::new(0);
    let failed = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some((name, source, expected)) = corpus.get(i) else {
                    break;
                };
                let (out, ending) = lab_output(source);
                if ending != Ending::Finished || &out != expected {
                    failed.lock().unwrap().push(format!(
                        "--- {name}: {ending:?}\n{}",
                        first_difference(expected, &out)
                    ));
                }
            });
        }
    });
    let failed = failed.into_inner().unwrap();
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

/// The first line where `got` differs from `expected`, both shown.
fn first_difference(expected: &str, got: &str) -> String {
    let (e, g): (Vec<_>, Vec<_>) = (expected.lines().collect(), got.lines().collect());
    for i in 0..e.len().max(g.len()) {
        let (a, b) = (e.get(i), g.get(i));
        if a != b {
            return format!("line {}:\n  CPython: {a:?}\n  lab:     {b:?}", i + 1);
        }
    }
    "(the same lines; the ends differ)".to_owned()
}

/// What the lab cannot offer says why, instead of a missing module or a trap: the network,
/// processes and files; a thread's start (the race panel and the challenges race the learner's
/// function instead). A lock, `threading.local` and the current thread work.
#[test]
fn what_the_lab_cannot_offer_says_why() {
    let source = r#"import threading
lock = threading.Lock()
with lock:
    print(lock.locked(), threading.current_thread().name)
local = threading.local()
local.price = 150
print(local.price)
try:
    threading.Thread(target=print, args=("ran",)).start()
except RuntimeError as e:
    print("RuntimeError:", e)
for name in ("socket", "subprocess", "asyncio", "urllib.request"):
    try:
        __import__(name)
    except ImportError as e:
        print("ImportError:", e)
import os
for call in (lambda: os.system("ls"), lambda: os.listdir("."), lambda: open("prices.txt", "w")):
    try:
        call()
    except OSError as e:
        print("OSError:", e)
"#;
    let (out, ending) = lab_output(source);
    assert_eq!(ending, Ending::Finished, "{out}");
    let why = "the lab runs your Python in the browser, with";
    let expected = format!(
        "True MainThread\n150\nRuntimeError: threads do not run in the lab: your program runs in one thread in the browser. To see two writers race, use the race panel (Your update_price) or the challenge Two writers, where the lab runs them interleaved at every store call.\n\
ImportError: module 'socket' is not available: {why} no network\n\
ImportError: module 'subprocess' is not available: {why} no processes\n\
ImportError: module 'asyncio' is not available: {why} no network for its event loop\n\
ImportError: module 'urllib.request' is not available: {why} no network\n\
OSError: os.system is not available: {why} no files, processes or network\n\
OSError: os.listdir is not available: {why} no files, processes or network\n\
OSError: open('prices.txt') is not available: {why} no files\n"
    );
    assert_eq!(out, expected);
}

/// A traceback through the standard library names the learner's line and the library's, with
/// their text, as CPython's does (linecache reads the program the lab runs and the embedded
/// sources).
#[test]
fn a_traceback_through_the_library_shows_both_lines() {
    let source = "import json\n\ndef load(text):\n    return json.loads(text)\n\ntry:\n    load('{')\nexcept ValueError as e:\n    import traceback\n    for frame in traceback.extract_tb(e.__traceback__):\n        print(frame.filename.split('/')[-1], frame.name, frame.line)\n";
    let (out, ending) = lab_output(source);
    assert_eq!(ending, Ending::Finished, "{out}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "update_price.py <module> load('{')");
    assert_eq!(lines[1], "update_price.py load return json.loads(text)");
    assert!(
        lines[2].starts_with("__init__.py loads return _default_decoder.decode(s)"),
        "{out}"
    );
}

/// Every module the lab embeds imports (a module of `src/python/stdlib.txt` that cannot is a
/// list that promises too much), and so do the native ones a learner names.
#[test]
fn every_module_the_lab_has_imports() {
    let mut names: Vec<&str> = write_through_lab::python::stdlib::names().collect();
    names.extend([
        "math",
        "itertools",
        "time",
        "_json",
        "_random",
        "binascii",
        "zlib",
        "unicodedata",
        "array",
        "struct",
    ]);
    let source = format!(
        "import sys\nfailed = []\nfor name in {names:?}:\n    try:\n        __import__(name)\n    except BaseException as e:\n        failed.append(f'{{name}}: {{type(e).__name__}}: {{e}}')\nprint(len(sys.modules) > {}, failed)\n",
        names.len()
    );
    let (out, ending) = lab_output(&source);
    assert_eq!(ending, Ending::Finished, "{out}");
    assert_eq!(out, "True []\n", "{} modules", names.len());
}

/// One interpreter serves a thread's runs, so a module is imported once; but what a program
/// sets in a module's state is its own run's, as in a fresh CPython: the decimal context and
/// the environment start again. A module imported in one run (threading keeps time's
/// functions) still works in the next, after that run's globals are gone.
#[test]
fn runs_share_imports_but_not_what_a_program_set() {
    on_big_stack(|| {
        let lab = |source: &str| {
            let (rec, _) = run(source, None, seed(), Limits::default(), Box::new(|| 0.0));
            assert_eq!(rec.ending, Ending::Finished, "{source}\n{:?}", rec);
            rec.output()
        };
        let first = "import decimal, os, queue, sys\ndecimal.getcontext().prec = 3\nos.environ['PRICE'] = '1'\nprint(decimal.Decimal(1) / 7, 'queue' in sys.modules)\n";
        assert_eq!(lab(first), "0.143 True\n");
        let second = "import sys\nprint('queue' in sys.modules)\nimport decimal, os, queue, time\nprint(decimal.Decimal(1) / 7, os.environ.get('PRICE'))\nq = queue.Queue()\ntry:\n    q.get(timeout=0.01)\nexcept queue.Empty:\n    print('empty after', time.monotonic() > 0)\n";
        assert_eq!(
            lab(second),
            "True\n0.1428571428571428571428571429 None\nempty after True\n"
        );
    });
}

/// A module the lab does not offer fails as a missing module does in CPython
/// (`ModuleNotFoundError`, which `except ImportError` catches too), and the traceback shows the
/// learner's lines only: the lab's own import machinery is left out, as CPython leaves out
/// importlib's.
#[test]
fn an_unavailable_module_is_not_found_and_the_traceback_is_the_learners() {
    on_big_stack(|| {
        let source = "def connect():\n    import socket\n\nconnect()\n";
        let (rec, _) = run(source, None, seed(), Limits::default(), Box::new(|| 0.0));
        let Ending::Raised {
            kind,
            line,
            traceback,
        } = &rec.ending
        else {
            panic!("{:?}", rec.ending);
        };
        assert_eq!((kind.as_str(), *line), ("ModuleNotFoundError", 2));
        assert!(!traceback.contains("<lab setup>"), "{traceback}");
        assert!(
            traceback.ends_with("ModuleNotFoundError: module 'socket' is not available: the lab runs your Python in the browser, with no network\n"),
            "{traceback}"
        );
        assert_eq!(
            traceback.matches("File \"").count(),
            2,
            "the learner's two lines: {traceback}"
        );
    });
}
