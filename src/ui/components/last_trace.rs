//! The last operation, step by step.

use yew::prelude::*;

use crate::engine::Trace;

/// The last operation, step by step (the full stage with playback comes with the interface).
pub fn last_trace_view(trace: Option<&Trace>) -> Html {
    // Always the same element, so that the first trace only fills it in.
    let (title, steps) = match trace {
        Some(trace) => (
            format!(
                "Last operation: {} — {}",
                trace.title(),
                trace.outcome
            ),
            trace
                .steps
                .iter()
                .map(|s| (s.narration.clone(), s.ok))
                .collect::<Vec<_>>(),
        ),
        None => (
            "No operation yet: update a price above, or call window.lab.update_price(...) from the browser console.".to_owned(),
            Vec::new(),
        ),
    };
    html! {
        <section class="last-trace" aria-label="Last operation">
            <h3 class="last-trace__title">{ title }</h3>
            <ol class="last-trace__steps">
                { for steps.into_iter().map(|(narration, ok)| html! {
                    <li class={classes!("last-trace__step", (!ok).then_some("last-trace__step--failed"))}>{ narration }</li>
                }) }
            </ol>
        </section>
    }
}
