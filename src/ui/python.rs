//! The learner's Python in the page: the interpreter's worker (the JavaScript below starts
//! `static/python-worker.js` over `src/bin/python_worker.rs` on first use, and ends it when a run
//! does not answer in time), and what a run does on the lab: the program runs in the worker on
//! copies of the stores, then its recording is replayed on the real stores as a trace
//! ([`crate::python::replay`], [`Lab::run_recorded`](crate::engine::Lab::run_recorded)).

use std::rc::Rc;

use wasm_bindgen::prelude::{wasm_bindgen, Closure};
use wasm_bindgen_futures::JsFuture;

use yew::UseReducerDispatcher;

use super::boot::AppLab;
use super::state::{LabAction, LabState, PythonPhase};
use crate::catalog::{seed_pairs, PRICES_KEY};
use crate::challenges::progress::ChallengeVerdict;
use crate::db::app::AppDb;
use crate::engine::sandbox::{run_recorded_on, Start};
use crate::engine::Trace;
use crate::python::wire::{Challenged, Request, Response};
use crate::scenario::{Scenario, Shared};
use crate::wire;

/// Where the editor's text is kept between visits.
const SAVED_KEY: &str = "write-through-lab.python";

/// The editor's text as the learner left it.
pub fn saved_source() -> Option<String> {
    let storage = web_sys::window()?.local_storage().ok()??;
    storage.get_item(SAVED_KEY).ok()?
}

/// Keeps the editor's text for the next visit (quietly, if storage is refused).
fn save_source(source: &str) {
    if let Some(Ok(Some(storage))) = web_sys::window().map(|w| w.local_storage()) {
        let _ = storage.set_item(SAVED_KEY, source);
    }
}

// The page's side of the interpreter's worker: starts the worker on first use, reports how its
// download goes, sends a run, and ends the worker if it does not answer in time (runaway code
// that never reaches a next line) or if it failed. JavaScript, because it is only message
// plumbing, and so it costs the page's first load a fraction of what the same in Rust does.
#[wasm_bindgen(inline_js = r#"
let worker = null;
let phase = ['not-loaded', 0, 0, ''];
let onPhase = () => {};
let nextId = 0;
const pending = new Map();
const ready = [];

function setPhase(kind, loaded = 0, total = 0, message = '') {
  phase = [kind, loaded, total, message];
  onPhase(kind, loaded, total, message);
}

function end(why) {
  worker?.terminate();
  worker = null;
  for (const { reject } of pending.values()) reject(why);
  pending.clear();
  for (const { reject } of ready.splice(0)) reject(why);
  setPhase('not-loaded');
}

/** `f(kind, loaded, total, message)` on every change; kind: not-loaded, loading, ready, failed. */
export function pythonOnPhase(f) {
  onPhase = f;
  f(...phase);
}

/** Starts the worker if there is none. */
export function pythonLoad() {
  if (worker) return;
  try {
    worker = new Worker('./python-worker.js');
  } catch (failure) {
    setPhase('failed', 0, 0, `The browser could not start the Python worker: ${failure}`);
    return;
  }
  setPhase('loading');
  worker.onmessage = ({ data }) => {
    if (data.kind === 'progress') setPhase('loading', data.loaded, data.total);
    else if (data.kind === 'ready') {
      setPhase('ready');
      for (const { resolve } of ready.splice(0)) resolve();
    } else if (data.kind === 'failed') end(`Python could not be loaded: ${data.message}`);
    else if (data.kind === 'answer') {
      pending.get(data.id)?.resolve(data.response);
      pending.delete(data.id);
    } else if (data.kind === 'crashed') {
      end(`Python stopped: the interpreter failed while running your code (${data.message}). Nothing it did was applied.`);
    }
  };
  worker.onerror = () => end('The Python worker stopped with an error (its script or WebAssembly could not run).');
}

/**
 * Sends `request` (bytes) once Python is loaded; resolves with the answer (bytes), or rejects
 * with why not. A run not answered `killMs` after it was sent ends the worker.
 */
export async function pythonAsk(request, killMs) {
  pythonLoad();
  if (phase[0] !== 'ready') await new Promise((resolve, reject) => ready.push({ resolve, reject }));
  const id = (nextId += 1);
  const answer = new Promise((resolve, reject) => pending.set(id, { resolve, reject }));
  worker.postMessage({ id, request }, [request.buffer]);
  const timer = setTimeout(() => {
    if (pending.has(id)) {
      end(`Stopped after ${(killMs / 1000).toFixed(1)} s: your code did not finish (a loop that never reaches a next line, or a value too large to build). Nothing it did was applied.`);
    }
  }, killMs);
  try {
    return await answer;
  } finally {
    clearTimeout(timer);
  }
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = pythonOnPhase)]
    fn python_on_phase(f: &Closure<dyn Fn(String, f64, f64, String)>);
    #[wasm_bindgen(js_name = pythonLoad)]
    fn python_load();
    #[wasm_bindgen(js_name = pythonAsk)]
    fn python_ask(request: js_sys::Uint8Array, kill_ms: i32) -> js_sys::Promise;
}

/// How long a run may take in the worker (its own clock stops the learner's code at its next
/// line after this).
const RUN_MS: f64 = 900.0;
/// When the page ends a worker that has not answered a run (code that never reaches a next
/// line: one huge operation). Well after [`RUN_MS`]: a run stopped by the worker's own clock
/// must be answered (and said to be "stopped after 900 ms") before the page gives up on it;
/// with 100 ms between the two, a loaded machine's worker lost that race now and then.
const RUN_KILL_MS: i32 = 3_000;
/// A lesson check runs the learner's code up to four times.
const CHECK_KILL_MS: i32 = 5_000;

/// Tells `f` whenever the interpreter's worker's phase changes (for as long as the page lives).
pub fn on_phase(f: Rc<dyn Fn(PythonPhase)>) {
    let listener = Closure::<dyn Fn(String, f64, f64, String)>::new(
        move |kind: String, loaded: f64, total: f64, message: String| {
            f(match kind.as_str() {
                "loading" => PythonPhase::Loading { loaded, total },
                "ready" => PythonPhase::Ready,
                "failed" => PythonPhase::Failed(message),
                _ => PythonPhase::NotLoaded,
            })
        },
    );
    python_on_phase(&listener);
    listener.forget();
}

/// Starts loading the interpreter, if it is not loaded or loading.
pub fn load() {
    python_load();
}

/// Sends `request` to the interpreter's worker; the worker is ended if it has not answered
/// within `kill_ms`.
async fn ask(request: &Request, kill_ms: i32) -> Result<Response, String> {
    let bytes = js_sys::Uint8Array::from(wire::encode(request).as_slice());
    let answer = JsFuture::from(python_ask(bytes, kill_ms))
        .await
        .map_err(|why| why.as_string().unwrap_or_else(|| format!("{why:?}")))?;
    wire::decode::<Response>(&js_sys::Uint8Array::new(&answer).to_vec())
        .ok_or_else(|| "The Python worker's answer could not be read.".to_owned())
}

/// The editor's text changed (typed, a pattern opened, a program run from the console or the
/// lesson): the page shows it, and it is kept for the next visit.
pub fn set_source(dispatch: &UseReducerDispatcher<LabState>, source: Rc<str>) {
    save_source(&source);
    dispatch.dispatch(LabAction::PythonEdit(source));
}

/// What a run of the learner's program gave.
pub struct PythonRun {
    /// The trace of the program replayed on the lab's stores (`None` if nothing could run).
    pub trace: Option<Trace>,
    /// The output pane's text: what it printed, where it connected, its traceback.
    pub output: String,
    /// Its traceback's last line, if it raised or was stopped, or why it could not run.
    pub error: Option<Rc<str>>,
}

/// Runs `source` in the worker on copies of the lab's stores, then replays what it did on the
/// lab's stores as a trace.
pub async fn run_python(lab: &AppLab, source: &str) -> PythonRun {
    let faults = lab.faults();
    let request = Request::Run {
        source: source.to_owned(),
        call: None,
        cache: crate::hub::rewrite(&lab.stores().cache_link().read()),
        rows: lab.stores().database().iter().cloned().collect(),
        database_fails: faults.database_write,
        cache_full: faults.cache_write,
        max_ms: RUN_MS,
    };
    let failed = |why: String| PythonRun {
        trace: None,
        output: format!("[lab] {why}\n"),
        error: Some(Rc::from(why)),
    };
    let ran = match ask(&request, RUN_KILL_MS).await {
        Ok(Response::Ran(ran)) => ran,
        Ok(Response::Refused { message }) => return failed(message),
        Ok(Response::Checked { .. } | Response::Challenged(_)) => {
            return failed("The Python worker answered another question.".to_owned())
        }
        Err(why) => return failed(why),
    };
    PythonRun {
        trace: Some(
            lab.run_recorded(&ran.program, &ran.product, &ran.price)
                .await,
        ),
        output: ran.output,
        error: ran.error.as_deref().map(Rc::from),
    }
}

/// Checks lesson step `step` (1 to 4) with `answer` in the step's own form, in the worker
/// (`python::wire`): a Redis command line for step 1 (run on an empty Redis), Python source for
/// steps 2 to 4 (run on fresh copies of the seed stores). `(passed, message, rows)`: for step 2, the
/// rows the learner's `database` holds.
pub async fn check_step(step: u8, answer: &str) -> (bool, String, Vec<(String, String)>) {
    let request = Request::Check {
        step,
        answer: answer.to_owned(),
    };
    match ask(&request, CHECK_KILL_MS).await {
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

/// A challenge's check may run the learner's code a few hundred times.
const CHALLENGE_KILL_MS: i32 = 60_000;

/// Checks `source` against challenge `id` in the worker ([`crate::challenges`]): what it tried,
/// what broke, and the failing schedule.
pub async fn check_challenge(id: &str, source: &str) -> Result<Challenged, String> {
    let request = Request::Challenge {
        id: id.to_owned(),
        source: source.to_owned(),
    };
    let mut answer = ask(&request, CHALLENGE_KILL_MS).await;
    // The interpreter's worker keeps a little of every run it made (cycles RustPython's
    // reference counting cannot free), so a long session of checks can exhaust it; a check is
    // deterministic, so it is asked once more of a fresh worker (the crash ended the old one)
    // before a crash is reported as the answer.
    if matches!(&answer, Err(why) if why.contains("the interpreter failed")) {
        answer = ask(&request, CHALLENGE_KILL_MS).await;
    }
    match answer? {
        Response::Challenged(found) => Ok(found),
        Response::Refused { message } => Err(message),
        _ => Err("The Python worker answered another question.".to_owned()),
    }
}

/// Races the learner's `update_price` (`source`) in the worker with its store operations in
/// `order`, and puts the race on the stage (at step `seek`, if given). `Err` if it could not run.
pub async fn race_yours(
    dispatch: &UseReducerDispatcher<LabState>,
    source: &str,
    order: &[crate::engine::Writer],
    seek: Option<usize>,
) -> Result<(), String> {
    let request = Request::Race {
        source: source.to_owned(),
        order: order.to_vec(),
    };
    match ask(&request, CHALLENGE_KILL_MS).await? {
        Response::Challenged(found) => {
            dispatch.dispatch(LabAction::Replay {
                trace: found.race_trace(),
                scenario: Scenario::YourRace {
                    source: source.to_owned(),
                    order: order.to_vec(),
                },
                seek,
            });
            Ok(())
        }
        Response::Refused { message } => Err(message),
        _ => Err("The Python worker answered another question.".to_owned()),
    }
}

/// What the Challenges panel shows of a check's answer.
pub fn verdict_of(found: &Challenged) -> ChallengeVerdict {
    ChallengeVerdict {
        passed: found.passed,
        message: found.message.clone(),
        schedules: found.schedules,
        faults: found.faults,
        counterexample: !found.steps.is_empty(),
    }
}

/// Checks the editor's `source` against challenge `id` from the Challenges panel, the console
/// or a link: the panel says what the check found, a pass is kept as solved, a failing
/// schedule goes on the stage (at step `seek`, if given). `Err` if the check could not run (the worker failed).
pub async fn run_challenge(
    dispatch: &UseReducerDispatcher<LabState>,
    id: &str,
    source: &str,
    seek: Option<usize>,
) -> Result<Challenged, String> {
    dispatch.dispatch(LabAction::ChallengeChecking(id.to_owned()));
    let found = check_challenge(id, source).await;
    let verdict = match &found {
        Ok(found) => verdict_of(found),
        Err(why) => ChallengeVerdict {
            passed: false,
            message: why.clone(),
            schedules: 0,
            faults: 0,
            counterexample: false,
        },
    };
    if verdict.passed {
        super::state::save_solved(id);
    }
    dispatch.dispatch(LabAction::ChallengeChecked {
        id: id.to_owned(),
        verdict,
    });
    if let Some(trace) = found.as_ref().ok().and_then(Challenged::trace) {
        // It ran on copies of the stores: shown as a replay, with what a link needs to find
        // it again.
        dispatch.dispatch(LabAction::Replay {
            trace,
            scenario: Scenario::Challenge {
                id: id.to_owned(),
                source: source.to_owned(),
            },
            seek,
        });
    }
    found
}

/// Opens a shared link to a run of the learner's Python: the program runs again in the worker
/// on copies of the seed stores, is replayed on copies, and shown at the link's step with its
/// program in the editor. (Nothing happens if the interpreter cannot be loaded.)
pub async fn open_link(dispatch: UseReducerDispatcher<LabState>, shared: Shared) {
    let Scenario::Python {
        pattern,
        faults,
        source,
    } = &shared.scenario
    else {
        return;
    };
    let seed = seed_pairs();
    let mut cache = vec![b"HSET".to_vec(), PRICES_KEY.as_bytes().to_vec()];
    for (field, value) in &seed {
        cache.push(field.as_bytes().to_vec());
        cache.push(value.as_bytes().to_vec());
    }
    let request = Request::Run {
        source: source.clone(),
        call: None,
        cache: vec![cache],
        rows: seed.clone(),
        database_fails: faults.database_write,
        cache_full: faults.cache_write,
        max_ms: RUN_MS,
    };
    let Ok(Response::Ran(ran)) = ask(&request, RUN_KILL_MS).await else {
        return;
    };
    let start = Start {
        pattern: *pattern,
        faults: *faults,
        cache: &seed,
        database: &seed,
    };
    let Some(trace) = run_recorded_on(
        AppDb::in_memory(),
        &start,
        &ran.program,
        &ran.product,
        &ran.price,
    ) else {
        return;
    };
    dispatch.dispatch(LabAction::OpenedLink {
        source: Rc::from(source.as_str()),
        output: Rc::from(ran.output.as_str()),
        error: ran.error.as_deref().map(Rc::from),
    });
    let seek = Some(shared.step);
    dispatch.dispatch(LabAction::Replay {
        trace,
        scenario: shared.scenario,
        seek,
    });
}
