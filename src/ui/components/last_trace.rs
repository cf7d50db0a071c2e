//! The operation on the stage, step by step: the current step marked, each step a button that
//! goes to it, and the outcome told only once playback reaches the last step.

use std::rc::Rc;

use yew::prelude::*;

use crate::engine::Trace;

#[derive(Properties, PartialEq)]
pub struct LastTraceProps {
    pub trace: Option<Rc<Trace>>,
    pub cursor: usize,
    pub on_seek: Callback<usize>,
}

#[function_component(LastTrace)]
pub fn last_trace(props: &LastTraceProps) -> Html {
    let Some(trace) = props.trace.as_deref() else {
        return html! {
            <section class="last-trace" aria-label="Last operation">
                <h3 class="last-trace__title">{ "No operation yet: update a price, or call window.lab.update_price(...) from the browser console." }</h3>
                <ol class="last-trace__steps"></ol>
            </section>
        };
    };
    let last = trace.steps.len().saturating_sub(1);
    let title = if props.cursor >= last {
        format!("Last operation: {} — {}", trace.title(), trace.outcome)
    } else {
        format!(
            "Last operation: {} — step {} of {}",
            trace.title(),
            props.cursor + 1,
            trace.steps.len()
        )
    };
    html! {
        <section class="last-trace" aria-label="Last operation">
            <h3 class="last-trace__title">{ title }</h3>
            <ol class="last-trace__steps">
                { for trace.steps.iter().map(|s| {
                    let current = s.index == props.cursor;
                    let cb = props.on_seek.clone();
                    let i = s.index;
                    html! {
                        <li class={classes!("last-trace__step", (!s.ok).then_some("last-trace__step--failed"),
                                current.then_some("last-trace__step--current"), (s.index > props.cursor).then_some("last-trace__step--later"))}
                            aria-current={current.then_some("step")}>
                            <button type="button" class="last-trace__go" onclick={Callback::from(move |_| cb.emit(i))}>
                                { s.narration.clone() }
                            </button>
                        </li>
                    }
                }) }
            </ol>
        </section>
    }
}
