//! Two writers at once: the learner picks the order of their steps and watches the result on
//! the stage.

use std::rc::Rc;

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::engine::race::{Writer, RACE_PRODUCT, STEPS_PER_WRITER};
use crate::engine::{Pattern, Trace};
use crate::scenario::Scenario;
use crate::ui::context::use_shown;

#[derive(Properties, PartialEq)]
pub struct RacePanelProps {
    /// Runs the race (on its own small stores) and shows its trace.
    pub on_run: Callback<Scenario>,
    /// The race on the stage, if one is: its result is shown here, next to the controls.
    #[prop_or_default]
    pub result: Option<Rc<Trace>>,
    /// The editor's program: "Your update_price" races its function.
    pub source: Rc<str>,
}

/// The select's value for racing the learner's own function.
const YOURS: &str = "yours";

#[function_component(RacePanel)]
pub fn race_panel(props: &RacePanelProps) -> Html {
    // `None`: the learner's own update_price (the editor's code).
    let pattern = use_state(|| Some(Pattern::WriteThrough));
    let ordered = use_state(|| false);
    let order = use_state(|| vec![Writer::A, Writer::B, Writer::B, Writer::A]);
    // The result is told once the stage has played the race to its last step: told before, it
    // would answer the predictions on the way.
    let shown = use_shown();
    let at_end = |trace: &Rc<Trace>| {
        shown.as_ref().is_none_or(|s| {
            !s.trace.as_ref().is_some_and(|t| Rc::ptr_eq(t, trace))
                || s.cursor() + 1 >= trace.steps.len()
        })
    };
    let on_pattern = pattern_chosen(&pattern);
    let on_ordered = {
        let ordered = ordered.clone();
        super::on_checked(Callback::from(move |on| ordered.set(on)))
    };
    let run = {
        let (cb, pattern, ordered, order, source) = (
            props.on_run.clone(),
            pattern.clone(),
            ordered.clone(),
            order.clone(),
            Rc::clone(&props.source),
        );
        Callback::from(move |_: MouseEvent| {
            cb.emit(match *pattern {
                Some(pattern) => Scenario::Race {
                    pattern,
                    per_key_ordering: *ordered,
                    order: (*order).clone(),
                },
                None => Scenario::YourRace {
                    source: source.to_string(),
                    order: (*order).clone(),
                },
            })
        })
    };
    html! {
        <section class="race" aria-label="Two writers">
            <h2 class="race__title">{ "Two writers at once" }</h2>
            <p class="race__intro">{ story(*pattern) }</p>
            <div class="race__controls">
                <div class="race__slot">
                    <label for="race-pattern">{ "Race pattern" }</label>
                    <select id="race-pattern" onchange={on_pattern}>
                        { for [Pattern::WriteThrough, Pattern::WriteThroughCacheFirst, Pattern::CacheAside].iter().map(|p| html! {
                            <option value={p.id()} selected={Some(*p) == *pattern}>{ p.title() }</option>
                        }) }
                        <option value={YOURS} selected={pattern.is_none()}>{ "Your update_price (the editor's code)" }</option>
                    </select>
                </div>
                { for (0..2 * STEPS_PER_WRITER).map(|i| slot(&order, i)) }
                if pattern.is_some() {
                    <label class="race__ordered">
                        <input type="checkbox" checked={*ordered} onchange={on_ordered} />
                        <span>{ "Per-key ordering" }</span>
                    </label>
                }
                <button type="button" class="button button--app" onclick={run}>{ "Run the race" }</button>
            </div>
            if let Some(trace) = &props.result {
                if at_end(trace) {
                    { race_result(trace) }
                } else {
                    <p class="race__result" role="status" aria-label="Race result">
                        { "Result: told at the race's last step. Step through it on the stage, predicting as you go." }
                    </p>
                }
            }
            { try_it_for_real() }
        </section>
    }
}

/// The race pattern's select changed (`None`: the learner's own update_price).
fn pattern_chosen(pattern: &UseStateHandle<Option<Pattern>>) -> Callback<Event> {
    let pattern = pattern.clone();
    Callback::from(move |e: Event| {
        if let Some(value) = e.target_dyn_into::<HtmlSelectElement>().map(|s| s.value()) {
            if value == YOURS {
                pattern.set(None);
            } else if let Some(p) = Pattern::from_id(&value) {
                pattern.set(Some(p));
            }
        }
    })
}

/// What the two writers do in the race of `pattern`, and a move order to try.
fn story(pattern: Option<Pattern>) -> &'static str {
    match pattern {
        Some(Pattern::CacheAside) => "Writer A sets product1 to 150 (database, then delete the cached field); B is a reader that misses the cache, reads the database and fills the cache. Try B, A, A, B.",
        Some(_) => "Writer A sets product1 to 150 and writer B sets it to 175, each in two steps. Try A, B, B, A without ordering, then turn ordering on.",
        None => "Writers A and B both call your update_price, the code in the editor: A sets product1 to 150, B to 175. Each move says whose store operation comes next (once the moves are used up, A's). Try A, B, B, A; your function decides whether they wait for each other.",
    }
}

/// What the race on the stage ended with, in one line next to the controls.
fn race_result(trace: &Trace) -> Html {
    let Some(last) = trace.last() else {
        return Html::default();
    };
    let value = |table: &crate::engine::Table| {
        table
            .iter()
            .find(|(k, _)| k == RACE_PRODUCT)
            .map_or_else(|| "nothing".to_owned(), |(_, v)| v.clone())
    };
    // A race of the learner's function may end with a writer that raised or was stopped.
    if let crate::engine::Outcome::Failed(why) = &trace.outcome {
        if why.starts_with("a writer") {
            return html! {
                <p class="race__result race__result--stale" role="status" aria-label="Race result">
                    { format!("Result: {why}.") }
                    <span class="race__result-hint">{ " Step through it on the stage." }</span>
                </p>
            };
        }
    }
    let (cache, db) = (value(&last.cache), value(&last.database));
    let ok = last.consistency.in_step;
    html! {
        <p class={classes!("race__result", if ok { "race__result--ok" } else { "race__result--stale" })} role="status" aria-label="Race result">
            { format!("Result: cache {cache}, database {db} — {}", if ok { "in step." } else { "the cache is stale." }) }
            <span class="race__result-hint">{ " Step through it on the stage." }</span>
        </p>
    }
}

/// One move of the race: which writer takes it.
fn slot(order: &UseStateHandle<Vec<Writer>>, i: usize) -> Html {
    let onchange = {
        let order = order.clone();
        Callback::from(move |e: Event| {
            if let Some(s) = e.target_dyn_into::<HtmlSelectElement>() {
                let mut next = (*order).clone();
                next[i] = if s.value() == "A" {
                    Writer::A
                } else {
                    Writer::B
                };
                order.set(next);
            }
        })
    };
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
}

/// The same race between two real tabs of the lab.
fn try_it_for_real() -> Html {
    html! {
    <div class="race__real">
        <h3 class="race__real-title">{ "Try it for real" }</h3>
        <p>{ "Every tab of the lab shares one Redis and one database, as application servers do. Open a second tab, put the two side by side, and update the same product in both: each trace shows the other tab's writes that landed between its own steps. Turn on \"Per-key ordering (lock across tabs)\" in both to make them wait for each other." }</p>
        <a class="button button--quiet race__second-tab" href="./" target="_blank" rel="noopener">{ "Open a second tab" }</a>
    </div>
    }
}
