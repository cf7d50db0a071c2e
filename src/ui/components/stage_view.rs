//! The stage as the page shows it: which stores it shows (live, a replayed step, a race, a
//! shared link), the message travelling from card to card, and the Application card's code.

use std::rc::Rc;

use yew::prelude::*;

use super::stage::{PythonCalls, Stage, StageMode};
use crate::ui::context::{use_lab_handle, use_shown};
use crate::ui::hooks::use_travel;
use crate::ui::state::LabAction;

#[function_component(StageView)]
pub fn stage_view() -> Html {
    let (lab, shown) = (use_lab_handle(), use_shown());
    let travel_layer = use_node_ref();
    let (diagram, cursor, interval) = match &shown {
        Some(s) => (
            Rc::clone(&s.diagram),
            s.cursor(),
            s.playback.0.interval_ms(),
        ),
        None => (Rc::default(), 0, 0),
    };
    let travelled = use_travel(diagram, cursor, interval, travel_layer.clone());
    let (Some(lab), Some(shown)) = (lab, shown) else {
        return Html::default();
    };
    let state = &lab.state;
    let len = shown.trace.as_ref().map_or(0, |t| t.steps.len());
    let mode = match &state.replay {
        Some(r) if r.scenario.is_race() => StageMode::Race,
        Some(_) => StageMode::Link,
        None if cursor + 1 >= len => StageMode::Live,
        None => StageMode::Step { cursor, len },
    };
    let on_back_to_live = {
        let dispatch = state.dispatcher();
        Callback::from(move |()| dispatch.dispatch(LabAction::BackToLive))
    };
    let lesson = &state.lesson;
    let mine = lesson
        .function
        .as_deref()
        .map(|l| Rc::new(crate::lesson::listing(l)));
    let python_calls = PythonCalls {
        on_view: lab.on_code_view(),
        on_edit_pattern: lab.on_edit_pattern(),
        on_input: lab.on_python_input(),
        on_run: lab.on_python_run(),
        on_load: lab.on_python_load(),
    };
    html! {
        <Stage mode={mode} trace={shown.trace.clone()} diagram={shown.diagram.clone()} mine={mine} cursor={cursor} shown={travelled} live={lab.live()}
            status={state.status.clone()} busy={state.busy} error={state.error.clone().map(AttrValue::from)}
            travel_layer={travel_layer} on_back_to_live={on_back_to_live} on_write={lab.on_write()} on_reset={lab.on_reset()}
            code_view={state.code_view} python={state.python.clone()} python_calls={python_calls} />
    }
}
