//! The same update under two patterns, side by side (on copies of the stores).

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::engine::{Pattern, Trace};

#[derive(Properties, PartialEq)]
pub struct ComparePanelProps {
    /// What is compared, e.g. `update_price("product1", "150")` with the faults on.
    pub scenario: AttrValue,
    /// The two traces, once run.
    pub results: Option<(Trace, Trace)>,
    pub on_compare: Callback<(Pattern, Pattern)>,
}

fn pattern_select(id: &'static str, label: &'static str, value: &UseStateHandle<Pattern>) -> Html {
    let state = value.clone();
    let onchange = Callback::from(move |e: Event| {
        if let Some(s) = e.target_dyn_into::<HtmlSelectElement>() {
            if let Some(p) = Pattern::from_id(&s.value()) {
                state.set(p);
            }
        }
    });
    html! {
        <div class="compare__pick">
            <label for={id}>{ label }</label>
            <select id={id} {onchange}>
                { for Pattern::ALL.iter().map(|p| html! { <option value={p.id()} selected={*p == **value}>{ p.title() }</option> }) }
            </select>
        </div>
    }
}

fn column(trace: &Trace) -> Html {
    let last = trace.last();
    let value = |pairs: &[(String, String)]| {
        pairs
            .iter()
            .find(|(k, _)| *k == trace.product)
            .map_or("(none)".to_owned(), |(_, v)| v.clone())
    };
    html! {
        <div class="compare__column">
            <h3>{ trace.pattern.title() }</h3>
            <p class="compare__outcome">{ format!("Outcome: {}", trace.outcome) }</p>
            <ol class="compare__steps">
                { for trace.steps.iter().map(|s| html! { <li class={classes!((!s.ok).then_some("compare__step--failed"))}>{ s.narration.clone() }</li> }) }
            </ol>
            if let Some(last) = last {
                <p class={classes!("consistency", if last.consistency.in_step { "consistency--in-step" } else { "consistency--diverged" })}>
                    { format!("Cache {}, database {}: {}", value(&last.cache), value(&last.database), if last.consistency.in_step { "in step" } else { "diverged" }) }
                </p>
            }
        </div>
    }
}

#[function_component(ComparePanel)]
pub fn compare_panel(props: &ComparePanelProps) -> Html {
    let left = use_state(|| Pattern::WriteThrough);
    let right = use_state(|| Pattern::CacheAside);
    let onclick = {
        let (cb, left, right) = (props.on_compare.clone(), left.clone(), right.clone());
        Callback::from(move |_: MouseEvent| cb.emit((*left, *right)))
    };
    html! {
        <section class="compare" aria-label="Compare two patterns">
            <h2 class="compare__title">{ "Two patterns, side by side" }</h2>
            <p class="compare__intro">{ format!("Runs {} on copies of the stores, with the faults that are on; the lab's own stores do not change.", props.scenario) }</p>
            <div class="compare__controls">
                { pattern_select("compare-left", "Left pattern", &left) }
                { pattern_select("compare-right", "Right pattern", &right) }
                <button type="button" class="button button--app" {onclick}>{ "Compare" }</button>
            </div>
            if let Some((a, b)) = &props.results {
                <div class="compare__columns">{ column(a) }{ column(b) }</div>
            }
        </section>
    }
}
