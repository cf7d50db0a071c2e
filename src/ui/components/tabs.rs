//! The panels beside the stage, as tabs (the ARIA tabs pattern: arrow keys move between them).

use yew::prelude::*;

use crate::ui::state::Tab;

#[derive(Properties, PartialEq)]
pub struct TabsProps {
    pub current: Tab,
    pub on_select: Callback<Tab>,
}

#[function_component(Tabs)]
pub fn tabs(props: &TabsProps) -> Html {
    let on_key = {
        let (cb, current) = (props.on_select.clone(), props.current);
        Callback::from(move |e: KeyboardEvent| {
            let i = Tab::ALL.iter().position(|t| *t == current).unwrap_or(0);
            let n = Tab::ALL.len();
            let next = match e.key().as_str() {
                "ArrowRight" => (i + 1) % n,
                "ArrowLeft" => (i + n - 1) % n,
                "Home" => 0,
                "End" => n - 1,
                _ => return,
            };
            // The page's own keys step through the trace: not while choosing a tab.
            e.prevent_default();
            e.stop_propagation();
            cb.emit(Tab::ALL[next]);
            if let Some(button) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.get_element_by_id(&format!("tab-{}", Tab::ALL[next].id())))
                .and_then(|el| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(el).ok())
            {
                let _ = button.focus();
            }
        })
    };
    html! {
        <nav class="tabs" aria-label="Panels">
            <div class="tabs__list" role="tablist" aria-label="Panels" onkeydown={on_key}>
                { for Tab::ALL.iter().map(|&tab| {
                    let selected = tab == props.current;
                    let cb = props.on_select.clone();
                    html! {
                        <button type="button" role="tab" class={classes!("tabs__tab", selected.then_some("tabs__tab--current"))}
                            id={format!("tab-{}", tab.id())} aria-selected={selected.to_string()} aria-controls={format!("panel-{}", tab.id())}
                            tabindex={if selected { "0" } else { "-1" }} onclick={Callback::from(move |_| cb.emit(tab))}>
                            { tab.title() }
                        </button>
                    }
                }) }
            </div>
        </nav>
    }
}
