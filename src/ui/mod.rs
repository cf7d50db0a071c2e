//! The Yew interface: the lesson's three actors — the application, the Redis cache and the
//! database — side by side, over one [`Lab`](crate::engine::Lab). Browser only.

mod boot;
pub mod components;
mod hooks;
mod js_api;
mod lesson_check;
mod memory;
mod state;

use std::rc::Rc;

use yew::prelude::*;

use crate::catalog::PRICES_KEY;
use crate::db::tabs::TabMessage;
use crate::engine::trace::{Actor, OperationKind, Store};
use crate::engine::{patterns, recovery, Outcome};
use crate::playback::PlaybackAction;
use crate::scenario::{Scenario, Shared};
use boot::{boot, performance_now, post, replace_stores, run_traced, AppLab, Background};
use components::actor_card::{ActorCard, ActorStatus};
use components::code_pane::CodePane;
use components::compare_panel::ComparePanel;
use components::console::{Console, ConsoleOutput};
use components::controls::Controls;
use components::db_panel::DbPanel;
use components::last_trace::last_trace_view;
use components::lesson_panel::{Answer, LessonPanel};
use components::playback_bar::PlaybackBar;
use components::predict_box::PredictBox;
use components::price_table::{Notes, PriceTable};
use components::race_panel::RacePanel;
use components::scale_panel::{grouped, ScalePanel};
use components::update_form::UpdateForm;
use hooks::use_playback;
use state::{DbStatus, LabAction, LabState};

/// The whole page.
#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(LabState::default);
    let lab = use_state(|| None::<Rc<AppLab>>);
    let scale_message = use_state(|| None::<String>);
    let background = use_mut_ref(Background::default);
    let playback = use_playback(state.last_trace.clone(), state.seek);

    {
        let (dispatch, lab, background) = (state.dispatcher(), lab.clone(), background.clone());
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(boot(dispatch, lab, background));
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
                let (cache, db, faults) = (lab.cache(), lab.database(), lab.faults());
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
                let (step, verdict) = lesson_check::check_lesson(&lab, answer).await;
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
            lab.cache(),
            lab.database(),
            lab.rows(),
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
        Some(t) if t.operation == OperationKind::Recovery => recovery::LISTING,
        Some(t) => patterns::listing(t.pattern),
        None => patterns::listing(pattern),
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
                        <div key={format!("{}-{}", p.cursor, s.action)} class={classes!("message", format!("message--to-{}", s.actor.id()))} aria-hidden="true">
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
                            { consistency.to_string() }
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
