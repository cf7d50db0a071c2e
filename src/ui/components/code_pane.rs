//! A listing in the seed's Python and in Rust, marked as Python Tutor marks it: the line the
//! current step just ran, and the line the next step runs. Long lines wrap with a hanging
//! indent, so nothing is cut off, and the marked line is kept in view.

use std::rc::Rc;

use yew::prelude::*;

use crate::engine::listing::{Line, Listing};
use crate::engine::trace::CodeRef;

#[derive(Properties, PartialEq)]
pub struct CodePaneProps {
    pub listing: Listing,
    /// The line the current step ran (0 for none).
    pub current: CodeRef,
    /// The line the next step runs (0 for none).
    #[prop_or_default]
    pub next: CodeRef,
    /// The learner's own code (Python only), shown instead of `listing`.
    #[prop_or_default]
    pub mine: Option<Rc<Vec<&'static str>>>,
    /// "Edit this code": opens the Python listing in the editor.
    #[prop_or_default]
    pub on_edit: Option<Callback<()>>,
}

#[function_component(CodePane)]
pub fn code_pane(props: &CodePaneProps) -> Html {
    let rust = use_state(|| false);
    let pre = use_node_ref();
    let mine: Option<Vec<Line>> = props
        .mine
        .as_ref()
        .map(|m| m.iter().map(|&text| Line { text, marks: &[] }).collect());
    let (lines, current, next): (&[Line], u32, u32) = match &mine {
        Some(mine) => (mine, props.current.python, props.next.python),
        None if *rust => (props.listing.rust, props.current.rust, props.next.rust),
        None => (
            props.listing.python,
            props.current.python,
            props.next.python,
        ),
    };
    // Keep the line just run in view inside the pane (never scroll the page).
    {
        let pre = pre.clone();
        use_effect_with((current, *rust), move |_| {
            if let Some(pre) = pre.cast::<web_sys::Element>() {
                super::keep_in_view(&pre, ".code__line--current");
            }
        });
    }
    let tab = |is_rust: bool, label: &'static str| {
        let state = rust.clone();
        html! {
            <button type="button" class="code-pane__tab" aria-pressed={(*rust == is_rust).to_string()} onclick={Callback::from(move |_| state.set(is_rust))}>
                { label }
            </button>
        }
    };
    html! {
        <div class="code-pane">
            <div class="code-pane__bar">
                if mine.is_some() {
                    <p class="code-pane__mine">{ "Your update_price (Python)" }</p>
                } else {
                    <div class="code-pane__tabs" role="group" aria-label="Language">
                        { tab(false, "Python") }
                        { tab(true, "Rust") }
                    </div>
                }
                if let (Some(on_edit), None, false) = (&props.on_edit, &mine, *rust) {
                    <button type="button" class="code-pane__tab code-pane__edit" onclick={on_edit.reform(|_| ())}>{ "Edit this code" }</button>
                }
                <p class="code-pane__legend" aria-hidden="true">
                    <span class="code-pane__key code-pane__key--current">{ "▶ just ran" }</span>
                    <span class="code-pane__key code-pane__key--next">{ "▷ runs next" }</span>
                </p>
            </div>
            <pre class="code" tabindex="0" ref={pre} aria-label="Code of the current operation"><code>
                { for lines.iter().enumerate().map(|(i, line)| {
                    let n = i as u32 + 1;
                    let (here, coming) = (n == current, n == next && n != current);
                    let marker = if here { "▶" } else if coming { "▷" } else { "" };
                    html! {
                        <span class={classes!("code__line", here.then_some("code__line--current"), coming.then_some("code__line--next"))}
                            aria-current={here.then_some("step")}>
                            <span class="code__marker" aria-hidden="true">{ marker }</span>
                            <span class="code__text">{ format!("{}\n", if line.text.is_empty() { " " } else { line.text }) }</span>
                        </span>
                    }
                }) }
            </code></pre>
        </div>
    }
}
