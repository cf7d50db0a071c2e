//! The panel beside the stage, chosen by the top bar's tabs: the playground (lesson, update
//! form, console, pattern and faults), the race of two writers, the comparison, the large
//! catalog.

use std::rc::Rc;

use yew::prelude::*;

use super::challenges_panel::ChallengesPanel;
use super::compare_panel::ComparePanel;
use super::console::Console;
use super::controls::{Controls, FaultSwitches};
use super::lesson_panel::LessonPanel;
use super::race_panel::RacePanel;
use super::scale_panel::ScalePanel;
use super::update_form::UpdateForm;
use crate::engine::trace::OperationKind;
use crate::scenario::Scenario;
use crate::ui::actions::LabHandle;
use crate::ui::context::use_lab_handle;
use crate::ui::state::{LabAction, Tab};

#[derive(Properties, PartialEq)]
pub struct SidePanelProps {
    /// How much of the page is drawn yet (the page is drawn in parts at start, see `App`): the
    /// playground's task is part 2, the update form part 3, the console part 4.
    #[prop_or(u8::MAX)]
    pub drawn: u8,
}

#[function_component(SidePanel)]
pub fn side_panel(props: &SidePanelProps) -> Html {
    let Some(lab) = use_lab_handle() else {
        return Html::default();
    };
    let tab = lab.state.tab;
    let drawn = props.drawn;
    html! {
        <div class="playground__side" id={format!("panel-{}", tab.id())} role="tabpanel" aria-labelledby={format!("tab-{}", tab.id())}>
            { match tab {
                Tab::Playground => playground(&lab, drawn),
                Tab::Race => race(&lab),
                Tab::Compare => compare(&lab),
                Tab::Scale => scale(&lab),
            } }
            // Last, so that no part drawn after it moves it.
            if drawn >= 4 {
            <footer class="lab__footer">
                { "Runs entirely in your browser: the cache is an embedded Redis emulator, the database is IndexedDB. Scriptable from the console as window.lab." }
            </footer>
            }
        </div>
    }
}

fn playground(lab: &LabHandle, drawn: u8) -> Html {
    let (live, busy) = (lab.live(), lab.busy());
    html! {
        <>
            // The challenges take the lesson's place.
            if drawn < 2 {
            } else if lab.state.challenges.listed || lab.state.challenges.open.is_some() {
                <ChallengesPanel />
            } else {
                <LessonPanel />
            }
            if drawn >= 3 {
                <UpdateForm products={Rc::clone(&live.database)} busy={busy} rejection={lab.rejection()} on_update={lab.on_update()} on_read={lab.on_read()} />
                <FaultSwitches />
            }
            if drawn >= 4 {
                <Console on_run={lab.on_console()} />
                <Controls />
            }
        </>
    }
}

fn race(lab: &LabHandle) -> Html {
    let on_run = {
        let dispatch = lab.state.dispatcher();
        Callback::from(move |scenario: Scenario| {
            if let Scenario::YourRace { source, order } = &scenario {
                // The learner's own function runs in the interpreter's worker.
                let (dispatch, source, order) = (dispatch.clone(), source.clone(), order.clone());
                wasm_bindgen_futures::spawn_local(async move {
                    if let Err(why) =
                        crate::ui::python::race_yours(&dispatch, &source, &order, None).await
                    {
                        web_sys::console::warn_1(&why.into());
                    }
                });
                return;
            }
            if let Some(trace) = scenario.run_on(crate::db::app::AppDb::in_memory) {
                dispatch.dispatch(LabAction::Replay {
                    trace,
                    scenario,
                    seek: None,
                });
            }
        })
    };
    let result = lab
        .state
        .replay
        .as_ref()
        .filter(|r| r.scenario.is_race())
        .map(|r| Rc::clone(&r.trace));
    let source = Rc::clone(&lab.state.python.source);
    html! { <RacePanel on_run={on_run} result={result} {source} /> }
}

fn compare(lab: &LabHandle) -> Html {
    // The last update's product and price, or the tutorial's.
    let (product, price) = match lab.state.last_trace.as_deref() {
        Some(t) if t.operation == OperationKind::UpdatePrice && !t.product.is_empty() => {
            (t.product.clone(), t.new_price.clone())
        }
        _ => ("product1".to_owned(), "150".to_owned()),
    };
    let results = lab.state.compare.as_deref().cloned();
    html! {
        <ComparePanel scenario={format!("update_price({product:?}, {price:?})")} results={results}
            on_compare={lab.on_compare((product, price))} />
    }
}

fn scale(lab: &LabHandle) -> Html {
    html! {
        <ScalePanel products={lab.live().database.len()} busy={lab.busy()} message={lab.state.scale_message.clone().map(AttrValue::from)}
            on_seed={lab.on_seed()} on_reset={lab.on_reset()} />
    }
}
