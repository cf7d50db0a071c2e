//! The pattern and the faults: what `update_price` does, and what breaks. The fault switches
//! sit right under the update form (`FaultSwitches`), so that a write and what breaks it are on
//! screen together; the pattern and the buttons below the console (`Controls`).

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::engine::{Faults, Pattern};
use crate::ui::context::use_lab_handle;

/// The pattern, per-key ordering (where tabs share a Redis), and the buttons that
/// restart the application, flush write-behind's queue and reset the lab; all read from the
/// page's state.
#[function_component(Controls)]
pub fn controls() -> Html {
    let Some(lab) = use_lab_handle() else {
        return Html::default();
    };
    let (live, busy, lesson) = (lab.live(), lab.busy(), &lab.state.lesson);
    // Once the lesson is done: whether "Update price" runs the learner's own function.
    let run_mine = lesson.function.as_ref().map(|_| lesson.run_mine);
    let on_pattern = {
        let cb = lab.on_pattern();
        Callback::from(move |e: Event| {
            if let Some(select) = e.target_dyn_into::<HtmlSelectElement>() {
                if let Some(p) = Pattern::from_id(&select.value()) {
                    cb.emit(p);
                }
            }
        })
    };
    // Busy, the buttons stay focusable (a keyboard's press keeps its place) and do nothing.
    let click = |cb: &Callback<()>| super::unless(busy, cb.reform(|_: MouseEvent| ()));
    let on_mine = super::on_checked(lab.on_run_mine());
    let on_ordering = super::on_checked(lab.on_per_key_ordering());
    let mine = run_mine == Some(true);
    html! {
        <section class="controls" aria-label="Pattern and faults">
            if let Some(on) = run_mine {
                <label class="controls__mine">
                    <input type="checkbox" checked={on} onchange={on_mine} />
                    <span>{ "Run my update_price (from the lesson)" }</span>
                </label>
            }
            <div class="controls__pattern">
                <label for="controls-pattern">{ "Pattern" }</label>
                <select id="controls-pattern" onchange={on_pattern} disabled={mine}>
                    { for Pattern::ALL.iter().map(|p| html! {
                        <option value={p.id()} selected={*p == live.pattern}>{ p.title() }</option>
                    }) }
                </select>
            </div>
            <p class="controls__promise">{ if mine {
                "Update price runs the function you wrote in the lesson, line by line; the faults still apply."
            } else {
                live.pattern.promise()
            } }</p>
            if live.shared {
                <label class="controls__fault controls__ordering">
                    <input type="checkbox" checked={live.per_key_ordering} onchange={on_ordering} />
                    <span>{ "Per-key ordering (lock across tabs)" }</span>
                </label>
            }
            <div class="controls__buttons">
                <button type="button" class={classes!("button", (!live.crashed).then_some("button--quiet"))} onclick={click(&lab.on_restart())} aria-disabled={busy.to_string()}>
                    { if live.crashed { "Restart application (recover)" } else { "Restart application" } }
                </button>
                if live.pattern == Pattern::WriteBehind {
                    <button type="button" class="button button--quiet" onclick={click(&lab.on_flush())} aria-disabled={busy.to_string()}>
                        { format!("Flush queue ({})", live.queue.len()) }
                    </button>
                }
                <button type="button" class="button button--quiet" onclick={click(&lab.on_reset())} aria-disabled={busy.to_string()}>{ "Reset lab" }</button>
            </div>
        </section>
    }
}

/// The fault switches: what breaks the next operation.
#[function_component(FaultSwitches)]
pub fn fault_switches() -> Html {
    let Some(lab) = use_lab_handle() else {
        return Html::default();
    };
    let live = lab.live();
    let fault = |label: &'static str, get: fn(&Faults) -> bool, set: fn(&mut Faults, bool)| {
        let (cb, faults) = (lab.on_faults(), live.faults);
        let onchange = super::on_checked(Callback::from(move |on| {
            let mut next = faults;
            set(&mut next, on);
            cb.emit(next);
        }));
        html! {
            <label class="controls__fault">
                <input type="checkbox" checked={get(&live.faults)} {onchange} />
                <span>{ label }</span>
            </label>
        }
    };
    html! {
        <fieldset class="faults">
            <legend title="Each switch breaks a step of the next operation">{ "Faults:" }</legend>
            { for Faults::NAMES.iter().map(|f| fault(f.label, f.get, f.set)) }
        </fieldset>
    }
}
