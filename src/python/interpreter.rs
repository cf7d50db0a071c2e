//! The interpreter itself: RustPython with the prelude installed, a trace function counting
//! the learner's lines, and the host functions that reach the copies of the stores. Only builds
//! with the `interpreter` feature have it (the interpreter's worker and the host tests); the
//! page's own WebAssembly never compiles RustPython.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use rustpython_vm::builtins::{PyBytes, PyStr, PyTupleRef};
use rustpython_vm::function::FuncArgs;
use rustpython_vm::{AsObject, Interpreter, PyObjectRef, PyResult, VirtualMachine};

use super::{collapse_repeats, lines, Ending, Event, Limits, Recording, Stores, LEARNER_FILE};
use crate::checker::{Ended, Next, Op, Outcome};
use crate::emulator::{split_args, Emulator, Reply};

const PRELUDE: &str = include_str!("prelude.py");

struct Run {
    events: Vec<Event>,
    stores: Stores,
    /// A checker's client: once the call under check starts, its store calls are answered
    /// from here instead of the copies.
    replay: Option<Replay>,
    steps: usize,
    /// Instructions run on busy lines ([`lines::busy_lines`]).
    ticks: u32,
    /// The program's busy lines, and whether the tracer listens to instructions now.
    busy: Vec<u32>,
    opcodes_on: bool,
    stopped: Option<String>,
    limits: Limits,
    started_ms: f64,
    /// The time the program has slept (`time.sleep`), in milliseconds of the lab's time: a
    /// sleep passes at once and moves the program's clock on.
    slept_ms: f64,
    /// Imports of the standard library under way (nested), and when the outermost began: the
    /// time they take is the lab's (compiling a module is CPython's .pyc read), not the
    /// program's, so the run's clock is moved on by it.
    importing: u32,
    import_started_ms: f64,
    now_ms: Box<dyn Fn() -> f64>,
}

type Shared = Rc<RefCell<Run>>;

impl Run {
    /// A run starting now, shared with the host functions.
    fn shared(
        stores: Stores,
        replay: Option<Replay>,
        limits: Limits,
        now_ms: Box<dyn Fn() -> f64>,
    ) -> Shared {
        Rc::new(RefCell::new(Run {
            events: Vec::new(),
            stores,
            replay,
            steps: 0,
            ticks: 0,
            busy: Vec::new(),
            opcodes_on: false,
            stopped: None,
            limits,
            slept_ms: 0.0,
            started_ms: now_ms(),
            importing: 0,
            import_started_ms: 0.0,
            now_ms,
        }))
    }

    /// Stops the run (`stopped`) if it has gone past its limits: its steps, or its time.
    fn check_limits(&mut self) {
        if self.stopped.is_some() {
            return;
        }
        let elapsed = (self.now_ms)() - self.started_ms;
        if self.steps >= self.limits.max_steps {
            self.stopped = Some(format!(
                "Stopped after {} lines: a function under check may run at most {} (a loop that never ends?).",
                self.steps, self.limits.max_steps
            ));
        } else if elapsed > self.limits.max_ms {
            self.stopped = Some(format!(
                "Stopped after {:.0} ms: a run of the lab lasts at most {:.0} ms of Python, and your program was still running (a loop that never ends?). What it did until then is kept.",
                elapsed, self.limits.max_ms
            ));
        }
    }
}

/// The store calls of a checker's client ([`crate::checker::Process`]): the first ones are
/// answered with the outcomes the checker already decided; the next one is what the client asks
/// for, and the run stops there.
struct Replay {
    /// Set when the call under check starts (the program's own setup runs on the copies).
    live: bool,
    got: Vec<Outcome>,
    used: usize,
    /// The operation the client asks for next, and the learner's line that asks for it.
    asked: Option<(Op, u32)>,
}

/// A decided outcome that is not of the operation asked for: the client is not deterministic.
const MISMATCH: &str = "the program asked for another store operation than when it was run before (is it deterministic?)";

thread_local! {
    /// The interpreter programs and the checker's clients run in, made on first use and kept
    /// for the thread's life (never dropped: RustPython's own thread-locals may be gone by the
    /// time a thread-local's destructor would run). Each run has a scope of its own, with the
    /// prelude and the tracer installed again; the standard library's modules stay imported,
    /// as they would in one CPython process: an interpreter per run re-ran every import, and
    /// without a cycle collector each one's modules stayed in memory (in the browser the
    /// worker ran out of memory after about ten runs importing `json`).
    static INTERPRETER: std::cell::OnceCell<&'static Interpreter> =
        const { std::cell::OnceCell::new() };
}

/// The thread's interpreter ([`INTERPRETER`]).
fn interpreter() -> &'static Interpreter {
    INTERPRETER.with(|cell| *cell.get_or_init(|| Box::leak(Box::new(super::stdlib::interpreter()))))
}

thread_local! {
    /// Code compiled in the thread's interpreter ([`INTERPRETER`]), by its file name and text:
    /// the prelude once, and a checker's program once per check, not once per run of a client.
    static CLIENTS_CODE: std::cell::RefCell<
        std::collections::HashMap<(&'static str, String), rustpython_vm::PyRef<rustpython_vm::builtins::PyCode>>,
    > = std::cell::RefCell::new(std::collections::HashMap::new());
}

/// How many texts [`CLIENTS_CODE`] keeps before it starts again.
const CLIENTS_CODE_KEPT: usize = 16;

/// Runs `source` in `scope`; with `cached`, compiled once per text ([`CLIENTS_CODE`]: the
/// interpreter lives as long as the thread).
fn run_source(
    vm: &VirtualMachine,
    scope: rustpython_vm::scope::Scope,
    source: &str,
    file: &'static str,
    cached: bool,
) -> rustpython_vm::PyResult {
    if !cached {
        return vm.run_string(scope, source, file.to_owned());
    }
    let key = (file, source.to_owned());
    let code = match CLIENTS_CODE.with(|c| c.borrow().get(&key).cloned()) {
        Some(code) => code,
        None => {
            let code = vm
                .compile(source, rustpython_vm::compiler::Mode::Exec, file.to_owned())
                .map_err(|e| vm.new_syntax_error(&e, Some(source)))?;
            CLIENTS_CODE.with(|c| {
                let mut c = c.borrow_mut();
                if c.len() >= CLIENTS_CODE_KEPT {
                    c.clear();
                }
                c.insert(key, code.clone());
            });
            code
        }
    };
    vm.run_code_obj(code, scope)
}

/// Why a checker's client was stopped: it asked for its next operation.
const PAUSED: &str = "the checker's client asked for its next store operation";

/// A store call of a run: `None` to apply it to the copies; for a checker's client under check,
/// the outcome the checker decided, or, past those, an error that stops the run (the call is
/// what the client asks for next).
fn decided(run: &mut Run, op: Op, vm: &VirtualMachine) -> PyResult<Option<Outcome>> {
    let Some(replay) = run.replay.as_mut().filter(|r| r.live) else {
        return Ok(None);
    };
    // Once paused, the client's next operation is known: a call made while the run unwinds (a
    // `finally:` or a `with` block's exit) is not it, and gets the same error.
    if replay.asked.is_some() {
        return Err(vm.new_runtime_error(PAUSED.to_owned()));
    }
    if let Some(outcome) = replay.got.get(replay.used) {
        replay.used += 1;
        return Ok(Some(outcome.clone()));
    }
    // The store call comes from the learner's last line (the prelude's lines are not traced).
    let line = run
        .events
        .iter()
        .rev()
        .find_map(|e| match e {
            Event::Line(n) => Some(*n),
            _ => None,
        })
        .unwrap_or(0);
    if let Some(replay) = run.replay.as_mut() {
        replay.asked = Some((op, line));
    }
    run.stopped = Some(PAUSED.to_owned());
    Err(vm.new_runtime_error(PAUSED.to_owned()))
}

/// The learner's functions whose store calls the lab's fault switches strike: `update_price`,
/// and the challenges' `get_price`, `flush` and `recover`.
const FAULTED_FUNCTIONS: [&str; 4] = ["update_price", "get_price", "flush", "recover"];

/// Whether the store call being made comes from inside one of the learner's
/// [`FAULTED_FUNCTIONS`] (a frame of it, in the learner's file, is on the stack), rather than
/// from the program's own setup of the stores.
fn in_learners_function(vm: &VirtualMachine) -> bool {
    let mut frame = vm.current_frame();
    while let Some(f) = frame {
        if f.code.source_path.as_str() == LEARNER_FILE
            && FAULTED_FUNCTIONS.contains(&f.code.obj_name.as_str())
        {
            return true;
        }
        frame = f.f_back(vm);
    }
    false
}

/// A decided outcome of another kind than the operation asked for.
fn mismatch(vm: &VirtualMachine) -> rustpython_vm::builtins::PyBaseExceptionRef {
    vm.new_runtime_error(MISMATCH.to_owned())
}

fn text_of(obj: &PyObjectRef, vm: &VirtualMachine) -> String {
    match obj.downcast_ref::<PyStr>() {
        Some(s) => s.to_string_lossy().into_owned(),
        None => obj
            .str(vm)
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default(),
    }
}

/// A reply as the prelude takes it: `(True, value)`, or `(False, error text)`. An error inside
/// an array (one command's error in `EXEC`'s reply) is a 1-tuple `(error text,)`, which the
/// prelude turns into the `ResponseError` redis-py puts in its place.
fn reply_to_python(reply: &Reply, vm: &VirtualMachine) -> PyObjectRef {
    let (ok, value) = python_reply(reply, vm);
    vm.ctx.new_tuple(vec![ok, value]).into()
}

/// [`reply_to_python`]'s two parts: whether it succeeded, and its value.
fn python_reply(reply: &Reply, vm: &VirtualMachine) -> (PyObjectRef, PyObjectRef) {
    fn value(reply: &Reply, vm: &VirtualMachine) -> PyObjectRef {
        let text = |e: &[u8]| vm.ctx.new_str(String::from_utf8_lossy(e).into_owned());
        match reply {
            Reply::Status(s) => vm.ctx.new_str(*s).into(),
            Reply::Error(e) => text(e).into(),
            Reply::Integer(i) => vm.ctx.new_int(*i).into(),
            Reply::Bulk(b) => vm.ctx.new_bytes(b.clone()).into(),
            Reply::Nil | Reply::NilArray => vm.ctx.none(),
            Reply::Array(items) => vm
                .ctx
                .new_list(
                    items
                        .iter()
                        .map(|r| match r {
                            Reply::Error(e) => vm.ctx.new_tuple(vec![text(e).into()]).into(),
                            r => value(r, vm),
                        })
                        .collect(),
                )
                .into(),
        }
    }
    (vm.ctx.new_bool(!reply.is_error()).into(), value(reply, vm))
}

/// One Redis command of the learner's program: answered by the copies (or, for a checker's
/// client, by the checker) and recorded. The reply, to give back ([`reply_to_python`]).
fn redis_call(run: &Shared, argv: Vec<Vec<u8>>, vm: &VirtualMachine) -> PyResult<Reply> {
    let in_function = in_learners_function(vm);
    let reply = if argv.is_empty() {
        Reply::Error(b"ERR empty command".to_vec())
    } else {
        let mut run = run.borrow_mut();
        match decided(&mut run, Op::Redis(argv.clone()), vm)? {
            None => {
                // "The cache write fails" strikes the function's commands only.
                let full = run.stores.redis.is_out_of_memory();
                run.stores.redis.set_out_of_memory(full && in_function);
                let reply = run.stores.redis.run(&argv);
                run.stores.redis.set_out_of_memory(full);
                reply
            }
            Some(Outcome::Redis(reply)) => reply,
            Some(_) => return Err(mismatch(vm)),
        }
    };
    run.borrow_mut().events.push(Event::Redis {
        argv,
        reply: reply.clone(),
        in_function,
    });
    Ok(reply)
}

/// A command's arguments as redis-py 5 encodes them: bytes as they are, `str` as UTF-8, `int`
/// by `str()`, `float` by `repr()`; a `bool` or any other type raises redis-py's `DataError`
/// (the prelude's class, from `globals`). One `str` alone is a whole command line, split as
/// redis-cli splits it.
fn encode_args(
    args: &[PyObjectRef],
    globals: &rustpython_vm::builtins::PyDictRef,
    vm: &VirtualMachine,
) -> PyResult<Vec<Vec<u8>>> {
    use rustpython_vm::builtins::{PyFloat, PyInt};
    let data_error = |what: &str| -> rustpython_vm::builtins::PyBaseExceptionRef {
        let message = format!(
            "Invalid input of type: '{what}'. Convert to a bytes, string, int or float first."
        );
        match globals
            .get_item("DataError", vm)
            .and_then(|class| class.call((message.clone(),), vm))
            .map(|e| e.downcast::<rustpython_vm::builtins::PyBaseException>())
        {
            Ok(Ok(e)) => e,
            _ => vm.new_value_error(message),
        }
    };
    if let [line] = args {
        if let Some(text) = line.downcast_ref::<PyStr>() {
            return split_args(text.to_string_lossy().as_bytes())
                .map_err(|_| vm.new_value_error("Invalid argument(s)".to_owned()));
        }
    }
    args.iter()
        .map(|a| {
            if let Some(b) = a.downcast_ref::<PyBytes>() {
                Ok(b.as_bytes().to_vec())
            } else if let Some(s) = a.downcast_ref_if_exact::<PyStr>(vm) {
                Ok(s.to_string_lossy().into_owned().into_bytes())
            } else if a.class().is(vm.ctx.types.bool_type) {
                Err(data_error("bool"))
            } else if a.downcast_ref::<PyInt>().is_some() || a.downcast_ref::<PyStr>().is_some() {
                Ok(a.str(vm)?.to_string_lossy().into_owned().into_bytes())
            } else if a.downcast_ref::<PyFloat>().is_some() {
                Ok(a.repr(vm)?.to_string_lossy().into_owned().into_bytes())
            } else {
                Err(data_error(&a.class().name()))
            }
        })
        .collect()
}

fn install(vm: &VirtualMachine, scope: &rustpython_vm::scope::Scope, run: &Shared) -> PyResult<()> {
    let set = |name: &str, f: PyObjectRef| scope.globals.set_item(name, f, vm);
    let r = Rc::clone(run);
    set(
        "_lab_print",
        vm.new_function(
            "_lab_print",
            move |text: PyObjectRef, vm: &VirtualMachine| {
                // The text first: a learner's __str__ may print or import (the run is borrowed
                // again there).
                let text = text_of(&text, vm);
                r.borrow_mut().events.push(Event::Print(text));
            },
        )
        .into(),
    )?;
    let r = Rc::clone(run);
    set(
        "_lab_connect",
        vm.new_function(
            "_lab_connect",
            move |host: PyObjectRef, port: PyObjectRef, db: PyObjectRef, vm: &VirtualMachine| {
                let connect = Event::Connect {
                    host: text_of(&host, vm),
                    port: text_of(&port, vm),
                    db: text_of(&db, vm),
                };
                r.borrow_mut().events.push(connect);
            },
        )
        .into(),
    )?;
    let r = Rc::clone(run);
    set(
        "_lab_redis",
        vm.new_function(
            "_lab_redis",
            move |args: FuncArgs, vm: &VirtualMachine| -> PyResult<PyObjectRef> {
                let argv = args
                    .args
                    .iter()
                    .map(|a| match a.downcast_ref::<PyBytes>() {
                        Some(b) => b.as_bytes().to_vec(),
                        None => text_of(a, vm).into_bytes(),
                    })
                    .collect();
                let reply = redis_call(&r, argv, vm)?;
                Ok(reply_to_python(&reply, vm))
            },
        )
        .into(),
    )?;
    let (r, globals) = (Rc::clone(run), scope.globals.clone());
    set(
        "_lab_call",
        vm.new_function(
            "_lab_call",
            move |args: PyTupleRef, vm: &VirtualMachine| -> PyResult<PyObjectRef> {
                // redis-py's `execute_command(*args)` in one native call: the arguments encoded
                // as redis-py encodes them (a single string is split as redis-cli splits a
                // line, as the seed's course sends it), then run. Answers `(ok, reply, NAME)`.
                let argv = encode_args(args.as_slice(), &globals, vm)?;
                let name = argv
                    .first()
                    .map(|n| String::from_utf8_lossy(n).to_ascii_uppercase())
                    .unwrap_or_default();
                let reply = redis_call(&r, argv, vm)?;
                let (ok, value) = python_reply(&reply, vm);
                Ok(vm
                    .ctx
                    .new_tuple(vec![ok, value, vm.ctx.new_str(name).into()])
                    .into())
            },
        )
        .into(),
    )?;
    let globals = scope.globals.clone();
    set(
        "_lab_argv",
        vm.new_function(
            "_lab_argv",
            move |args: PyTupleRef, vm: &VirtualMachine| -> PyResult<PyObjectRef> {
                let argv = encode_args(args.as_slice(), &globals, vm)?;
                Ok(vm
                    .ctx
                    .new_list(
                        argv.into_iter()
                            .map(|a| vm.ctx.new_bytes(a).into())
                            .collect(),
                    )
                    .into())
            },
        )
        .into(),
    )?;
    let r = Rc::clone(run);
    set(
        "_lab_db_set",
        vm.new_function(
            "_lab_db_set",
            move |key: PyObjectRef,
                  value: PyObjectRef,
                  vm: &VirtualMachine|
                  -> PyResult<Option<String>> {
                let (key, value) = (text_of(&key, vm), text_of(&value, vm));
                let in_function = in_learners_function(vm);
                let mut run = r.borrow_mut();
                let op = Op::DbSet {
                    key: key.clone(),
                    value: value.clone(),
                };
                let refused = match decided(&mut run, op, vm)? {
                    None if run.stores.database_fails && in_function => Some(format!(
                        "the database refused the write of {key} (fault: database write fails)"
                    )),
                    None => {
                        run.stores.rows.insert(key.clone(), value.clone());
                        None
                    }
                    Some(Outcome::Written(result)) => result.err(),
                    Some(_) => return Err(mismatch(vm)),
                };
                run.events.push(Event::DatabaseWrite {
                    key,
                    value,
                    ok: refused.is_none(),
                    in_function,
                });
                // The prelude raises `DatabaseError` with this text.
                Ok(refused)
            },
        )
        .into(),
    )?;
    let r = Rc::clone(run);
    set(
        "_lab_db_del",
        vm.new_function(
            "_lab_db_del",
            move |key: PyObjectRef, vm: &VirtualMachine| -> PyResult<Option<String>> {
                let key = text_of(&key, vm);
                let in_function = in_learners_function(vm);
                let mut run = r.borrow_mut();
                let refused = match decided(&mut run, Op::DbDel(key.clone()), vm)? {
                    None => {
                        run.stores.rows.remove(&key);
                        None
                    }
                    Some(Outcome::Written(result)) => result.err(),
                    Some(_) => return Err(mismatch(vm)),
                };
                run.events.push(Event::DatabaseDelete { key, in_function });
                Ok(refused)
            },
        )
        .into(),
    )?;
    let r = Rc::clone(run);
    set(
        "_lab_db_get",
        vm.new_function(
            "_lab_db_get",
            move |key: PyObjectRef, vm: &VirtualMachine| -> PyResult<PyObjectRef> {
                let key = text_of(&key, vm);
                let mut run = r.borrow_mut();
                let row = match decided(&mut run, Op::DbGet(key.clone()), vm)? {
                    None => run.stores.rows.get(&key).cloned(),
                    Some(Outcome::Row(row)) => row,
                    Some(_) => return Err(mismatch(vm)),
                };
                Ok(row.map_or_else(|| vm.ctx.none(), |v| vm.ctx.new_str(v).into()))
            },
        )
        .into(),
    )?;
    let r = Rc::clone(run);
    set(
        "_lab_sleep",
        vm.new_function("_lab_sleep", move |seconds: f64, vm: &VirtualMachine| -> PyResult<()> {
            if seconds.is_nan() || seconds < 0.0 {
                return Err(vm.new_value_error("sleep length must be non-negative".to_owned()));
            }
            let mut run = r.borrow_mut();
            let after = run.slept_ms + seconds * 1000.0;
            let elapsed = (run.now_ms)() - run.started_ms;
            if elapsed + after > run.limits.max_ms && run.stopped.is_none() {
                run.stopped = Some(format!(
                    "Stopped at time.sleep({seconds}): a run of the lab lasts at most {:.0} ms, and this sleep would take it past that (it had used {:.0} ms).",
                    run.limits.max_ms,
                    elapsed + run.slept_ms
                ));
            }
            if let Some(why) = run.stopped.clone() {
                return Err(vm.new_runtime_error(why));
            }
            run.slept_ms = after;
            Ok(())
        })
        .into(),
    )?;
    let r = Rc::clone(run);
    set(
        "_lab_clock",
        vm.new_function("_lab_clock", move || -> (f64, bool) {
            // The seconds slept, and whether the clock is pinned (a checker's client: its
            // time must be the same each time it is run again).
            let run = r.borrow();
            (run.slept_ms / 1000.0, run.replay.is_some())
        })
        .into(),
    )?;
    let r = Rc::clone(run);
    set(
        "_lab_check",
        vm.new_function(
            "_lab_check",
            move |product: PyObjectRef,
                  price: PyObjectRef,
                  vm: &VirtualMachine|
                  -> Option<String> {
                let (product, price) = (text_of(&product, vm), text_of(&price, vm));
                let known = r.borrow().stores.rows.contains_key(&product);
                crate::engine::check_update(&product, &price, known).err()
            },
        )
        .into(),
    )?;
    set(
        "_LAB_FLUSH_SIZE",
        vm.ctx.new_int(crate::engine::queue::FLUSH_SIZE).into(),
    )?;
    set("_LEARNER_FILE", vm.ctx.new_str(LEARNER_FILE).into())?;
    // The standard library's finder tells this run when an import starts and ends
    // ([`Run::importing`]); it is the interpreter's, so it finds the run through `sys`.
    let r = Rc::clone(run);
    let importing = vm.new_function("_lab_importing", move |starting: bool| {
        // (Never while the run is borrowed, but a panic here would end the page's Python.)
        let Ok(mut run) = r.try_borrow_mut() else {
            return;
        };
        let now = (run.now_ms)();
        if starting {
            if run.importing == 0 {
                run.import_started_ms = now;
            }
            run.importing += 1;
        } else if run.importing > 0 {
            run.importing -= 1;
            if run.importing == 0 {
                run.started_ms += now - run.import_started_ms;
            }
        }
    });
    vm.sys_module.set_attr("_lab_importing", importing, vm)?;
    Ok(())
}

/// The events with every line mapped to its statement ([`lines::Statements`]), and a run of
/// lines of one statement (with nothing between them) kept once.
fn by_statement(events: Vec<Event>, source: &str) -> Vec<Event> {
    let statements = lines::Statements::of(source);
    let mut out: Vec<Event> = Vec::with_capacity(events.len());
    for event in events {
        match event {
            Event::Line(n) => {
                let at = statements.statement_at(n);
                if out.last() != Some(&Event::Line(at)) {
                    out.push(Event::Line(at));
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// Runs `source` (the learner's program), then `call` if given (`update_price('product1', 150)`),
/// on `stores`, within `limits`; `now_ms` is the clock for the time limit. Returns what it did and
/// the stores afterwards.
pub fn run(
    source: &str,
    call: Option<&str>,
    stores: Stores,
    limits: Limits,
    now_ms: Box<dyn Fn() -> f64>,
) -> (Recording, Stores) {
    let shared = Run::shared(stores, None, limits, now_ms);
    let ending = interpreter().enter(|vm| run_in(vm, &shared, source, call));
    // The interpreter's objects may still hold the host functions (and so the run): take what
    // the run gathered out of it.
    let mut run = shared.borrow_mut();
    let stores = std::mem::replace(
        &mut run.stores,
        Stores {
            redis: Emulator::new(Box::new(|| 0), 0),
            rows: BTreeMap::new(),
            database_fails: false,
        },
    );
    let ending = match (&ending, &run.stopped) {
        (Ending::Finished, _) | (_, None) => ending,
        (_, Some(why)) => Ending::Stopped(why.clone()),
    };
    let events = by_statement(std::mem::take(&mut run.events), source);
    drop(run);
    (Recording { events, ending }, stores)
}

/// A scope with the host functions, the prelude and the `database` table made from the copies'
/// rows, with the line tracer on. `Err`: the lab could not start Python (as an ending).
fn prepare(vm: &VirtualMachine, shared: &Shared) -> Result<rustpython_vm::scope::Scope, Ending> {
    let scope = vm.new_scope_with_builtins();
    let prepared = super::stdlib::ensure(vm)
        .and_then(|()| install(vm, &scope, shared))
        .and_then(|()| {
            run_source(vm, scope.clone(), PRELUDE, "<lab prelude>", true)?;
            let rows = {
                let run = shared.borrow();
                run.stores
                    .rows
                    .iter()
                    .map(|(k, v)| {
                        vm.ctx
                            .new_tuple(vec![
                                vm.ctx.new_str(k.as_str()).into(),
                                vm.ctx.new_str(v.as_str()).into(),
                            ])
                            .into()
                    })
                    .collect::<Vec<PyObjectRef>>()
            };
            let table = scope
                .globals
                .get_item("_lab_table", vm)?
                .call((vm.ctx.new_list(rows),), vm)?;
            scope.globals.set_item("database", table, vm)?;
            let depth = shared.borrow().limits.max_depth;
            vm.import("sys", 0)?
                .get_attr("setrecursionlimit", vm)?
                .call((depth,), vm)?;
            // The learner's frames are traced natively ([`trace`]); the prelude's Python tracer
            // only keeps `update_price`'s variables when it returns.
            let tracer = scope.globals.get_item("_lab_trace", vm)?;
            let (traced, globals) = (Rc::clone(shared), scope.clone());
            let gate = vm.new_function(
                "_lab_trace_gate",
                move |frame: PyObjectRef,
                      event: PyObjectRef,
                      arg: PyObjectRef,
                      vm: &VirtualMachine|
                      -> PyResult {
                    trace(&traced, &globals, &tracer, (frame, event, arg), vm)
                },
            );
            vm.import("sys", 0)?
                .get_attr("settrace", vm)?
                .call((gate,), vm)?;
            Ok(())
        });
    if let Err(e) = prepared {
        let mut text = String::new();
        let _ = vm.write_exception(&mut text, &e);
        return Err(Ending::Raised {
            kind: "SystemError".to_owned(),
            line: 0,
            traceback: format!("The lab could not start Python: {text}"),
        });
    }
    Ok(scope)
}

/// Tells the tracer which lines of `source` are busy ([`lines::busy_lines`]).
fn mark_busy_lines(shared: &Shared, source: &str) {
    shared.borrow_mut().busy = lines::busy_lines(source);
}

/// The tracer of the learner's frames, as Python's `sys.settrace` calls it (RustPython calls the
/// global tracer for every event of every frame). Natively: the prelude's frames are turned
/// away, a line is recorded (and the limits checked, raising once they are passed), a busy
/// line's instructions tick the clock. Python is called only for what needs it: a `database`
/// dictionary the learner just made (adopted as the lab's table), and `update_price`'s return
/// (its variables kept for the lesson's checks).
fn trace(
    shared: &Shared,
    scope: &rustpython_vm::scope::Scope,
    tracer: &PyObjectRef,
    (frame, event, arg): (PyObjectRef, PyObjectRef, PyObjectRef),
    vm: &VirtualMachine,
) -> PyResult {
    let Some(f) = frame.downcast_ref::<rustpython_vm::frame::Frame>() else {
        return Ok(vm.ctx.none());
    };
    if f.code.source_path.as_str() != LEARNER_FILE {
        return Ok(vm.ctx.none());
    }
    let name = event.downcast_ref::<PyStr>();
    match name.and_then(|e| e.to_str()).unwrap_or_default() {
        // Any tracer makes the frame traced (its line events fire).
        "call" => Ok(tracer.clone()),
        "line" => {
            let adopt = scope
                .globals
                .get_item_opt("database", vm)?
                .is_some_and(|d| d.class().is(vm.ctx.types.dict_type));
            if adopt {
                scope
                    .globals
                    .get_item("_lab_adopt", vm)?
                    .call((scope.globals.clone(),), vm)?;
            }
            let line: u32 = frame.get_attr("f_lineno", vm)?.try_into_value(vm)?;
            let mut run = shared.borrow_mut();
            run.check_limits();
            if let Some(why) = run.stopped.clone() {
                // Raised again at every line until the program has unwound.
                return Err(vm.new_runtime_error(why));
            }
            run.steps += 1;
            run.events.push(Event::Line(line));
            // A busy line may loop for ever without a new line event: listen to its
            // instructions.
            let busy = run.busy.contains(&line);
            if busy || run.opcodes_on {
                run.opcodes_on = busy;
                drop(run);
                frame.set_attr("f_trace_opcodes", vm.ctx.new_bool(busy), vm)?;
            }
            Ok(vm.ctx.none())
        }
        "opcode" => {
            // The clock is read every 1,024 instructions (reading it costs more than most).
            let mut run = shared.borrow_mut();
            run.ticks = run.ticks.wrapping_add(1);
            if run.ticks.is_multiple_of(1024) {
                run.check_limits();
            }
            match run.stopped.clone() {
                Some(why) => Err(vm.new_runtime_error(why)),
                None => Ok(vm.ctx.none()),
            }
        }
        "return" if f.code.obj_name.as_str() == "update_price" => {
            tracer.call((frame, event.clone(), arg), vm)
        }
        _ => Ok(vm.ctx.none()),
    }
}

fn run_in(vm: &VirtualMachine, shared: &Shared, source: &str, call: Option<&str>) -> Ending {
    let scope = match prepare(vm, shared) {
        Ok(scope) => scope,
        Err(ending) => return ending,
    };
    mark_busy_lines(shared, source);
    super::stdlib::remember_source(vm, LEARNER_FILE, source);
    // The time limit is the learner's program's: starting the interpreter and the prelude do
    // not count (an engine that compiles WebAssembly lazily, WebKit's, spends most of a first
    // run there).
    {
        let mut run = shared.borrow_mut();
        run.started_ms = (run.now_ms)();
    }
    let mut result = vm.run_string(scope.clone(), source, LEARNER_FILE.to_owned());
    if result.is_ok() {
        // A `database = {...}` on the program's last line has had no next line to be adopted at.
        result = vm.run_string(
            scope.clone(),
            "_lab_adopt(globals())",
            "<lab prelude>".to_owned(),
        );
    }
    if let (Ok(_), Some(call)) = (&result, call) {
        result = vm.run_string(scope.clone(), call, "<lab call>".to_owned());
    }
    let ending = match result {
        Ok(_) => Ending::Finished,
        Err(e) => raised(vm, &scope, &e),
    };
    forget_scope(vm, &scope);
    ending
}

/// A Python exception as the run's ending: its class, the learner's line, the traceback.
fn raised(
    vm: &VirtualMachine,
    scope: &rustpython_vm::scope::Scope,
    e: &rustpython_vm::builtins::PyBaseExceptionRef,
) -> Ending {
    if let Ok(clean) = scope.globals.get_item("_lab_clean", vm) {
        let _ = clean.call((e.clone(),), vm);
    }
    let mut traceback = String::new();
    let _ = vm.write_exception(&mut traceback, e);
    let traceback = collapse_repeats(&traceback);
    let (kind, line) = scope
        .globals
        .get_item("_lab_error", vm)
        .and_then(|f| f.call((e.clone(),), vm))
        .and_then(|pair| {
            let kind = text_of(&pair.get_item(&0, vm)?, vm);
            let line: usize = pair.get_item(&1, vm)?.try_into_value(vm)?;
            Ok((kind, u32::try_from(line).unwrap_or(0)))
        })
        .unwrap_or_else(|_| ("Exception".to_owned(), 0));
    Ending::Raised {
        kind,
        line,
        traceback,
    }
}

/// A checker's client ([`crate::checker::Process`]): runs `source` (the learner's program: its
/// own setup goes to `stores`, copies the checker throws away), then evaluates `call`
/// (`update_price('product7', 340)`) with its store calls answered by `got` and the `database`
/// table read and written through the checker. Returns the operation the call asks for next,
/// or how it ended.
pub fn resume_client(
    source: &str,
    call: &str,
    stores: Stores,
    got: &[Outcome],
    limits: Limits,
    now_ms: Box<dyn Fn() -> f64>,
) -> Next {
    let replay = Replay {
        live: false,
        got: got.to_vec(),
        used: 0,
        asked: None,
    };
    let shared = Run::shared(stores, Some(replay), limits, now_ms);
    // A checker runs clients hundreds of times: one interpreter serves them all (making one
    // costs more than running a learner's function; each run has a scope of its own, and the
    // prelude and the tracer are installed again in it).
    let interpreter = interpreter();
    let (ending, value) = interpreter.enter(|vm| client_in(vm, &shared, source, call));
    let mut run = shared.borrow_mut();
    if let Some((op, line)) = run.replay.as_mut().and_then(|r| r.asked.take()) {
        return Next::Op(op, line);
    }
    let ended = match (ending.error(), run.stopped.take()) {
        (None, _) => Ended::Returned(value),
        (Some(_), Some(why)) => Ended::Stopped(why),
        (Some(error), None) => Ended::Raised(error),
    };
    drop(run);
    Next::Ended(ended)
}

fn client_in(
    vm: &VirtualMachine,
    shared: &Shared,
    source: &str,
    call: &str,
) -> (Ending, Option<String>) {
    let scope = match prepare(vm, shared) {
        Ok(scope) => scope,
        Err(ending) => return (ending, None),
    };
    mark_busy_lines(shared, source);
    super::stdlib::remember_source(vm, LEARNER_FILE, source);
    let mut result = run_source(vm, scope.clone(), source, LEARNER_FILE, true);
    if let Err(e) = result {
        return (raised(vm, &scope, &e), None);
    }
    // The call under check: from here the stores are the checker's.
    if let Some(replay) = shared.borrow_mut().replay.as_mut() {
        replay.live = true;
    }
    result = vm.run_string(
        scope.clone(),
        "database = _lab_live_table()",
        "<lab prelude>".to_owned(),
    );
    let value = result.and_then(|_| {
        let code = vm
            .compile(
                call,
                rustpython_vm::compiler::Mode::Eval,
                "<lab call>".to_owned(),
            )
            .map_err(|e| vm.new_syntax_error(&e, Some(call)))?;
        vm.run_code_obj(code, scope.clone())
    });
    let ended = match value {
        Ok(v) if vm.is_none(&v) => (Ending::Finished, None),
        Ok(v) => (
            Ending::Finished,
            Some(
                v.repr(vm)
                    .map_or_else(|_| "?".to_owned(), |r| r.to_string_lossy().into_owned()),
            ),
        ),
        Err(e) => (raised(vm, &scope, &e), None),
    };
    forget_scope(vm, &scope);
    ended
}

/// Empties a run's globals (a program's or a client's): its functions and classes refer to them (`__globals__`), a
/// cycle that RustPython's reference counting never frees, so without this every run of a
/// checker's client stayed in memory (about 42 KB a run; a check of `two-writers` makes 174)
/// and the shared interpreter slowed down as it grew.
fn forget_scope(vm: &VirtualMachine, scope: &rustpython_vm::scope::Scope) {
    // The tracer is one of those functions: it goes first, or the next run's prelude would
    // call it with its globals gone.
    let _ = vm
        .import("sys", 0)
        .and_then(|sys| sys.get_attr("settrace", vm))
        .and_then(|settrace| settrace.call((vm.ctx.none(),), vm));
    scope.globals.clear();
}
