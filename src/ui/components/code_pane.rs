//! `update_price` for the chosen pattern, in the seed's Python and in Rust, with the line the
//! current step runs highlighted.

use yew::prelude::*;

use crate::engine::listing::Listing;

#[derive(Properties, PartialEq)]
pub struct CodePaneProps {
    pub listing: Listing,
    /// 1-based lines of the current step; 0 for none.
    pub python_line: u32,
    pub rust_line: u32,
}

#[function_component(CodePane)]
pub fn code_pane(props: &CodePaneProps) -> Html {
    let rust = use_state(|| false);
    let (lines, current) = if *rust {
        (props.listing.rust, props.rust_line)
    } else {
        (props.listing.python, props.python_line)
    };
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
            <div class="code-pane__tabs" role="group" aria-label="Language">
                { tab(false, "Python") }
                { tab(true, "Rust") }
            </div>
            <pre class="code" tabindex="0"><code>
                { for lines.iter().enumerate().map(|(i, line)| {
                    let here = i as u32 + 1 == current;
                    html! {
                        <span class={classes!("code__line", here.then_some("code__line--current"))} aria-current={here.then_some("step")}>
                            { format!("{}\n", if line.text.is_empty() { " " } else { line.text }) }
                        </span>
                    }
                }) }
            </code></pre>
        </div>
    }
}
