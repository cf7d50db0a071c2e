//! Beside the player: the sequence diagram of the trace on the stage, "Link to this step", and
//! the steps in words.

use yew::prelude::*;

use super::last_trace::LastTrace;
use super::on_the_wire::OnTheWire;
use super::sequence_diagram::SequenceDiagram;
use crate::playback::PlaybackAction;
use crate::scenario::{Scenario, Shared};
use crate::ui::context::{use_lab_handle, use_shown};
use crate::ui::state::LabAction;

#[function_component(TraceView)]
pub fn trace_view() -> Html {
    let (lab, shown) = (use_lab_handle(), use_shown());
    // Kept across renders, so that the diagram and the steps' list (thousands of rows for a
    // long run of the learner's Python) render again only when their trace or step changes.
    let on_seek = use_callback(
        shown.as_ref().map(|s| s.playback.dispatcher()),
        |step, dispatch| {
            if let Some(dispatch) = dispatch {
                dispatch.dispatch(PlaybackAction::Seek(step));
            }
        },
    );
    let (Some(lab), Some(shown)) = (lab, shown) else {
        return Html::default();
    };
    let cursor = shown.cursor();
    let scenario = lab.state.shown_scenario().cloned();
    let on_link = {
        let (dispatch, scenario) = (lab.state.dispatcher(), scenario.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(url) = scenario.clone().and_then(|s| share_url(s, cursor)) {
                dispatch.dispatch(LabAction::Linked(url));
            }
        })
    };
    html! {
        <div class="trace-view">
            if let Some(trace) = &shown.trace {
                <SequenceDiagram trace={trace.clone()} diagram={shown.diagram.clone()} cursor={cursor} on_seek={on_seek.clone()} />
            } else {
                <figure class="diagram diagram--empty" aria-label="Sequence diagram">
                    <figcaption class="diagram__caption">{ "Sequence diagram" }</figcaption>
                    <p class="diagram__empty">{ "Update a price: each message between the application, the cache and the database is drawn here, in order." }</p>
                </figure>
            }
            <div class="trace-view__side">
                if let Some(scenario) = &scenario {
                    <div class="share">
                        <button type="button" class="playback__button" onclick={on_link}>{ link_label(scenario) }</button>
                        if let Some(url) = &lab.state.link {
                            <input class="share__url" type="text" readonly=true value={url.clone()} aria-label={link_label(scenario)} />
                        }
                    </div>
                }
                if let Some(trace) = &shown.trace {
                    <OnTheWire trace={trace.clone()} cursor={cursor} />
                }
                <LastTrace trace={shown.trace.clone()} cursor={cursor} on_seek={on_seek} />
            </div>
        </div>
    }
}

/// What the link button says: a challenge's failing schedule is a counterexample.
fn link_label(scenario: &Scenario) -> &'static str {
    match scenario {
        Scenario::Challenge { .. } => "Link to this counterexample",
        Scenario::YourRace { .. } => "Link to this race",
        _ => "Link to this step",
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
