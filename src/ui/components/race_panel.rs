//! Two writers at once: the learner picks the order of their steps and watches the result on
//! the stage.

use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::engine::race::{Writer, STEPS_PER_WRITER};
use crate::engine::Pattern;
use crate::scenario::Scenario;

#[derive(Properties, PartialEq)]
pub struct RacePanelProps {
    /// Runs the race (on its own small stores) and shows its trace.
    pub on_run: Callback<Scenario>,
}

#[function_component(RacePanel)]
pub fn race_panel(props: &RacePanelProps) -> Html {
    let pattern = use_state(|| Pattern::WriteThrough);
    let ordered = use_state(|| false);
    let order = use_state(|| vec![Writer::A, Writer::B, Writer::B, Writer::A]);
    let on_pattern = {
        let pattern = pattern.clone();
        Callback::from(move |e: Event| {
            if let Some(p) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlSelectElement>().ok())
                .and_then(|s| Pattern::from_id(&s.value()))
            {
                pattern.set(p);
            }
        })
    };
    let on_ordered = {
        let ordered = ordered.clone();
        Callback::from(move |e: Event| {
            if let Some(i) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
            {
                ordered.set(i.checked());
            }
        })
    };
    let slot = |i: usize| {
        let order_state = order.clone();
        let onchange = Callback::from(move |e: Event| {
            if let Some(s) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlSelectElement>().ok())
            {
                let mut next = (*order_state).clone();
                next[i] = if s.value() == "A" {
                    Writer::A
                } else {
                    Writer::B
                };
                order_state.set(next);
            }
        });
        let id = format!("race-move-{}", i + 1);
        html! {
            <div class="race__slot">
                <label for={id.clone()}>{ format!("Move {}", i + 1) }</label>
                <select id={id} {onchange}>
                    <option value="A" selected={order[i] == Writer::A}>{ "A" }</option>
                    <option value="B" selected={order[i] == Writer::B}>{ "B" }</option>
                </select>
            </div>
        }
    };
    let run = {
        let (cb, pattern, ordered, order) = (
            props.on_run.clone(),
            pattern.clone(),
            ordered.clone(),
            order.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            cb.emit(Scenario::Race {
                pattern: *pattern,
                per_key_ordering: *ordered,
                order: (*order).clone(),
            })
        })
    };
    let story = match *pattern {
        Pattern::CacheAside => "Writer A sets product1 to 150 (database, then delete the cached field); B is a reader that misses the cache, reads the database and fills the cache. Try B, A, A, B.",
        _ => "Writer A sets product1 to 150 and writer B sets it to 175, each in two steps. Try A, B, B, A without ordering, then turn ordering on.",
    };
    html! {
        <section class="race" aria-label="Two writers">
            <h2 class="race__title">{ "Two writers at once" }</h2>
            <p class="race__intro">{ story }</p>
            <div class="race__controls">
                <div class="race__slot">
                    <label for="race-pattern">{ "Race pattern" }</label>
                    <select id="race-pattern" onchange={on_pattern}>
                        { for [Pattern::WriteThrough, Pattern::WriteThroughCacheFirst, Pattern::CacheAside].iter().map(|p| html! {
                            <option value={p.id()} selected={*p == *pattern}>{ p.title() }</option>
                        }) }
                    </select>
                </div>
                { for (0..2 * STEPS_PER_WRITER).map(slot) }
                <label class="race__ordered">
                    <input type="checkbox" checked={*ordered} onchange={on_ordered} />
                    <span>{ "Per-key ordering" }</span>
                </label>
                <button type="button" class="button button--app" onclick={run}>{ "Run the race" }</button>
            </div>
        </section>
    }
}
