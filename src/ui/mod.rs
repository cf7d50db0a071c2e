//! The Yew interface: one playground screen over one [`Lab`](crate::engine::Lab). Browser only.
//!
//! | module | job |
//! |---|---|
//! | [`boot`] | opening the database, starting the lab, `window.lab`, other tabs, write-behind's timer |
//! | [`hooks`] | `use_lab` (the lab and the page's state), `use_playback`, `use_travel` (messages that move) |
//! | [`actions`] | what the learner's clicks do to the lab, as callbacks |
//! | [`state`] | the page's state: one reducer, no I/O |
//! | [`offline`] | the service worker: registered in release builds, "a new version is ready" |
//! | [`python`] | the learner's Python: the interpreter's worker, a run replayed as a trace, the lesson's checks |
//! | [`components`] | one file per component: the stage, the sequence diagram, the panels |
//!
//! The screen: a top bar with the panels' tabs; beside the stage, the current panel (the
//! playground's task, update form, console, pattern and faults; or the race, the comparison,
//! the large catalog); the stage (the actors), the playback controls and the sequence diagram.

mod actions;
mod boot;
pub mod components;
mod hooks;
mod js_api;
mod leader_redis;
mod lesson_check;
mod memory;
mod offline;
mod python;
mod shared_redis;
mod state;
pub mod transport;
mod web_locks;

use std::rc::Rc;

use yew::prelude::*;

use crate::engine::diagram::Diagram;
use crate::engine::predict::predictions;
use crate::engine::trace::OperationKind;
use crate::playback::PlaybackAction;
use crate::scenario::{Scenario, Shared};
use components::compare_panel::ComparePanel;
use components::console::Console;
use components::controls::Controls;
use components::last_trace::LastTrace;
use components::lesson_panel::LessonPanel;
use components::playback_bar::PlaybackBar;
use components::predict_box::PredictBox;
use components::race_panel::RacePanel;
use components::scale_panel::ScalePanel;
use components::sequence_diagram::SequenceDiagram;
use components::stage::{LiveStores, PythonCalls, Stage, StageMode};
use components::tabs::Tabs;
use components::update_form::UpdateForm;
use hooks::{use_lab, use_playback, use_travel};
use state::{DbStatus, LabAction, Tab};

/// The whole page.
#[function_component(App)]
pub fn app() -> Html {
    let lab = use_lab();
    let state = lab.state.clone();
    let shown_trace = state.shown_trace().cloned();
    // The trace as a diagram, made once per trace for the stage, the travel and the drawing.
    let diagram = {
        let trace = shown_trace.clone();
        use_memo(shown_trace.as_ref().map(Rc::as_ptr), move |_| {
            trace.as_deref().map(Diagram::of)
        })
    };
    let playback = use_playback(shown_trace.clone(), state.seek, state.live_token);
    let p = playback.0;
    let travel_layer = use_node_ref();
    let shown = use_travel(
        Rc::clone(&diagram),
        p.cursor,
        p.interval_ms(),
        travel_layer.clone(),
    );

    let live = lab
        .lab
        .as_ref()
        .map(|l| LiveStores {
            cache: l.cache(),
            database: l.database(),
            rows: l.rows(),
            queue: Rc::new(l.queue()),
            consistency: l.consistency(),
            pattern: l.pattern(),
            faults: l.faults(),
            crashed: l.is_crashed(),
            shared: l.cache_link().connected().is_some(),
            per_key_ordering: l.per_key_ordering(),
        })
        .unwrap_or_default();
    let at_end = shown_trace
        .as_ref()
        .is_none_or(|t| p.cursor + 1 >= t.steps.len());
    let mode = match &state.replay {
        Some(r) if r.scenario.is_race() => StageMode::Race,
        Some(_) => StageMode::Link,
        None if at_end => StageMode::Live,
        None => StageMode::Step {
            cursor: p.cursor,
            len: shown_trace.as_ref().map_or(0, |t| t.steps.len()),
        },
    };
    let opening = state.status == DbStatus::Opening;
    // Where the panels stack (a phone), a new operation brings the stage into view.
    {
        let trace = state.last_trace.as_ref().map(Rc::as_ptr);
        use_effect_with(trace, move |trace| {
            if trace.is_some() {
                bring_stage_into_view();
            }
        });
    }
    let busy = state.busy || opening;

    // Predict, then see: answers per step of the current trace; playing pauses at a question.
    let answers = use_state(std::collections::HashMap::<usize, String>::new);
    let questions = {
        let trace = shown_trace.clone();
        use_memo(shown_trace.as_ref().map(Rc::as_ptr), move |_| {
            trace.as_deref().map(predictions).unwrap_or_default()
        })
    };
    {
        let answers = answers.clone();
        use_effect_with(shown_trace.as_ref().map(Rc::as_ptr), move |_| {
            answers.set(Default::default())
        });
    }
    {
        let dispatch = playback.dispatcher();
        let waiting = p.playing
            && questions
                .iter()
                .any(|q| q.step == p.cursor && !answers.contains_key(&q.step));
        use_effect_with(waiting, move |waiting| {
            if *waiting {
                dispatch.dispatch(PlaybackAction::Toggle);
            }
        });
    }
    let on_answer = {
        let (answers, cursor) = (answers.clone(), p.cursor);
        Callback::from(move |choice: String| {
            let mut next = (*answers).clone();
            next.insert(cursor, choice);
            answers.set(next);
        })
    };

    let scenario_pair = match state.last_trace.as_deref() {
        Some(t) if t.operation == OperationKind::UpdatePrice && !t.product.is_empty() => {
            (t.product.clone(), t.new_price.clone())
        }
        _ => ("product1".to_owned(), "150".to_owned()),
    };
    let compare = use_state(|| None::<(crate::engine::Trace, crate::engine::Trace)>);
    let link = use_state(|| None::<String>);
    let on_link = {
        let (link, scenario, step) = (link.clone(), state.shown_scenario().cloned(), p.cursor);
        Callback::from(move |_: MouseEvent| {
            if let Some(url) = scenario.clone().and_then(|s| share_url(s, step)) {
                link.set(Some(url));
            }
        })
    };
    let on_playback = {
        let dispatch = playback.dispatcher();
        Callback::from(move |a| dispatch.dispatch(a))
    };
    // Kept across renders, so that the diagram and the steps' list (thousands of rows for a
    // long run of the learner's Python) render again only when their trace or step changes.
    let on_seek = use_callback(playback.dispatcher(), |step, dispatch| {
        dispatch.dispatch(PlaybackAction::Seek(step))
    });
    let on_tab = {
        let dispatch = state.dispatcher();
        Callback::from(move |tab| dispatch.dispatch(LabAction::Tab(tab)))
    };
    let on_back_to_live = {
        let dispatch = state.dispatcher();
        Callback::from(move |()| dispatch.dispatch(LabAction::BackToLive))
    };
    let on_race = {
        let dispatch = state.dispatcher();
        Callback::from(move |scenario: Scenario| {
            if let Some(trace) = scenario.run_on(crate::db::app::AppDb::in_memory) {
                dispatch.dispatch(LabAction::Replay {
                    trace,
                    scenario,
                    seek: None,
                });
            }
        })
    };
    let race_result = state
        .replay
        .as_ref()
        .filter(|r| r.scenario.is_race())
        .map(|r| Rc::clone(&r.trace));

    let side = match state.tab {
        Tab::Playground => html! {
            <>
                <LessonPanel lesson={(*lab.lesson).clone()} busy={busy} on_start={lab.on_lesson_start()} on_check={lab.on_lesson_check()}
                    python_source={Rc::clone(&state.python.source)} on_open_editor={lab.on_open_editor()} />
                <UpdateForm products={Rc::clone(&live.database)} busy={busy} rejection={lab.rejection()} on_update={lab.on_update()} />
                <Console on_run={lab.on_console()} />
                <Controls pattern={live.pattern} faults={live.faults} crashed={live.crashed} queued={live.queue.len()} busy={busy}
                    on_pattern={lab.on_pattern()} on_faults={lab.on_faults()} on_restart={lab.on_restart()} on_flush={lab.on_flush()} on_reset={lab.on_reset()}
                    shared={live.shared} per_key_ordering={live.per_key_ordering} on_per_key_ordering={lab.on_per_key_ordering()}
                    run_mine={lab.lesson.function.as_ref().map(|_| lab.lesson.run_mine)} on_run_mine={lab.on_run_mine()} />
            </>
        },
        Tab::Race => html! { <RacePanel on_run={on_race} result={race_result} /> },
        Tab::Compare => html! {
            <ComparePanel scenario={format!("update_price({:?}, {:?})", scenario_pair.0, scenario_pair.1)} results={(*compare).clone()}
                on_compare={lab.on_compare(compare.clone(), scenario_pair.clone())} />
        },
        Tab::Scale => html! {
            <ScalePanel products={live.database.len()} busy={busy} message={(*lab.scale_message).clone().map(AttrValue::from)}
                on_seed={lab.on_seed()} on_reset={lab.on_reset()} />
        },
    };

    let narration = match (
        shown_trace.as_deref(),
        shown_trace.as_deref().and_then(|t| t.steps.get(p.cursor)),
    ) {
        (Some(t), Some(s)) => format!(
            "Step {} of {} — {}",
            p.cursor + 1,
            t.steps.len(),
            s.narration
        ),
        _ => "Update a price to see each step of the write.".to_owned(),
    };
    let question = questions.iter().find(|q| q.step == p.cursor).cloned();

    html! {
        <div class="lab">
            <header class="topbar">
                <h1 class="topbar__title">{ "Write-Through Lab" }</h1>
                <p class="topbar__tagline">{ "Every price lives in a Redis cache and a database: watch each write travel, in order." }</p>
                <Tabs current={state.tab} on_select={on_tab} />
            </header>
            if state.update_ready {
                <div class="update-notice" role="status">
                    <span>{ "A new version is ready — reload" }</span>
                    <button type="button" class="button button--app" onclick={Callback::from(|_| offline::reload_into_new_version())}>{ "Reload" }</button>
                </div>
            }
            if let Some(notice) = &state.notice {
                <p class="lab__notice" role="status">{ notice.clone() }</p>
            }
            <div class="playground">
                <div class="playground__side" id={format!("panel-{}", state.tab.id())} role="tabpanel" aria-labelledby={format!("tab-{}", state.tab.id())}>
                    { side }
                    <footer class="lab__footer">
                        { "Runs entirely in your browser: the cache is an embedded Redis emulator, the database is IndexedDB. Scriptable from the console as window.lab." }
                    </footer>
                </div>
                <main class="playground__main">
                    <Stage mode={mode} trace={shown_trace.clone()} diagram={Rc::clone(&diagram)} mine={lab.lesson.function.as_deref().map(|l| Rc::new(crate::lesson::listing(l)))} cursor={p.cursor} shown={shown} live={live.clone()}
                        status={state.status.clone()} busy={state.busy} error={state.error.clone().map(AttrValue::from)}
                        travel_layer={travel_layer} on_back_to_live={on_back_to_live} on_write={lab.on_write()} on_reset={lab.on_reset()}
                        code_view={state.code_view} python={state.python.clone()} python_calls={PythonCalls {
                            on_view: lab.on_code_view(), on_edit_pattern: lab.on_edit_pattern(), on_input: lab.on_python_input(),
                            on_run: lab.on_python_run(), on_load: lab.on_python_load(),
                        }} />
                    <div class="player">
                        <PlaybackBar playback={p} on_action={on_playback} />
                        <p class="narration" aria-live="polite" aria-label="Narration">{ narration }</p>
                        if state.warm_up.is_some() {
                            <div class="player__extras">
                                <button type="button" class="playback__button player__flush" onclick={{
                                    let dispatch = state.dispatcher();
                                    Callback::from(move |_| dispatch.dispatch(LabAction::OpenWarmUp))
                                }}>{ "Open the warm-up (Redis started empty)" }</button>
                            </div>
                        }
                        if !state.timed_flushes.is_empty() {
                            <div class="player__extras">
                                { for state.timed_flushes.iter().enumerate().map(|(i, t)| {
                                    let dispatch = state.dispatcher();
                                    let n = t.database_writes().len();
                                    html! {
                                        <button type="button" class="playback__button player__flush" onclick={Callback::from(move |_| dispatch.dispatch(LabAction::OpenTimedFlush(i)))}>
                                            { format!("Open the timed flush ({n} write{})", if n == 1 { "" } else { "s" }) }
                                        </button>
                                    }
                                }) }
                            </div>
                        }
                        if let Some(q) = question {
                            <PredictBox prediction={q.clone()} answered={answers.get(&q.step).cloned()} on_answer={on_answer} />
                        }
                    </div>
                    <div class="trace-view">
                        if let Some(trace) = &shown_trace {
                            <SequenceDiagram trace={Rc::clone(trace)} diagram={Rc::clone(&diagram)} cursor={p.cursor} on_seek={on_seek.clone()} />
                        } else {
                            <figure class="diagram diagram--empty" aria-label="Sequence diagram">
                                <figcaption class="diagram__caption">{ "Sequence diagram" }</figcaption>
                                <p class="diagram__empty">{ "Update a price: each message between the application, the cache and the database is drawn here, in order." }</p>
                            </figure>
                        }
                        <div class="trace-view__side">
                            if state.shown_scenario().is_some() {
                                <div class="share">
                                    <button type="button" class="playback__button" onclick={on_link}>{ "Link to this step" }</button>
                                    if let Some(url) = &*link {
                                        <input class="share__url" type="text" readonly=true value={url.clone()} aria-label="Link to this step" />
                                    }
                                </div>
                            }
                            <LastTrace trace={shown_trace.clone()} cursor={p.cursor} on_seek={on_seek} />
                        </div>
                    </div>
                </main>
            </div>
        </div>
    }
}

/// Scrolls the stage into view if the layout stacks and the stage is below the fold.
fn bring_stage_into_view() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let stacked = window
        .inner_width()
        .ok()
        .and_then(|w| w.as_f64())
        .is_some_and(|w| w < 1100.0);
    let stage = window
        .document()
        .and_then(|d| d.query_selector(".stage").ok().flatten());
    if let (true, Some(stage)) = (stacked, stage) {
        let top = stage.get_bounding_client_rect().top();
        let height = window
            .inner_height()
            .ok()
            .and_then(|h| h.as_f64())
            .unwrap_or(0.0);
        if top < 0.0 || top > height * 0.6 {
            window.scroll_by_with_x_and_y(0.0, top - 8.0);
        }
    }
}

/// The page's address with `scenario` at `step` in its query, also put in the address bar.
fn share_url(scenario: Scenario, step: usize) -> Option<String> {
    let query = Shared { scenario, step }.to_query();
    let window = web_sys::window()?;
    let location = window.location();
    let url = format!(
        "{}{}?{query}",
        location.origin().unwrap_or_default(),
        location.pathname().unwrap_or_default()
    );
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
    Some(url)
}
