//! The learner's Python in the page: the interpreter's worker (`static/python-worker.js` over
//! `src/bin/python_worker.rs`), started on first use and ended when a run does not answer in
//! time, and what a run does on the lab: the program runs in the worker on copies of the
//! stores, then its recording is replayed on the real stores as a trace
//! ([`crate::python::replay`], [`Lab::run_recorded`](crate::engine::Lab::run_recorded)).

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use futures_channel::oneshot;
use js_sys::Reflect;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{MessageEvent, Worker};

use super::boot::AppLab;
use super::state::PythonPhase;
use crate::emulator::{Emulator, Reply};
use crate::engine::Trace;
use crate::python::replay::{connect_note, statements};
use crate::python::wire::{Request, Response};
use crate::python::{Ending, Event, Recording};

/// Where the editor's text is kept between visits.
const SAVED_KEY: &str = "write-through-lab.python";

/// The editor's text as the learner left it.
pub fn saved_source() -> Option<String> {
    let storage = web_sys::window()?.local_storage().ok()??;
    storage.get_item(SAVED_KEY).ok()?
}

/// Keeps the editor's text for the next visit (quietly, if storage is refused).
pub fn save_source(source: &str) {
    if let Some(Ok(Some(storage))) = web_sys::window().map(|w| w.local_storage()) {
        let _ = storage.set_item(SAVED_KEY, source);
    }
}

/// The worker's script, next to the page.
const SCRIPT: &str = "./python-worker.js";

/// How long a run may take in the worker (its own clock stops the learner's code at its next
/// line after this).
const RUN_MS: f64 = 900.0;
/// When the page ends a worker that has not answered a run (code that never reaches a next
/// line: one huge operation).
const RUN_KILL_MS: i32 = 1_000;
/// A lesson check runs the learner's code up to four times.
const CHECK_KILL_MS: i32 = 5_000;

type Waiter = oneshot::Sender<Result<String, String>>;

#[derive(Default)]
struct Inner {
    worker: Option<Worker>,
    phase: PythonPhase,
    ready: Vec<oneshot::Sender<Result<(), String>>>,
    pending: HashMap<u32, Waiter>,
    next_id: u32,
    on_phase: Option<Rc<dyn Fn(PythonPhase)>>,
    handlers: Vec<Closure<dyn FnMut(JsValue)>>,
}

/// The interpreter's worker, one per page.
#[derive(Default)]
pub struct PythonWorker(RefCell<Inner>);

thread_local! {
    static WORKER: Rc<PythonWorker> = Rc::new(PythonWorker::default());
}

/// The page's interpreter.
pub fn worker() -> Rc<PythonWorker> {
    WORKER.with(Rc::clone)
}

fn field(value: &JsValue, name: &str) -> JsValue {
    Reflect::get(value, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
}

impl PythonWorker {
    /// Tells `f` whenever the worker's phase changes.
    pub fn on_phase(&self, f: Rc<dyn Fn(PythonPhase)>) {
        let phase = self.0.borrow().phase.clone();
        self.0.borrow_mut().on_phase = Some(Rc::clone(&f));
        f(phase);
    }

    fn set_phase(&self, phase: PythonPhase) {
        let listener = {
            let mut inner = self.0.borrow_mut();
            inner.phase = phase.clone();
            inner.on_phase.clone()
        };
        if let Some(f) = listener {
            f(phase);
        }
    }

    /// Starts loading the interpreter, if it is not loaded or loading.
    pub fn load(self: &Rc<Self>) {
        if self.0.borrow().worker.is_some() {
            return;
        }
        let worker = match Worker::new(SCRIPT) {
            Ok(w) => w,
            Err(e) => {
                let why = format!("The browser could not start the Python worker: {e:?}");
                self.fail_ready(&why);
                self.set_phase(PythonPhase::Failed(why));
                return;
            }
        };
        let me = Rc::downgrade(self);
        let on_message = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
            let Some(me) = me.upgrade() else { return };
            let Ok(event) = event.dyn_into::<MessageEvent>() else {
                return;
            };
            me.receive(&event.data());
        });
        let me = Rc::downgrade(self);
        let on_error = Closure::<dyn FnMut(JsValue)>::new(move |_event: JsValue| {
            if let Some(me) = me.upgrade() {
                me.end("The Python worker stopped with an error (its script or WebAssembly could not run).");
            }
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        {
            let mut inner = self.0.borrow_mut();
            inner.worker = Some(worker);
            inner.handlers = vec![on_message, on_error];
        }
        self.set_phase(PythonPhase::Loading {
            loaded: 0.0,
            total: 0.0,
        });
    }

    fn receive(&self, data: &JsValue) {
        let kind = field(data, "kind").as_string().unwrap_or_default();
        match kind.as_str() {
            "progress" => self.set_phase(PythonPhase::Loading {
                loaded: field(data, "loaded").as_f64().unwrap_or(0.0),
                total: field(data, "total").as_f64().unwrap_or(0.0),
            }),
            "ready" => {
                self.set_phase(PythonPhase::Ready);
                let waiting = std::mem::take(&mut self.0.borrow_mut().ready);
                for w in waiting {
                    let _ = w.send(Ok(()));
                }
            }
            "failed" => {
                let why = field(data, "message").as_string().unwrap_or_default();
                self.end(&format!("Python could not be loaded: {why}"));
            }
            "answer" => {
                let id = field(data, "id").as_f64().unwrap_or(-1.0) as u32;
                let response = field(data, "response").as_string().unwrap_or_default();
                if let Some(w) = self.0.borrow_mut().pending.remove(&id) {
                    let _ = w.send(Ok(response));
                }
            }
            "crashed" => {
                let why = field(data, "message").as_string().unwrap_or_default();
                self.end(&format!("Python stopped: the interpreter failed while running your code ({why}). Nothing it did was applied."));
            }
            _ => {}
        }
    }

    fn fail_ready(&self, why: &str) {
        let waiting = std::mem::take(&mut self.0.borrow_mut().ready);
        for w in waiting {
            let _ = w.send(Err(why.to_owned()));
        }
    }

    /// Ends the worker (a runaway run, a crash, a failed load): everything waiting gets `why`;
    /// the next use starts a new worker.
    fn end(&self, why: &str) {
        let (worker, pending) = {
            let mut inner = self.0.borrow_mut();
            (inner.worker.take(), std::mem::take(&mut inner.pending))
        };
        if let Some(w) = worker {
            w.terminate();
        }
        self.0.borrow_mut().handlers.clear();
        for (_, w) in pending {
            let _ = w.send(Err(why.to_owned()));
        }
        self.fail_ready(why);
        self.set_phase(PythonPhase::NotLoaded);
    }

    /// Waits until the interpreter is loaded (starting it if need be).
    pub async fn ready(self: &Rc<Self>) -> Result<(), String> {
        self.load();
        if self.0.borrow().phase == PythonPhase::Ready {
            return Ok(());
        }
        let (tx, rx) = oneshot::channel();
        self.0.borrow_mut().ready.push(tx);
        rx.await
            .unwrap_or_else(|_| Err("The Python worker went away.".to_owned()))
    }

    /// Sends `request`; ends the worker if it has not answered within `kill_ms`.
    async fn ask(self: &Rc<Self>, request: &Request, kill_ms: i32) -> Result<Response, String> {
        self.ready().await?;
        let json = serde_json::to_string(request).map_err(|e| e.to_string())?;
        let (tx, rx) = oneshot::channel();
        let id = {
            let mut inner = self.0.borrow_mut();
            inner.next_id = inner.next_id.wrapping_add(1);
            let id = inner.next_id;
            inner.pending.insert(id, tx);
            let message = js_sys::Object::new();
            let _ = Reflect::set(&message, &"id".into(), &JsValue::from_f64(f64::from(id)));
            let _ = Reflect::set(&message, &"request".into(), &JsValue::from_str(&json));
            if let Some(w) = &inner.worker {
                let _ = w.post_message(&message);
            }
            id
        };
        let me = Rc::downgrade(self);
        let watchdog = Closure::once(move || {
            if let Some(me) = me.upgrade() {
                if me.0.borrow().pending.contains_key(&id) {
                    me.end(&format!(
                        "Stopped after {:.1} s: your code did not finish (a loop that never reaches a next line, or a value too large to build). Nothing it did was applied.",
                        f64::from(kill_ms) / 1000.0
                    ));
                }
            }
        });
        let timer = web_sys::window().and_then(|w| {
            w.set_timeout_with_callback_and_timeout_and_arguments_0(
                watchdog.as_ref().unchecked_ref(),
                kill_ms,
            )
            .ok()
        });
        let answer = rx
            .await
            .unwrap_or_else(|_| Err("The Python worker went away.".to_owned()));
        if let (Some(t), Some(w)) = (timer, web_sys::window()) {
            w.clear_timeout_with_handle(t);
        }
        drop(watchdog);
        let text = answer?;
        serde_json::from_str(&text).map_err(|e| format!("The Python worker's answer: {e}"))
    }
}

/// What a run of the learner's program gave.
pub struct PythonRun {
    /// The trace of the program replayed on the lab's stores (`None` if nothing could run).
    pub trace: Option<Trace>,
    /// The output pane's text: what it printed, where it connected, its traceback.
    pub output: String,
    /// It raised, was stopped, or could not run.
    pub failed: bool,
    /// Its traceback's last line, if it raised or was stopped.
    pub error: Option<String>,
}

/// The output pane's text for `recording`.
fn output_of(recording: &Recording) -> String {
    let mut out = String::new();
    for event in &recording.events {
        match event {
            Event::Print(text) => out.push_str(text),
            Event::Connect { host, port, .. } => {
                if !out.is_empty() && !out.ends_with('\n') {
                    out.push('\n');
                }
                out.push_str("[lab] ");
                out.push_str(&connect_note(host, port));
                out.push('\n');
            }
            _ => {}
        }
    }
    match &recording.ending {
        Ending::Finished => {}
        Ending::Raised { traceback, .. } => {
            if !out.is_empty() && !out.ends_with('\n') {
                out.push('\n');
            }
            out.push_str(traceback.trim_end());
            out.push('\n');
        }
        Ending::Stopped(why) => {
            if !out.is_empty() && !out.ends_with('\n') {
                out.push('\n');
            }
            out.push_str("[lab] ");
            out.push_str(why);
            out.push('\n');
        }
    }
    out
}

/// Runs `source` in the worker on copies of the lab's stores, then replays what it did on the
/// lab's stores as a trace.
pub async fn run_python(lab: &AppLab, source: &str) -> PythonRun {
    let faults = lab.faults();
    let request = Request::Run {
        source: source.to_owned(),
        call: None,
        cache: crate::hub::rewrite(&lab.cache_link().read()),
        rows: lab.database().iter().cloned().collect(),
        database_fails: faults.database_write,
        cache_full: faults.cache_write,
        max_ms: RUN_MS,
    };
    let failed = |why: String| PythonRun {
        trace: None,
        output: format!("[lab] {why}\n"),
        failed: true,
        error: Some(why),
    };
    let recording = match worker().ask(&request, RUN_KILL_MS).await {
        Ok(Response::Ran { recording, .. }) => recording,
        Ok(Response::Refused { message }) => return failed(message),
        Ok(Response::Checked { .. }) => {
            return failed("The Python worker answered another question.".to_owned())
        }
        Err(why) => return failed(why),
    };
    let output = output_of(&recording);
    let error = match &recording.ending {
        Ending::Finished => None,
        Ending::Raised {
            traceback, kind, ..
        } => Some(
            traceback
                .lines()
                .last()
                .map_or_else(|| kind.clone(), str::to_owned),
        ),
        Ending::Stopped(why) => Some(why.clone()),
    };
    let program = match statements(&recording, source, 1) {
        Ok(p) => p,
        Err(why) => {
            return PythonRun {
                trace: None,
                output: format!("{output}[lab] {why}\n"),
                failed: true,
                error: Some(why.to_string()),
            }
        }
    };
    // The trace is named after the program's first database write (its update, usually).
    let (product, price) = recording
        .events
        .iter()
        .rev()
        .find_map(|e| match e {
            Event::DatabaseWrite { key, value, .. } => Some((key.clone(), value.clone())),
            _ => None,
        })
        .unwrap_or_default();
    let trace = lab.run_recorded(&program, &product, &price).await;
    PythonRun {
        trace: Some(trace),
        output,
        failed: error.is_some(),
        error,
    }
}

/// Checks lesson step `step` (1 to 4) with `answer` in the step's own form: a Redis command
/// line for step 1 (run on an empty Redis), Python source for steps 2 to 4 (run in the
/// worker, on fresh copies of the seed stores). `(passed, message, rows)`: for step 2, the
/// rows the learner's `database` holds.
pub async fn check_step(step: u8, answer: &str) -> (bool, String, Vec<(String, String)>) {
    match step {
        1 => {
            let mut redis = Emulator::new(Box::new(|| 0), 1);
            let verdict = match redis.execute_command(answer) {
                Err(e) => Err(e.to_string()),
                Ok(Reply::Error(e)) => Err(format!(
                    "Redis answers: (error) {}",
                    String::from_utf8_lossy(&e)
                )),
                Ok(_) => {
                    let hash = match redis.run(&[
                        b"HGETALL".to_vec(),
                        crate::catalog::PRICES_KEY.as_bytes().to_vec(),
                    ]) {
                        Reply::Array(items) => items
                            .chunks(2)
                            .filter_map(|pair| match pair {
                                [Reply::Bulk(f), Reply::Bulk(v)] => Some((
                                    String::from_utf8_lossy(f).into_owned(),
                                    String::from_utf8_lossy(v).into_owned(),
                                )),
                                _ => None,
                            })
                            .collect::<Vec<_>>(),
                        _ => Vec::new(),
                    };
                    crate::lesson::check_hash(&hash)
                }
            };
            match verdict {
                Ok(()) => (
                    true,
                    "Right: the hash holds the three prices.".to_owned(),
                    Vec::new(),
                ),
                Err(why) => (false, why, Vec::new()),
            }
        }
        2..=4 => {
            let request = Request::Check {
                step,
                answer: answer.to_owned(),
            };
            match worker().ask(&request, CHECK_KILL_MS).await {
                Ok(Response::Checked {
                    passed,
                    message,
                    rows,
                }) => (passed, message, rows),
                Ok(_) => (
                    false,
                    "The Python worker answered another question.".to_owned(),
                    Vec::new(),
                ),
                Err(why) => (false, why, Vec::new()),
            }
        }
        n => (
            false,
            format!("There is no lesson step {n}: the steps are 1 to 4."),
            Vec::new(),
        ),
    }
}
