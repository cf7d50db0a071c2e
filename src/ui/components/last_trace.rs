//! The operation on the stage, step by step: the current step marked, each step a button that
//! goes to it, and the outcome told only once playback reaches the last step. A long trace is
//! shown around the current step ([`AROUND`] steps each side; the rest is one button each way),
//! and a folded step ([`crate::engine::fold`]) opens to list the operations it stands for, a
//! page at a time.

use std::rc::Rc;

use yew::prelude::*;

use crate::engine::fold::grouped;
use crate::engine::trace::Folded;
use crate::engine::Trace;

/// Steps listed each side of the current one.
const AROUND: usize = 25;
/// Operations listed per page of an opened folded step.
const PAGE: usize = 50;

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
                <h3 class="last-trace__title">{ "No operation yet: update a price with the form above, or run your Python from the editor." }</h3>
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
    let (from, to) = (
        props.cursor.saturating_sub(AROUND),
        (props.cursor + AROUND).min(last),
    );
    let go = |step: usize, label: String| {
        let cb = props.on_seek.clone();
        html! {
            <button type="button" class="playback__button last-trace__more" onclick={Callback::from(move |_| cb.emit(step))}>{ label }</button>
        }
    };
    html! {
        <section class="last-trace" aria-label="Last operation">
            <h3 class="last-trace__title">{ title }</h3>
            if from > 0 {
                { go(from - 1, format!("{} earlier step{} (go to step {})", grouped(from), if from == 1 { "" } else { "s" }, from)) }
            }
            <ol class="last-trace__steps" start={(from + 1).to_string()}>
                { for trace.steps[from..=to.max(from).min(last)].iter().map(|s| {
                    let current = s.index == props.cursor;
                    let cb = props.on_seek.clone();
                    let i = s.index;
                    html! {
                        <li class={classes!("last-trace__step", (!s.ok).then_some("last-trace__step--failed"),
                                current.then_some("last-trace__step--current"), (s.index > props.cursor).then_some("last-trace__step--later"),
                                s.folded.is_some().then_some("last-trace__step--folded"))}
                            aria-current={current.then_some("step")}>
                            <button type="button" class="last-trace__go" onclick={Callback::from(move |_| cb.emit(i))}>
                                { s.narration.clone() }
                            </button>
                            if let Some(folded) = &s.folded {
                                <FoldedRows folded={Rc::clone(folded)} />
                            }
                        </li>
                    }
                }) }
            </ol>
            if to < last {
                { go(to + 1, format!("{} later step{} (go to step {})", grouped(last - to), if last - to == 1 { "" } else { "s" }, to + 2)) }
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct FoldedRowsProps {
    folded: Rc<Folded>,
}

/// A folded step, opened: the operations it stands for, [`PAGE`] at a time.
#[function_component(FoldedRows)]
fn folded_rows(props: &FoldedRowsProps) -> Html {
    let page = use_state(|| 0_usize);
    let rows = &props.folded.rows;
    let pages = rows.len().div_ceil(PAGE).max(1);
    let at = (*page).min(pages - 1);
    let (from, to) = (at * PAGE, ((at + 1) * PAGE).min(rows.len()));
    let turn = |to: usize, label: &'static str, disabled: bool| {
        let page = page.clone();
        html! {
            <button type="button" class="playback__button last-trace__page" disabled={disabled}
                onclick={Callback::from(move |_| page.set(to))}>{ label }</button>
        }
    };
    let what = if props.folded.cut {
        format!("{} steps", grouped(props.folded.times))
    } else {
        format!("{} iterations", grouped(props.folded.times))
    };
    html! {
        <details class="fold">
            <summary class="fold__summary">{ format!("Open the folded step: {what}, {} store operations", grouped(rows.len())) }</summary>
            if rows.is_empty() {
                <p class="fold__empty">{ "They touched no store." }</p>
            } else {
                <p class="fold__position">{ format!("Operations {}–{} of {}", grouped(from + 1), grouped(to), grouped(rows.len())) }</p>
                <ol class="fold__rows" start={(from + 1).to_string()}>
                    { for rows[from..to].iter().map(|r| html! {
                        <li class={classes!("fold__row", (!r.ok).then_some("fold__row--failed"))}>
                            <span class="fold__line">{ format!("line {}", r.line) }</span>
                            <code class="fold__action">{ r.action.clone() }</code>
                            <span class="fold__result">{ format!("→ {}", r.result) }</span>
                        </li>
                    }) }
                </ol>
                if pages > 1 {
                    <div class="fold__pages">
                        { turn(0, "First", at == 0) }
                        { turn(at.saturating_sub(1), "Previous", at == 0) }
                        { turn((at + 1).min(pages - 1), "Next", at + 1 >= pages) }
                        { turn(pages - 1, "Last", at + 1 >= pages) }
                    </div>
                }
            }
        </details>
    }
}
