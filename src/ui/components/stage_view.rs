//! The stage as the page shows it: which stores it shows (live, a replayed step, a race, a
//! shared link), and the message travelling from card to card while playback moves on.

use std::rc::Rc;

use yew::prelude::*;

use super::stage::{Stage, StageMode};
use crate::engine::trace::OperationKind;
use crate::ui::context::{use_lab_handle, use_shown};
use crate::ui::hooks::use_travel;

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
    let len = shown.trace.as_ref().map_or(0, |t| t.steps.len());
    let on_copies = shown
        .trace
        .as_ref()
        .is_some_and(|t| t.operation == OperationKind::Counterexample);
    let mode = match &lab.state.replay {
        _ if on_copies => StageMode::Checker,
        Some(r) if r.scenario.is_race() => StageMode::Race,
        Some(_) => StageMode::Link,
        None if cursor + 1 >= len => StageMode::Live,
        None => StageMode::Step { cursor, len },
    };
    html! { <Stage mode={mode} shown={travelled} travel_layer={travel_layer} /> }
}
