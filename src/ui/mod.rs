//! The Yew interface: one playground screen over one [`Lab`](crate::engine::Lab). Browser only.
//!
//! | module | job |
//! |---|---|
//! | [`boot`] | opening the database, starting the lab, `window.lab`, other tabs, write-behind's timer |
//! | [`hooks`] | `use_lab` (the lab and the page's state), `use_playback`, `use_travel` (messages that move) |
//! | [`context`] | what components reach by context: the lab and the state, the trace on the stage and its playback |
//! | [`actions`] | what the learner's clicks do to the lab, as callbacks (the Challenges panel's in `challenge_actions`) |
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
mod challenge_actions;
pub mod components;
mod context;
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
use components::player::Player;
use components::side_panel::SidePanel;
use components::stage_view::StageView;
use components::topbar::Topbar;
use components::trace_view::TraceView;
use context::Shown;
use hooks::{use_lab, use_playback};

/// The whole page: the state and the trace on the stage, provided to the components that
/// show them.
#[function_component(App)]
pub fn app() -> Html {
    let lab = use_lab();
    // The page's first paint (index.html's `#boot`) gives way to the app's.
    use_effect_with((), |()| {
        if let Some(boot) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id("boot"))
        {
            boot.remove();
        }
    });
    // `lab.challenges()` reads the page state's progress.
    use_effect_with(lab.state.challenges.clone(), |progress| {
        js_api::python::mirror_challenges(progress);
    });
    let trace = lab.state.shown_trace().cloned();
    // The trace as a diagram, made once per trace for the stage, the travel and the drawing.
    let diagram = {
        let trace = trace.clone();
        use_memo(trace.as_ref().map(Rc::as_ptr), move |_| {
            trace.as_deref().map(Diagram::of)
        })
    };
    let playback = use_playback(trace.clone(), lab.state.seek, lab.state.live_token);
    // Where the panels stack (a phone), a new operation brings the stage into view.
    use_effect_with(lab.state.last_trace.as_ref().map(Rc::as_ptr), |trace| {
        if trace.is_some() {
            bring_stage_into_view();
        }
    });
    let shown = Shown {
        trace,
        diagram,
        playback,
    };
    // The page is drawn in parts, each in a task of its own, in the order they stand on the
    // page (so no part moves one drawn before it): drawn at once, the whole page was one task
    // long enough to keep a phone from answering a tap (Lighthouse's total blocking time).
    let drawn = use_state_eq(|| 1_u8);
    {
        let drawn = drawn.clone();
        use_effect_with(*drawn, move |&n| {
            if n < PARTS {
                after_this_task(move || drawn.set(n + 1));
            }
        });
    }
    let drawn = *drawn;
    // An open challenge's panel holds the editor: it gets more room.
    let challenge = lab.state.challenge_beside_stage();
    html! {
        <ContextProvider<actions::LabHandle> context={lab}>
            <ContextProvider<Shown> context={shown}>
                <div class="lab">
                    <Topbar />
                    <div class={classes!("playground", challenge.then_some("playground--challenge"))}>
                        <SidePanel drawn={drawn} />
                        <main class="playground__main">
                            if drawn >= 5 { <StageView /> }
                            if drawn >= 6 { <Player /> }
                            if drawn >= PARTS { <TraceView /> }
                        </main>
                    </div>
                </div>
            </ContextProvider<Shown>>
        </ContextProvider<actions::LabHandle>>
    }
}

/// How many parts the page is drawn in (see `App`): the top bar; the lesson; the update form
/// and the faults; the console; the stage; the playback; the sequence diagram.
const PARTS: u8 = 7;

/// Runs `f` in a task of its own, after this one (and after a paint, if one is due).
fn after_this_task(f: impl FnOnce() + 'static) {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    if let Some(w) = web_sys::window() {
        let f = Closure::once_into_js(f);
        let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(f.unchecked_ref(), 0);
    }
}

/// Resolves in a task of its own, after this one: long work split by it leaves the page free
/// to paint and to answer the learner in between.
async fn next_task() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let queued = web_sys::window().is_some_and(|w| {
            w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0)
                .is_ok()
        });
        if !queued {
            let _ = resolve.call0(&wasm_bindgen::JsValue::UNDEFINED);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
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
