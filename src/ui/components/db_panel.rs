//! Below the database table: a form to write a row directly (the way a script or an
//! administrator would, behind the cache's back), and a reset of the table to the seed.

use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::catalog::validate_price;

#[derive(Properties, PartialEq)]
pub struct DbPanelProps {
    /// The products that can be written.
    pub products: Vec<String>,
    /// A write or reset is in flight.
    pub busy: bool,
    /// The last database failure, shown until the next success.
    pub error: Option<AttrValue>,
    /// Writes `(product, price)` straight to the database.
    pub on_write: Callback<(String, String)>,
    /// Puts the table back to the seed rows.
    pub on_reset: Callback<()>,
}

#[function_component(DbPanel)]
pub fn db_panel(props: &DbPanelProps) -> Html {
    let product = use_state(|| "product1".to_owned());
    let price = use_state(String::new);
    let field_error = use_state(|| None::<String>);

    let on_product = {
        let product = product.clone();
        Callback::from(move |e: Event| {
            if let Some(select) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlSelectElement>().ok())
            {
                product.set(select.value());
            }
        })
    };
    let on_price = {
        let price = price.clone();
        let field_error = field_error.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(input) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
            {
                price.set(input.value());
                field_error.set(None);
            }
        })
    };
    let on_submit = {
        let (product, price, field_error) = (product.clone(), price.clone(), field_error.clone());
        let on_write = props.on_write.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            match validate_price(&price) {
                Ok(valid) => {
                    field_error.set(None);
                    on_write.emit(((*product).clone(), valid));
                }
                Err(err) => field_error.set(Some(err.to_string())),
            }
        })
    };
    let on_reset = {
        let on_reset = props.on_reset.clone();
        Callback::from(move |_| on_reset.emit(()))
    };

    let invalid = field_error.is_some();
    html! {
        <div class="db-panel">
            <form class="db-panel__form" onsubmit={on_submit} aria-label="Write a row straight to the database">
                <p class="db-panel__hint">
                    { "Change a row directly, bypassing the cache, and see the two stores disagree." }
                </p>
                <div class="db-panel__fields">
                    <div class="db-panel__field">
                        <label for="db-panel-row">{ "Database row" }</label>
                        <select id="db-panel-row" onchange={on_product}>
                            { for props.products.iter().map(|id| html! {
                                <option value={id.clone()} selected={*id == *product}>{ id.clone() }</option>
                            }) }
                        </select>
                    </div>
                    <div class="db-panel__field">
                        <label for="db-panel-price">{ "Price in database" }</label>
                        <input
                            id="db-panel-price"
                            type="text"
                            inputmode="decimal"
                            value={(*price).clone()}
                            oninput={on_price}
                            aria-invalid={invalid.to_string()}
                            aria-describedby="db-panel-price-error"
                        />
                    </div>
                    <button type="submit" class="button" disabled={props.busy}>{ "Write to database" }</button>
                </div>
                <p id="db-panel-price-error" class="db-panel__error" role="alert">
                    { field_error.as_deref().unwrap_or_default() }
                    { props.error.clone().unwrap_or_default() }
                </p>
            </form>
            <button type="button" class="button button--quiet" onclick={on_reset} disabled={props.busy}>
                { "Reset database to the seed" }
            </button>
        </div>
    }
}
