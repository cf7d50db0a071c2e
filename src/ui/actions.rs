//! What the learner's clicks do to the lab: each method of [`LabHandle`] builds the callback a
//! component is given. The I/O happens here (and in `boot`), never in a component or the
//! reducer.

use std::cell::RefCell;
use std::rc::Rc;

use yew::prelude::*;

use super::boot::{performance_now, replace_stores, run_traced, AppLab, Background};
use super::components::console::ConsoleOutput;
use super::components::scale_panel::grouped;
use super::lesson_check::check_lesson;
use super::python::{run_python, set_source};
use super::state::Answer;
use super::state::{CodeView, LabAction, LabState};
use crate::db::app::AppDb;
use crate::engine::sandbox::{run_update_on, Start};
use crate::engine::{Faults, Outcome, Pattern, Trace};

/// The lab as the page holds it (see `use_lab`).
#[derive(Clone)]
pub struct LabHandle {
    pub state: UseReducerHandle<LabState>,
    /// `None` until the database is open and the lab started.
    pub lab: UseStateHandle<Option<Rc<AppLab>>>,
    pub background: Rc<RefCell<Background>>,
}

/// What most callbacks capture: the lab, the dispatcher, the page's long-lived things.
type Parts = (
    UseStateHandle<Option<Rc<AppLab>>>,
    UseReducerDispatcher<LabState>,
    Rc<RefCell<Background>>,
);

impl LabHandle {
    /// A button's callback that runs one operation of the lab and shows its trace.
    fn traced<F>(&self, op: impl Fn(Rc<AppLab>) -> F + Copy + 'static) -> Callback<()>
    where
        F: std::future::Future<Output = Trace> + 'static,
    {
        let (lab, dispatch, background) = self.parts();
        Callback::from(move |()| run_traced(&lab, &dispatch, &background, op))
    }

    fn parts(&self) -> Parts {
        (
            self.lab.clone(),
            self.state.dispatcher(),
            Rc::clone(&self.background),
        )
    }

    /// Why the engine refused the last update, for the form to show next to its fields.
    pub fn rejection(&self) -> Option<AttrValue> {
        match self.state.last_trace.as_deref().map(|t| &t.outcome) {
            Some(Outcome::Rejected(m)) => Some(AttrValue::from(m.clone())),
            _ => None,
        }
    }

    /// `update_price(product, new_price)` from the form: the pattern's, or the learner's own
    /// once the lesson is done and they chose to run it.
    pub fn on_update(&self) -> Callback<(String, String)> {
        let (lab, dispatch, background) = self.parts();
        let lesson = &self.state.lesson;
        let mine = lesson.function.clone().filter(|_| lesson.run_mine);
        Callback::from(move |(product, price): (String, String)| {
            let mine = mine.clone();
            run_traced(&lab, &dispatch, &background, move |lab| async move {
                match mine {
                    Some(lines) => {
                        let program = crate::lesson::program(&lines, &product, &price);
                        lab.run_program(&program, &product, &price).await
                    }
                    None => lab.update_price(&product, &price).await,
                }
            });
        })
    }

    /// `get_price(product)`: a read, through the cache (a miss fills it from the database).
    pub fn on_read(&self) -> Callback<String> {
        let (lab, dispatch, background) = self.parts();
        Callback::from(move |product: String| {
            run_traced(&lab, &dispatch, &background, move |lab| async move {
                lab.read_price(&product).await
            });
        })
    }

    /// Deletes the cached prices of products the database has no row for.
    pub fn on_remove_strays(&self) -> Callback<()> {
        self.traced(|lab| async move { lab.remove_stray_fields().await })
    }

    /// Shows the pattern's listing or the learner's editor in the Application card.
    pub fn on_code_view(&self) -> Callback<CodeView> {
        let dispatch = self.state.dispatcher();
        Callback::from(move |view| dispatch.dispatch(LabAction::CodeView(view)))
    }

    /// "Edit this code": the current pattern's listing, made runnable, into the editor.
    pub fn on_edit_pattern(&self) -> Callback<()> {
        let (lab, dispatch, _) = self.parts();
        Callback::from(move |()| {
            let pattern = lab.as_ref().map_or(Pattern::WriteThrough, |l| l.pattern());
            set_source(
                &dispatch,
                Rc::from(crate::python::programs::pattern_program(pattern)),
            );
            dispatch.dispatch(LabAction::CodeView(CodeView::Editor));
        })
    }

    /// Opens the editor and puts the caret in it.
    pub fn on_open_editor(&self) -> Callback<()> {
        let dispatch = self.state.dispatcher();
        Callback::from(move |()| {
            dispatch.dispatch(LabAction::CodeView(CodeView::Editor));
            super::python::load();
            // After the render that shows it.
            let focus = wasm_bindgen::closure::Closure::once_into_js(|| {
                if let Some(area) = web_sys::window()
                    .and_then(|w| w.document())
                    .and_then(|d| d.query_selector(".editor__input").ok().flatten())
                {
                    use wasm_bindgen::JsCast;
                    if let Ok(area) = area.dyn_into::<web_sys::HtmlElement>() {
                        let _ = area.focus();
                        area.scroll_into_view_with_bool(false);
                    }
                }
            });
            if let Some(w) = web_sys::window() {
                use wasm_bindgen::JsCast;
                let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(
                    focus.unchecked_ref(),
                    0,
                );
            }
        })
    }

    /// The editor's text changed.
    pub fn on_python_input(&self) -> Callback<Rc<str>> {
        let dispatch = self.state.dispatcher();
        Callback::from(move |source: Rc<str>| set_source(&dispatch, source))
    }

    /// The editor was used: load the interpreter.
    pub fn on_python_load(&self) -> Callback<()> {
        Callback::from(|()| super::python::load())
    }

    /// "Run": the editor's program, traced on the lab's stores.
    pub fn on_python_run(&self) -> Callback<()> {
        let (lab, dispatch, background) = self.parts();
        let source = Rc::clone(&self.state.python.source);
        let running = self.state.python.running;
        Callback::from(move |()| {
            let Some(lab) = (*lab).clone() else { return };
            if running {
                return;
            }
            let (dispatch, background, source) =
                (dispatch.clone(), Rc::clone(&background), Rc::clone(&source));
            wasm_bindgen_futures::spawn_local(async move {
                show_python_run(&lab, &dispatch, &background, source).await;
            });
        })
    }

    /// Whether "Update price" runs the learner's own function.
    pub fn on_run_mine(&self) -> Callback<bool> {
        let dispatch = self.state.dispatcher();
        Callback::from(move |on: bool| dispatch.dispatch(LabAction::RunMine(on)))
    }

    /// A row written straight to the database (bypassing the cache).
    pub fn on_write(&self) -> Callback<(String, String)> {
        let (lab, dispatch, _) = self.parts();
        Callback::from(move |(id, price): (String, String)| {
            let Some(lab) = (*lab).clone() else { return };
            let dispatch = dispatch.clone();
            dispatch.dispatch(LabAction::Busy);
            wasm_bindgen_futures::spawn_local(async move {
                match lab.edit_database(&id, &price).await {
                    // The lab told the other tabs when the row was committed.
                    Ok(_) => {
                        dispatch.dispatch(LabAction::BackToLive);
                        dispatch.dispatch(LabAction::Changed);
                    }
                    Err(e) => dispatch.dispatch(LabAction::Failed(e.to_string())),
                }
            });
        })
    }

    /// Both stores back to the seed.
    pub fn on_reset(&self) -> Callback<()> {
        let (lab, dispatch, background) = self.parts();
        Callback::from(move |()| {
            dispatch.dispatch(LabAction::ScaleMessage(None));
            replace_stores(&lab, &dispatch, &background, |lab| async move {
                lab.reset().await
            });
        })
    }

    /// Both stores replaced by a generated catalog of `n` products.
    pub fn on_seed(&self) -> Callback<usize> {
        let (lab, dispatch, background) = self.parts();
        Callback::from(move |n: usize| {
            let say = dispatch.clone();
            say.dispatch(LabAction::ScaleMessage(Some(format!(
                "Loading {} products…",
                grouped(n)
            ))));
            replace_stores(&lab, &dispatch, &background, move |lab| async move {
                let started = performance_now();
                let seeded = lab.seed_catalog(n).await;
                say.dispatch(LabAction::ScaleMessage(Some(match &seeded {
                    Ok(()) => format!(
                        "Both stores hold {} products: seeded in {:.0} ms (one IndexedDB transaction, one HMSET).",
                        grouped(n),
                        performance_now() - started
                    ),
                    Err(e) => format!("The catalog could not be loaded: {e}"),
                })));
                seeded
            });
        })
    }

    /// Restart after a crash: the recovery trace.
    pub fn on_restart(&self) -> Callback<()> {
        self.traced(|lab| async move { lab.restart().await })
    }

    /// Write-behind: flush the queue now.
    pub fn on_flush(&self) -> Callback<()> {
        self.traced(|lab| async move { lab.flush().await })
    }

    /// Chooses the pattern `update_price` follows.
    pub fn on_pattern(&self) -> Callback<Pattern> {
        self.setting(|lab, pattern| lab.set_pattern(pattern))
    }

    /// Switches faults on or off.
    pub fn on_faults(&self) -> Callback<Faults> {
        self.setting(|lab, faults| lab.set_faults(faults))
    }

    /// Switches per-key ordering across tabs on or off.
    pub fn on_per_key_ordering(&self) -> Callback<bool> {
        self.setting(|lab, on| lab.set_per_key_ordering(on))
    }

    /// A setting of the lab's, changed at once (no I/O), then the page reads the lab again.
    fn setting<T: 'static>(&self, set: fn(&AppLab, T)) -> Callback<T> {
        let (lab, dispatch, _) = self.parts();
        Callback::from(move |value| {
            if let Some(lab) = &*lab {
                set(lab, value);
                dispatch.dispatch(LabAction::Changed);
            }
        })
    }

    /// A line typed in the Redis console: it runs on the live cache, so the stage goes live.
    pub fn on_console(&self) -> Callback<(String, Callback<ConsoleOutput>)> {
        let (lab, dispatch, _) = self.parts();
        Callback::from(move |(line, reply): (String, Callback<ConsoleOutput>)| {
            let Some(lab) = (*lab).clone() else {
                reply.emit(ConsoleOutput {
                    text: "The lab is still starting.\n".to_owned(),
                    clear: false,
                    wire: None,
                });
                return;
            };
            let dispatch = dispatch.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let out = lab.console_line(&line).await;
                dispatch.dispatch(LabAction::BackToLive);
                let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
                if out.quit {
                    text.push_str("(redis-cli would exit here; this console stays open)\n");
                }
                let wire = match (out.argv.is_empty(), out.replies.last()) {
                    (false, Some(last)) => Some(Rc::new(crate::engine::Wire::of(out.argv, last))),
                    _ => None,
                };
                reply.emit(ConsoleOutput {
                    text,
                    clear: out.clear,
                    wire,
                });
            });
        })
    }

    /// The same update under two patterns, on copies of the stores.
    pub fn on_compare(&self, (product, price): (String, String)) -> Callback<(Pattern, Pattern)> {
        let (lab, dispatch, _) = self.parts();
        Callback::from(move |(left, right): (Pattern, Pattern)| {
            let Some(lab) = &*lab else { return };
            let (cache, db, faults) = (lab.stores().cache(), lab.stores().database(), lab.faults());
            let run = |pattern| {
                let start = Start {
                    pattern,
                    faults,
                    cache: &cache,
                    database: &db,
                };
                run_update_on(AppDb::in_memory(), &start, &product, &price)
            };
            if let (Some(a), Some(b)) = (run(left), run(right)) {
                dispatch.dispatch(LabAction::Compared(a, b));
            }
        })
    }

    /// "Start the lesson": both stores emptied, so that the learner builds them.
    pub fn on_lesson_start(&self) -> Callback<()> {
        let (lab, dispatch, _) = self.parts();
        Callback::from(move |()| {
            let Some(lab) = (*lab).clone() else { return };
            let dispatch = dispatch.clone();
            wasm_bindgen_futures::spawn_local(async move {
                dispatch.dispatch(match lab.lesson_begin().await {
                    Ok(()) => LabAction::LessonStarted,
                    Err(e) => LabAction::LessonFailed(e.to_string()),
                });
                dispatch.dispatch(LabAction::BackToLive);
            });
        })
    }

    /// An answer to the current lesson step, checked by running it on the lab's stores.
    pub fn on_lesson_check(&self) -> Callback<Answer> {
        let (lab, dispatch, background) = self.parts();
        // Read when the learner clicks, before anything is awaited.
        let started = self.state.lesson.started;
        Callback::from(move |answer: Answer| {
            let Some(lab) = (*lab).clone() else { return };
            let (dispatch, background) = (dispatch.clone(), Rc::clone(&background));
            wasm_bindgen_futures::spawn_local(async move {
                let function = match &answer {
                    Answer::Function { step: 3, lines } => Some(lines.clone()),
                    _ => None,
                };
                // Steps 3 and 4 written in Python: once passed, the function runs on the
                // lab's stores, traced, as the whole program the editor then shows.
                let written = match &answer {
                    Answer::Python { source, .. } => {
                        Some(Rc::<str>::from(crate::python::programs::as_program(source)))
                    }
                    _ => None,
                };
                let (step, verdict) = check_lesson(&lab, answer, started).await;
                let passed = verdict.is_ok();
                dispatch.dispatch(LabAction::LessonChecked {
                    step,
                    verdict,
                    function,
                });
                match written.filter(|_| passed) {
                    Some(program) => {
                        set_source(&dispatch, Rc::clone(&program));
                        show_python_run(&lab, &dispatch, &background, program).await;
                    }
                    None => dispatch.dispatch(LabAction::BackToLive),
                }
            });
        })
    }
}

/// Runs `source` and shows its trace and output (the editor's Run, and `lab.run_python`).
pub async fn show_python_run(
    lab: &AppLab,
    dispatch: &UseReducerDispatcher<LabState>,
    background: &Rc<RefCell<Background>>,
    source: Rc<str>,
) -> super::python::PythonRun {
    dispatch.dispatch(LabAction::PythonRunning);
    let run = run_python(lab, &source).await;
    if let Some(trace) = &run.trace {
        super::boot::show_trace(background, dispatch, trace.clone());
    }
    dispatch.dispatch(LabAction::PythonRan {
        source,
        output: Rc::from(run.output.as_str()),
        error: run.error.clone(),
    });
    run
}
