//! The pattern and the faults: what `update_price` does, and what breaks.

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::engine::{Faults, Pattern};

#[derive(Properties, PartialEq)]
pub struct ControlsProps {
    pub pattern: Pattern,
    pub faults: Faults,
    /// The application is down after a crash.
    pub crashed: bool,
    /// Write-behind's waiting writes.
    pub queued: usize,
    pub busy: bool,
    pub on_pattern: Callback<Pattern>,
    pub on_faults: Callback<Faults>,
    pub on_restart: Callback<()>,
    pub on_flush: Callback<()>,
    pub on_reset: Callback<()>,
    /// Once the lesson is done: whether "Update price" runs the learner's own function.
    #[prop_or_default]
    pub run_mine: Option<bool>,
    #[prop_or_default]
    pub on_run_mine: Callback<bool>,
    /// The cache is shared by every tab (per-key ordering across tabs makes sense).
    #[prop_or_default]
    pub shared: bool,
    #[prop_or_default]
    pub per_key_ordering: bool,
    #[prop_or_default]
    pub on_per_key_ordering: Callback<bool>,
}

#[function_component(Controls)]
pub fn controls(props: &ControlsProps) -> Html {
    let on_pattern = {
        let cb = props.on_pattern.clone();
        Callback::from(move |e: Event| {
            if let Some(select) = e.target_dyn_into::<HtmlSelectElement>() {
                if let Some(p) = Pattern::from_id(&select.value()) {
                    cb.emit(p);
                }
            }
        })
    };
    let fault = |label: &'static str, get: fn(&Faults) -> bool, set: fn(&mut Faults, bool)| {
        let (cb, faults) = (props.on_faults.clone(), props.faults);
        let onchange = Callback::from(move |e: Event| {
            if let Some(input) = e.target_dyn_into::<HtmlInputElement>() {
                let mut next = faults;
                set(&mut next, input.checked());
                cb.emit(next);
            }
        });
        html! {
            <label class="controls__fault">
                <input type="checkbox" checked={get(&props.faults)} {onchange} />
                <span>{ label }</span>
            </label>
        }
    };
    let click = |cb: &Callback<()>| {
        let cb = cb.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    let on_mine = {
        let cb = props.on_run_mine.clone();
        Callback::from(move |e: Event| {
            if let Some(input) = e.target_dyn_into::<HtmlInputElement>() {
                cb.emit(input.checked());
            }
        })
    };
    let on_ordering = {
        let cb = props.on_per_key_ordering.clone();
        Callback::from(move |e: Event| {
            if let Some(input) = e.target_dyn_into::<HtmlInputElement>() {
                cb.emit(input.checked());
            }
        })
    };
    let mine = props.run_mine == Some(true);
    html! {
        <section class="controls" aria-label="Pattern and faults">
            if let Some(on) = props.run_mine {
                <label class="controls__mine">
                    <input type="checkbox" checked={on} onchange={on_mine} />
                    <span>{ "Run my update_price (from the lesson)" }</span>
                </label>
            }
            <div class="controls__pattern">
                <label for="controls-pattern">{ "Pattern" }</label>
                <select id="controls-pattern" onchange={on_pattern} disabled={mine}>
                    { for Pattern::ALL.iter().map(|p| html! {
                        <option value={p.id()} selected={*p == props.pattern}>{ p.title() }</option>
                    }) }
                </select>
            </div>
            <p class="controls__promise">{ if mine {
                "Update price runs the function you wrote in the lesson, line by line; the faults still apply."
            } else {
                props.pattern.promise()
            } }</p>
            <fieldset class="controls__faults">
                <legend>{ "Faults" }</legend>
                { for Faults::NAMES.iter().map(|f| fault(f.label, f.get, f.set)) }
            </fieldset>
            if props.shared {
                <label class="controls__fault controls__ordering">
                    <input type="checkbox" checked={props.per_key_ordering} onchange={on_ordering} />
                    <span>{ "Per-key ordering (lock across tabs)" }</span>
                </label>
            }
            <div class="controls__buttons">
                <button type="button" class={classes!("button", (!props.crashed).then_some("button--quiet"))} onclick={click(&props.on_restart)} disabled={props.busy}>
                    { if props.crashed { "Restart application (recover)" } else { "Restart application" } }
                </button>
                if props.pattern == Pattern::WriteBehind {
                    <button type="button" class="button button--quiet" onclick={click(&props.on_flush)} disabled={props.busy}>
                        { format!("Flush queue ({})", props.queued) }
                    </button>
                }
                <button type="button" class="button button--quiet" onclick={click(&props.on_reset)} disabled={props.busy}>{ "Reset lab" }</button>
            </div>
        </section>
    }
}
