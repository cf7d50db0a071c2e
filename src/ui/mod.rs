//! The Yew interface: the lesson's three actors — the application, the Redis cache and the
//! database — side by side, over one [`Lab`](crate::engine::Lab). Browser only.

pub mod components;
mod js_api;
mod memory;
mod state;

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::catalog::PRICES_KEY;
use crate::db::app::AppDb;
use crate::db::tabs::{TabChannel, TabMessage};
use crate::db::DbError;
use crate::emulator::Emulator;
use crate::engine::code;
use crate::engine::trace::{Actor, Consistency, OperationKind, Store};
use crate::engine::{Lab, Outcome};
use crate::playback::{Playback, PlaybackAction};
use crate::scenario::{Scenario, Shared};
use components::actor_card::{ActorCard, ActorStatus};
use components::code_pane::CodePane;
use components::compare_panel::ComparePanel;
use components::console::{Console, ConsoleOutput};
use components::controls::Controls;
use components::db_panel::DbPanel;
use components::lesson_panel::{Answer, LessonPanel};
use components::playback_bar::PlaybackBar;
use components::predict_box::PredictBox;
use components::price_table::{Notes, PriceTable};
use components::race_panel::RacePanel;
use components::scale_panel::{grouped, ScalePanel};
use components::update_form::UpdateForm;
use state::{DbStatus, LabAction, LabState};

type AppLab = Lab<AppDb>;

/// Things that live as long as the page: the tab channel, the write-behind timer, and the
/// calls from `window.lab` waiting for the next frame.
#[derive(Default)]
struct Background {
    channel: Option<TabChannel>,
    frames: Option<Rc<FrameBatch>>,
    timer: Option<(i32, Closure<dyn FnMut()>)>,
}

/// Shows `trace` now. A trace from `window.lab` still waiting for the next frame is older, so
/// it must not replace this one when the frame comes.
fn show_trace(
    background: &Rc<RefCell<Background>>,
    dispatch: &UseReducerDispatcher<LabState>,
    trace: crate::engine::Trace,
) {
    if let Some(frames) = background.borrow().frames.as_ref() {
        frames.forget_trace();
    }
    dispatch.dispatch(LabAction::Traced(trace));
}

fn post(background: &Rc<RefCell<Background>>, message: &TabMessage) {
    if let Some(channel) = background.borrow().channel.as_ref() {
        channel.post(message);
    }
}

/// Opens the database, starts the lab, installs `window.lab`, and listens to other tabs.
async fn boot(
    dispatch: UseReducerDispatcher<LabState>,
    lab_slot: UseStateHandle<Option<Rc<AppLab>>>,
    background: Rc<RefCell<Background>>,
) {
    let blocked = dispatch.clone();
    let (db, notice) = AppDb::open(js_sys::Date::now(), move || {
        blocked.dispatch(LabAction::Notice(DbError::UpgradeBlocked.to_string()));
    })
    .await;
    let persistent = db.is_persistent();
    let seed = (js_sys::Math::random() * 1e15) as u64;
    let redis = Emulator::new(Box::new(|| js_sys::Date::now() as i64), seed);
    let lab = Rc::new(Lab::new(redis, db, Box::new(js_sys::Date::now)));
    if let Err(e) = lab.start().await {
        dispatch.dispatch(LabAction::Failed(e.to_string()));
    }
    dispatch.dispatch(LabAction::Opened {
        persistent,
        notice: notice.map(|e| e.to_string()),
    });

    // Other tabs' writes: reread the table.
    let (tab_lab, tab_dispatch) = (Rc::clone(&lab), dispatch.clone());
    background.borrow_mut().channel = TabChannel::join(move |message| {
        let (lab, dispatch) = (Rc::clone(&tab_lab), tab_dispatch.clone());
        wasm_bindgen_futures::spawn_local(async move {
            match lab.refresh().await {
                Ok(()) => dispatch.dispatch(LabAction::Changed),
                Err(e) => dispatch.dispatch(LabAction::Failed(e.to_string())),
            }
            let what = match message {
                TabMessage::RowChanged(id) => {
                    format!("Another tab wrote {id}; the table was reread.")
                }
                TabMessage::TableReplaced => {
                    "Another tab reset the table; it was reread.".to_owned()
                }
            };
            dispatch.dispatch(LabAction::Notice(what));
        });
    });

    // Write-behind flushes by age too: look once a second.
    let (timer_lab, timer_dispatch, timer_bg) =
        (Rc::clone(&lab), dispatch.clone(), Rc::clone(&background));
    let tick = Closure::<dyn FnMut()>::new(move || {
        if !timer_lab.flush_due() {
            return;
        }
        let (lab, dispatch, bg) = (
            Rc::clone(&timer_lab),
            timer_dispatch.clone(),
            Rc::clone(&timer_bg),
        );
        wasm_bindgen_futures::spawn_local(async move {
            let trace = lab.flush().await;
            for step in &trace.steps {
                if step.ok && step.kind == crate::engine::StepKind::Flush {
                    post(&bg, &TabMessage::RowChanged(trace_product(&step.action)));
                }
            }
            show_trace(&bg, &dispatch, trace);
        });
    });
    if let Some(window) = web_sys::window() {
        if let Ok(id) = window.set_interval_with_callback_and_timeout_and_arguments_0(
            tick.as_ref().unchecked_ref(),
            1000,
        ) {
            background.borrow_mut().timer = Some((id, tick));
        }
    }

    let (api_dispatch, api_bg) = (dispatch.clone(), Rc::clone(&background));
    let frame = FrameBatch::new(api_dispatch);
    background.borrow_mut().frames = Some(Rc::clone(&frame));
    let (replaced_frame, replaced_bg) = (Rc::clone(&frame), Rc::clone(&background));
    js_api::install(
        Rc::clone(&lab),
        Rc::new(move |trace| {
            if let Some(trace) = &trace {
                if trace
                    .steps
                    .iter()
                    .any(|s| s.ok && matches!(s.actor, crate::engine::trace::Actor::Database))
                {
                    post(&api_bg, &TabMessage::RowChanged(trace.product.clone()));
                }
            }
            frame.push(trace);
        }),
        Rc::new(move || {
            post(&replaced_bg, &TabMessage::TableReplaced);
            replaced_frame.push(None);
        }),
    );
    lab_slot.set(Some(lab));

    // A shared link reopens its scenario at its step (replayed on copies of the seed stores).
    let search = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default();
    if let Some(shared) = Shared::from_query(&search) {
        if let Some(trace) = shared.scenario.run() {
            dispatch.dispatch(LabAction::Replay {
                trace,
                scenario: shared.scenario,
                seek: Some(shared.step),
            });
        }
    }
}

/// The product a `database["product1"] = "150"` action is about.
fn trace_product(action: &str) -> String {
    action.split('"').nth(1).unwrap_or_default().to_owned()
}

/// The playback state as a Yew reducer.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct PlaybackState(Playback);

impl Reducible for PlaybackState {
    type Action = PlaybackAction;

    fn reduce(self: Rc<Self>, action: PlaybackAction) -> Rc<Self> {
        Rc::new(PlaybackState(self.0.apply(action)))
    }
}

/// Calls from `window.lab` are shown at the display's pace: what they changed is kept until the
/// next animation frame, then rendered once (the latest trace, if any). A script making a
/// thousand calls gets a thousand answers and the page renders a few frames, not a thousand.
struct FrameBatch {
    dispatch: UseReducerDispatcher<LabState>,
    /// `Some` once something changed since the last frame; `Some(Some(trace))` if a call
    /// produced a trace.
    pending: RefCell<Option<Option<crate::engine::Trace>>>,
    on_frame: RefCell<Option<Closure<dyn FnMut()>>>,
}

impl FrameBatch {
    fn new(dispatch: UseReducerDispatcher<LabState>) -> Rc<Self> {
        let batch = Rc::new(FrameBatch {
            dispatch,
            pending: RefCell::new(None),
            on_frame: RefCell::new(None),
        });
        let weak = Rc::downgrade(&batch);
        *batch.on_frame.borrow_mut() = Some(Closure::new(move || {
            if let Some(batch) = weak.upgrade() {
                batch.flush();
            }
        }));
        batch
    }

    fn push(self: &Rc<Self>, trace: Option<crate::engine::Trace>) {
        let first = {
            let mut pending = self.pending.borrow_mut();
            let first = pending.is_none();
            let latest = pending.take().flatten();
            *pending = Some(trace.or(latest));
            first
        };
        if !first {
            return;
        }
        let requested = web_sys::window().and_then(|w| {
            self.on_frame
                .borrow()
                .as_ref()
                .and_then(|f| w.request_animation_frame(f.as_ref().unchecked_ref()).ok())
        });
        if requested.is_none() {
            self.flush();
        }
    }

    /// Keeps the news that something changed, but not the trace (a newer one is being shown).
    fn forget_trace(&self) {
        let mut pending = self.pending.borrow_mut();
        if pending.is_some() {
            *pending = Some(None);
        }
    }

    fn flush(&self) {
        match self.pending.borrow_mut().take() {
            Some(Some(trace)) => self.dispatch.dispatch(LabAction::Traced(trace)),
            Some(None) => self.dispatch.dispatch(LabAction::Changed),
            None => {}
        }
    }
}

/// Runs `op`, which replaces what the stores hold (a reset, a generated catalog), and tells the
/// other tabs; a failure is shown by the database panel.
fn replace_stores<F>(
    lab: &UseStateHandle<Option<Rc<AppLab>>>,
    dispatch: &UseReducerDispatcher<LabState>,
    background: &Rc<RefCell<Background>>,
    op: impl FnOnce(Rc<AppLab>) -> F + 'static,
) where
    F: std::future::Future<Output = Result<(), crate::engine::EngineError>> + 'static,
{
    let Some(lab) = (**lab).clone() else { return };
    let (dispatch, background) = (dispatch.clone(), Rc::clone(background));
    dispatch.dispatch(LabAction::Busy);
    wasm_bindgen_futures::spawn_local(async move {
        match op(lab).await {
            Ok(()) => {
                post(&background, &TabMessage::TableReplaced);
                dispatch.dispatch(LabAction::Changed);
            }
            Err(e) => dispatch.dispatch(LabAction::Failed(e.to_string())),
        }
    });
}

/// Milliseconds since the page started (`performance.now()`), or 0 where there is none.
pub(crate) fn performance_now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// Runs an async lab operation that ends in a trace, then shows the trace.
fn run_traced<F>(
    lab: &UseStateHandle<Option<Rc<AppLab>>>,
    dispatch: &UseReducerDispatcher<LabState>,
    background: &Rc<RefCell<Background>>,
    op: impl FnOnce(Rc<AppLab>) -> F + 'static,
) where
    F: std::future::Future<Output = crate::engine::Trace> + 'static,
{
    let Some(lab) = (**lab).clone() else { return };
    let (dispatch, background) = (dispatch.clone(), Rc::clone(background));
    dispatch.dispatch(LabAction::Busy);
    wasm_bindgen_futures::spawn_local(async move {
        let trace = op(lab).await;
        if trace
            .steps
            .iter()
            .any(|s| s.ok && s.actor == Actor::Database)
        {
            post(&background, &TabMessage::RowChanged(trace.product.clone()));
        }
        show_trace(&background, &dispatch, trace);
    });
}

/// The whole page.
#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(LabState::default);
    let playback = use_reducer(PlaybackState::default);
    let lab = use_state(|| None::<Rc<AppLab>>);
    let scale_message = use_state(|| None::<String>);
    let background = use_mut_ref(Background::default);

    {
        let (dispatch, lab, background) = (state.dispatcher(), lab.clone(), background.clone());
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(boot(dispatch, lab, background));
        });
    }

    // A new trace plays from its first step.
    {
        let playback = playback.dispatcher();
        let trace = state.last_trace.clone();
        let seek = state.seek;
        use_effect_with(trace.as_ref().map(Rc::as_ptr), move |_| {
            if let Some(trace) = trace {
                playback.dispatch(PlaybackAction::Load {
                    len: trace.steps.len(),
                    autoplay: seek.is_none() && !prefers_reduced_motion(),
                });
                if let Some(step) = seek {
                    playback.dispatch(PlaybackAction::Seek(step));
                }
            }
        });
    }

    // The one timer: advance while playing.
    {
        let dispatch = playback.dispatcher();
        let p = playback.0;
        use_effect_with(p, move |p| {
            let handle = p.playing.then(|| {
                let tick =
                    Closure::<dyn FnMut()>::once(move || dispatch.dispatch(PlaybackAction::Tick));
                let id = web_sys::window().and_then(|w| {
                    w.set_timeout_with_callback_and_timeout_and_arguments_0(
                        tick.as_ref().unchecked_ref(),
                        p.interval_ms() as i32,
                    )
                    .ok()
                });
                (id, tick)
            });
            move || {
                if let (Some((Some(id), _tick)), Some(w)) = (handle, web_sys::window()) {
                    w.clear_timeout_with_handle(id);
                }
            }
        });
    }

    // Keyboard: ← → step, Space plays, Home and End jump (not while typing in a field or
    // scrolling a focused table).
    {
        let dispatch = playback.dispatcher();
        use_effect_with((), move |_| {
            let listener = Closure::<dyn FnMut(web_sys::KeyboardEvent)>::new(
                move |e: web_sys::KeyboardEvent| {
                    let target = e
                        .target()
                        .and_then(|t| t.dyn_into::<web_sys::Element>().ok());
                    let tag = target.as_ref().map(|el| el.tag_name());
                    // A focused scrolling table takes the arrows, Home, End and Space to scroll.
                    let in_field = matches!(tag.as_deref(), Some("INPUT" | "SELECT" | "TEXTAREA"))
                        || target.is_some_and(|el| el.class_list().contains("price-table__scroll"));
                    // A focused button handles Space itself (it clicks).
                    let on_button_space = tag.as_deref() == Some("BUTTON") && e.key() == " ";
                    if in_field || on_button_space || e.ctrl_key() || e.meta_key() || e.alt_key() {
                        return;
                    }
                    let action = match e.key().as_str() {
                        "ArrowLeft" => PlaybackAction::Previous,
                        "ArrowRight" => PlaybackAction::Next,
                        " " => PlaybackAction::Toggle,
                        "Home" => PlaybackAction::First,
                        "End" => PlaybackAction::Last,
                        _ => return,
                    };
                    e.prevent_default();
                    dispatch.dispatch(action);
                },
            );
            let window = web_sys::window();
            if let Some(w) = &window {
                let _ = w
                    .add_event_listener_with_callback("keydown", listener.as_ref().unchecked_ref());
            }
            move || {
                if let Some(w) = window {
                    let _ = w.remove_event_listener_with_callback(
                        "keydown",
                        listener.as_ref().unchecked_ref(),
                    );
                }
            }
        });
    }

    let on_write = {
        let (lab, dispatch, background) = (lab.clone(), state.dispatcher(), background.clone());
        Callback::from(move |(id, price): (String, String)| {
            let Some(lab) = (*lab).clone() else { return };
            let (dispatch, background) = (dispatch.clone(), Rc::clone(&background));
            dispatch.dispatch(LabAction::Busy);
            wasm_bindgen_futures::spawn_local(async move {
                match lab.edit_database(&id, &price).await {
                    Ok(_) => {
                        post(&background, &TabMessage::RowChanged(id));
                        dispatch.dispatch(LabAction::Changed);
                    }
                    Err(e) => dispatch.dispatch(LabAction::Failed(e.to_string())),
                }
            });
        })
    };
    let on_reset = {
        let (lab, dispatch, background) = (lab.clone(), state.dispatcher(), background.clone());
        let scale_message = scale_message.clone();
        Callback::from(move |()| {
            scale_message.set(None);
            replace_stores(&lab, &dispatch, &background, |lab| async move {
                lab.reset().await
            });
        })
    };
    let on_seed = {
        let (lab, dispatch, background) = (lab.clone(), state.dispatcher(), background.clone());
        let scale_message = scale_message.clone();
        Callback::from(move |n: usize| {
            let scale_message = scale_message.clone();
            scale_message.set(Some(format!("Loading {} products…", grouped(n))));
            replace_stores(&lab, &dispatch, &background, move |lab| async move {
                let started = performance_now();
                let seeded = lab.seed_catalog(n).await;
                scale_message.set(Some(match &seeded {
                    Ok(()) => format!(
                        "Both stores hold {} products: seeded in {:.0} ms (one IndexedDB transaction, one HMSET).",
                        grouped(n),
                        performance_now() - started
                    ),
                    Err(e) => format!("The catalog could not be loaded: {e}"),
                }));
                seeded
            });
        })
    };
    let on_update = {
        let (lab, dispatch, background) = (lab.clone(), state.dispatcher(), background.clone());
        Callback::from(move |(product, price): (String, String)| {
            run_traced(&lab, &dispatch, &background, move |lab| async move {
                lab.update_price(&product, &price).await
            });
        })
    };
    let on_restart = {
        let (lab, dispatch, background) = (lab.clone(), state.dispatcher(), background.clone());
        Callback::from(move |()| {
            run_traced(&lab, &dispatch, &background, |lab| async move {
                lab.restart().await
            })
        })
    };
    let on_flush = {
        let (lab, dispatch, background) = (lab.clone(), state.dispatcher(), background.clone());
        Callback::from(move |()| {
            run_traced(&lab, &dispatch, &background, |lab| async move {
                lab.flush().await
            })
        })
    };
    let on_pattern = {
        let (lab, dispatch) = (lab.clone(), state.dispatcher());
        Callback::from(move |p| {
            if let Some(lab) = &*lab {
                lab.set_pattern(p);
                dispatch.dispatch(LabAction::Changed);
            }
        })
    };
    let on_faults = {
        let (lab, dispatch) = (lab.clone(), state.dispatcher());
        Callback::from(move |f| {
            if let Some(lab) = &*lab {
                lab.set_faults(f);
                dispatch.dispatch(LabAction::Changed);
            }
        })
    };
    let on_console = {
        let (lab, dispatch) = (lab.clone(), state.dispatcher());
        Callback::from(move |line: String| -> ConsoleOutput {
            let Some(lab) = &*lab else {
                return ConsoleOutput {
                    text: "The lab is still starting.\n".to_owned(),
                    clear: false,
                };
            };
            let out = lab.console_line(&line);
            dispatch.dispatch(LabAction::Changed);
            let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
            if out.quit {
                text.push_str("(redis-cli would exit here; this console stays open)\n");
            }
            ConsoleOutput {
                text,
                clear: out.clear,
            }
        })
    };
    let on_playback = {
        let dispatch = playback.dispatcher();
        Callback::from(move |a| dispatch.dispatch(a))
    };

    // Predict, then see: answers per step of the current trace; playing pauses at a question.
    let answers = use_state(std::collections::HashMap::<usize, String>::new);
    let predictions = state
        .last_trace
        .as_deref()
        .map(crate::engine::predict::predictions)
        .unwrap_or_default();
    {
        let answers = answers.clone();
        use_effect_with(state.last_trace.as_ref().map(Rc::as_ptr), move |_| {
            answers.set(Default::default())
        });
    }
    {
        let dispatch = playback.dispatcher();
        let waiting = playback.0.playing
            && predictions
                .iter()
                .any(|q| q.step == playback.0.cursor && !answers.contains_key(&q.step));
        use_effect_with(waiting, move |waiting| {
            if *waiting {
                dispatch.dispatch(PlaybackAction::Toggle);
            }
        });
    }
    let on_answer = {
        let (answers, cursor) = (answers.clone(), playback.0.cursor);
        Callback::from(move |choice: String| {
            let mut next = (*answers).clone();
            next.insert(cursor, choice);
            answers.set(next);
        })
    };
    let compare = use_state(|| None::<(crate::engine::Trace, crate::engine::Trace)>);
    let scenario = match state.last_trace.as_deref() {
        Some(t) if t.operation == OperationKind::UpdatePrice && !t.product.is_empty() => {
            (t.product.clone(), t.new_price.clone())
        }
        _ => ("product1".to_owned(), "150".to_owned()),
    };
    let on_compare = {
        let (lab, compare, scenario) = (lab.clone(), compare.clone(), scenario.clone());
        Callback::from(
            move |(left, right): (crate::engine::Pattern, crate::engine::Pattern)| {
                let Some(lab) = &*lab else { return };
                let (cache, db, faults) = (lab.cache(), lab.database_prices(), lab.faults());
                let run = |p| {
                    crate::engine::sandbox::run_update(
                        p,
                        faults,
                        &cache,
                        &db,
                        &scenario.0,
                        &scenario.1,
                    )
                };
                if let (Some(a), Some(b)) = (run(left), run(right)) {
                    compare.set(Some((a, b)));
                }
            },
        )
    };

    let lesson = use_state(|| (0usize, None::<Result<String, String>>));
    let on_lesson_start = {
        let (lab, dispatch, lesson) = (lab.clone(), state.dispatcher(), lesson.clone());
        Callback::from(move |()| {
            let Some(lab) = (*lab).clone() else { return };
            let (dispatch, lesson) = (dispatch.clone(), lesson.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match lab.lesson_begin().await {
                    Ok(()) => lesson.set((
                        0,
                        Some(Ok(
                            "Both stores are empty. Create the hash in the Redis console below."
                                .to_owned(),
                        )),
                    )),
                    Err(e) => lesson.set((lesson.0, Some(Err(e.to_string())))),
                }
                dispatch.dispatch(LabAction::Changed);
            });
        })
    };
    let on_lesson_check = {
        let (lab, dispatch, lesson) = (lab.clone(), state.dispatcher(), lesson.clone());
        Callback::from(move |answer: Answer| {
            let Some(lab) = (*lab).clone() else { return };
            let (dispatch, lesson) = (dispatch.clone(), lesson.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let (step, verdict) = check_lesson(&lab, answer).await;
                let done = if verdict.is_ok() {
                    lesson.0.max(step + 1)
                } else {
                    lesson.0
                };
                lesson.set((done, Some(verdict)));
                dispatch.dispatch(LabAction::Changed);
            });
        })
    };

    let on_race = {
        let dispatch = state.dispatcher();
        Callback::from(move |scenario: Scenario| {
            if let Some(trace) = scenario.run() {
                dispatch.dispatch(LabAction::Replay {
                    trace,
                    scenario,
                    seek: None,
                });
            }
        })
    };
    let link = use_state(|| None::<String>);
    let on_link = {
        let (link, scenario, step) = (link.clone(), state.scenario.clone(), playback.0.cursor);
        Callback::from(move |_: MouseEvent| {
            let Some(scenario) = scenario.clone() else {
                return;
            };
            let query = Shared { scenario, step }.to_query();
            let Some(window) = web_sys::window() else {
                return;
            };
            let location = window.location();
            let base = format!(
                "{}{}",
                location.origin().unwrap_or_default(),
                location.pathname().unwrap_or_default()
            );
            let url = format!("{base}?{query}");
            if let Ok(history) = window.history() {
                let _ =
                    history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
            }
            link.set(Some(url));
        })
    };

    let live = lab.as_ref().map(|lab| {
        (
            lab.cache_table(),
            lab.database_table(),
            lab.database(),
            lab.consistency(),
            lab.pattern(),
            lab.faults(),
            lab.is_crashed(),
            lab.queue().len(),
        )
    });
    let (live_cache, live_db, db_records, live_consistency, pattern, faults, crashed, queued) =
        live.unwrap_or_default();
    // What the stage shows: the current step of the last trace, or the stores as they are.
    let trace = state.last_trace.clone();
    let p = playback.0;
    let step = trace
        .as_ref()
        .and_then(|t| t.steps.get(p.cursor.min(t.steps.len().saturating_sub(1))));
    // The lab's own stores are shown live once a trace of them reaches its end; a replay (a race,
    // a shared link) ran on copies, so its steps are always shown as recorded.
    let at_latest = !state.replayed && trace.as_ref().is_none_or(|t| p.cursor + 1 >= t.steps.len());
    let (cache_rows, db_rows, consistency) = match step {
        Some(s) if !at_latest => (
            Rc::clone(&s.cache),
            Rc::clone(&s.database),
            s.consistency.clone(),
        ),
        _ => (
            Rc::clone(&live_cache),
            Rc::clone(&live_db),
            live_consistency,
        ),
    };
    let changed = |store: Store| -> Rc<Vec<String>> {
        Rc::new(
            step.map(|s| {
                s.changes
                    .iter()
                    .filter(|c| c.store == store)
                    .map(|c| c.key.clone())
                    .collect()
            })
            .unwrap_or_default(),
        )
    };
    // The product the shown operation is about, brought into view in a long table.
    let reveal = trace
        .as_ref()
        .map(|t| t.product.clone())
        .filter(|p| !p.is_empty())
        .map(AttrValue::from);
    // A new operation brings its product into view again, even if it is the same product.
    let reveal_token = trace.as_ref().map_or(0, |t| Rc::as_ptr(t) as usize);
    let stale: Rc<Vec<String>> = Rc::new(
        consistency
            .diverged
            .iter()
            .map(|d| d.product.clone())
            .collect(),
    );
    let listing = match trace.as_deref() {
        Some(t) if t.operation == OperationKind::Recovery => code::RECOVERY,
        Some(t) => code::update_price(t.pattern),
        None => code::update_price(pattern),
    };
    let (py_line, rs_line) = step.map_or((0, 0), |s| (s.code.python, s.code.rust));
    let active = step.map(|s| s.actor);
    let rejection = match trace.as_deref().map(|t| &t.outcome) {
        Some(Outcome::Rejected(m)) => Some(AttrValue::from(m.clone())),
        _ => None,
    };

    let db_status = match &state.status {
        DbStatus::Opening => ActorStatus::Pending("Opening IndexedDB…".to_owned()),
        DbStatus::Persistent => ActorStatus::Live("Live — IndexedDB in this browser".to_owned()),
        DbStatus::InMemory => ActorStatus::Failed("Not persistent — kept in memory".to_owned()),
    };
    let cache_status = match &state.status {
        DbStatus::Opening => ActorStatus::Pending("Starting…".to_owned()),
        _ if faults.cache_write => {
            ActorStatus::Failed("Out of memory — writes refused (fault on)".to_owned())
        }
        _ => ActorStatus::Live("Live — embedded Redis emulator".to_owned()),
    };
    let app_status = if crashed {
        ActorStatus::Failed("Crashed — restart to recover".to_owned())
    } else {
        ActorStatus::Live(pattern.title().to_owned())
    };
    let opening = state.status == DbStatus::Opening;
    let narration = match (step, trace.as_deref()) {
        (Some(s), Some(t)) => format!(
            "Step {} of {} — {}",
            p.cursor + 1,
            t.steps.len(),
            s.narration
        ),
        _ => "Update a price to see each step of the write.".to_owned(),
    };

    html! {
        <div class="lab">
            <header class="lab__header">
                <h1 class="lab__title">{ "Write-Through Lab" }</h1>
                <p class="lab__tagline">
                    { "Every price lives in two places: a Redis cache and a database. " }
                    { "Write-through keeps them in step by writing both on every update." }
                </p>
            </header>
            if let Some(notice) = &state.notice {
                <p class="lab__notice" role="status">{ notice.clone() }</p>
            }
            <LessonPanel done={lesson.0} feedback={lesson.1.clone()} busy={state.busy || opening} on_start={on_lesson_start} on_check={on_lesson_check} />
            <div class="lab__top">
                <UpdateForm products={Rc::clone(&live_db)} busy={state.busy || opening} rejection={rejection} on_update={on_update} />
                <Controls pattern={pattern} faults={faults} crashed={crashed} queued={queued} busy={state.busy || opening}
                    on_pattern={on_pattern} on_faults={on_faults} on_restart={on_restart} on_flush={on_flush} on_reset={on_reset.clone()} />
            </div>
            <div class="lab__player">
                <PlaybackBar playback={p} on_action={on_playback} />
                if state.scenario.is_some() {
                    <div class="share">
                        <button type="button" class="playback__button" onclick={on_link}>{ "Link to this step" }</button>
                        if let Some(url) = &*link {
                            <input class="share__url" type="text" readonly=true value={url.clone()} aria-label="Link to this step" />
                        }
                    </div>
                }
                <p class="narration" aria-live="polite" aria-label="Narration">{ narration }</p>
                if let Some(q) = predictions.iter().find(|q| q.step == p.cursor) {
                    <PredictBox prediction={q.clone()} answered={answers.get(&q.step).cloned()} on_answer={on_answer} />
                }
            </div>
            <main class="stage" aria-label="The three actors of the lesson">
                <ActorCard title="Application" role_line="Runs update_price(product, new_price)" status={app_status} active={active == Some(Actor::Application)}>
                    <CodePane listing={listing} python_line={py_line} rust_line={rs_line} />
                    if let Some(s) = step {
                        <div key={format!("{}-{}", p.cursor, s.action)} class={classes!("message", format!("message--to-{}", actor_id(s.actor)))} aria-hidden="true">
                            { s.action.clone() }
                        </div>
                    }
                    { last_trace_view(trace.as_deref()) }
                </ActorCard>
                <ActorCard title="Redis cache" role_line={format!("Hash {PRICES_KEY}")} status={cache_status} active={active == Some(Actor::Cache)}>
                    if opening {
                        <p class="actor-card__note">{ "Warming the cache from the database…" }</p>
                    } else {
                        <PriceTable
                            caption={format!("Hash {PRICES_KEY}")}
                            key_heading="field"
                            value_heading="value"
                            rows={cache_rows}
                            stale={stale}
                            changed={changed(Store::Cache)}
                            reveal={reveal.clone()}
                            reveal_token={reveal_token}
                        />
                        <p class={classes!("consistency", if consistency.in_step { "consistency--in-step" } else { "consistency--diverged" })} role="status" aria-label="Consistency">
                            { consistency_text(&consistency) }
                        </p>
                        if !at_latest {
                            <p class="actor-card__note">{ if state.replayed {
                                "Replayed on copies of the stores: the lab's own stores are unchanged."
                            } else {
                                "Showing the stores as they were at this step."
                            } }</p>
                        }
                    }
                </ActorCard>
                <ActorCard title="Database" role_line="Table products (the source of truth)" status={db_status} active={active == Some(Actor::Database)}>
                    if opening {
                        <p class="actor-card__note">{ "Reading the products table…" }</p>
                    } else {
                        <PriceTable
                            caption="Table products"
                            key_heading="id"
                            value_heading="price"
                            rows={db_rows}
                            changed={changed(Store::Database)}
                            reveal={reveal}
                            reveal_token={reveal_token}
                            notes={at_latest.then_some(Notes(db_records))}
                            notes_heading="last written by"
                        />
                        <DbPanel products={Rc::clone(&live_db)} busy={state.busy} error={state.error.clone().map(AttrValue::from)} on_write={on_write} on_reset={on_reset.clone()} />
                    }
                </ActorCard>
            </main>
            <ScalePanel products={live_db.len()} busy={state.busy || opening} message={(*scale_message).clone().map(AttrValue::from)} on_seed={on_seed} on_reset={on_reset} />
            <RacePanel on_run={on_race} />
            <ComparePanel scenario={format!("update_price({:?}, {:?})", scenario.0, scenario.1)} results={(*compare).clone()} on_compare={on_compare} />
            <Console on_run={on_console} />
            <footer class="lab__footer">
                { "Runs entirely in your browser: the cache is an embedded Redis emulator, the database is IndexedDB. Scriptable from the console as window.lab." }
            </footer>
        </div>
    }
}

/// Checks a lesson answer by running it on the lab's stores; returns the step and the verdict.
async fn check_lesson(lab: &AppLab, answer: Answer) -> (usize, Result<String, String>) {
    use crate::lesson;
    let failed = |e: crate::engine::EngineError| Err(e.to_string());
    match answer {
        Answer::Hash => (
            0,
            lesson::check_hash(&lab.cache())
                .map(|()| "Right: the hash holds the three prices.".to_owned()),
        ),
        Answer::Database(source) => {
            let verdict = match lesson::parse_database(&source) {
                Err(e) => Err(e),
                Ok(pairs) => match lab.replace_database(&pairs).await {
                    Err(e) => failed(e),
                    Ok(()) => lesson::check_database(&lab.database_prices()).map(|()| {
                        "Right: the database holds the same three rows as the cache.".to_owned()
                    }),
                },
            };
            (1, verdict)
        }
        Answer::Function { step, lines } => {
            let verdict = async {
                lab.set_both("product1", "100").await.map_err(|e| e.to_string())?;
                let run = lesson::run(&lines, "product1", "150")?;
                let errors = lab.run_effects(&run.effects).await.map_err(|e| e.to_string())?;
                if step == 2 {
                    lesson::check_step3(&run, &lab.database_prices())
                        .map(|()| "Right: the database has the new price and redis_command is the HSET to send.".to_owned())
                } else {
                    lesson::check_step4(&lab.cache(), &lab.database_prices(), &errors)
                        .map(|()| "Right: update_price(\"product1\", 150) wrote 150 to the cache and to the database.".to_owned())
                }
            }
            .await;
            (step, verdict)
        }
    }
}

fn actor_id(actor: Actor) -> &'static str {
    match actor {
        Actor::Application => "application",
        Actor::Cache => "cache",
        Actor::Database => "database",
        Actor::Queue => "queue",
    }
}

fn consistency_text(c: &Consistency) -> String {
    if c.in_step {
        "In step: every cached price is the database's.".to_owned()
    } else {
        let list: Vec<String> = c
            .diverged
            .iter()
            .map(|d| {
                format!(
                    "{} (cache {}, database {})",
                    d.product,
                    d.cache,
                    d.database.as_deref().unwrap_or("none")
                )
            })
            .collect();
        format!("Diverged: {}", list.join(", "))
    }
}

fn prefers_reduced_motion() -> bool {
    web_sys::window()
        .and_then(|w| {
            w.match_media("(prefers-reduced-motion: reduce)")
                .ok()
                .flatten()
        })
        .is_some_and(|m| m.matches())
}

/// The last operation, step by step (the full stage with playback comes with the interface).
fn last_trace_view(trace: Option<&crate::engine::Trace>) -> Html {
    // Always the same element, so that the first trace only fills it in.
    let (title, steps) = match trace {
        Some(trace) => (
            format!(
                "Last operation: {} — {}",
                operation_text(trace),
                outcome_text(&trace.outcome)
            ),
            trace
                .steps
                .iter()
                .map(|s| (s.narration.clone(), s.ok))
                .collect::<Vec<_>>(),
        ),
        None => (
            "No operation yet: update a price above, or call window.lab.update_price(...) from the browser console.".to_owned(),
            Vec::new(),
        ),
    };
    html! {
        <section class="last-trace" aria-label="Last operation">
            <h3 class="last-trace__title">{ title }</h3>
            <ol class="last-trace__steps">
                { for steps.into_iter().map(|(narration, ok)| html! {
                    <li class={classes!("last-trace__step", (!ok).then_some("last-trace__step--failed"))}>{ narration }</li>
                }) }
            </ol>
        </section>
    }
}

fn operation_text(trace: &crate::engine::Trace) -> String {
    use crate::engine::trace::OperationKind;
    match trace.operation {
        OperationKind::UpdatePrice => {
            format!("update_price({:?}, {:?})", trace.product, trace.new_price)
        }
        OperationKind::Recovery => "restart and recovery".to_owned(),
        OperationKind::Flush => "write-behind flush".to_owned(),
        OperationKind::Race => "two writers".to_owned(),
    }
}

fn outcome_text(outcome: &crate::engine::Outcome) -> String {
    match outcome {
        crate::engine::Outcome::Completed => "completed".to_owned(),
        crate::engine::Outcome::Rejected(m) => format!("rejected: {m}"),
        crate::engine::Outcome::Failed(m) => format!("failed: {m}"),
        crate::engine::Outcome::Crashed => "crashed".to_owned(),
    }
}
