//! The update form: a product, a new price, and `update_price`.

use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::catalog::validate_price;

#[derive(Properties, PartialEq)]
pub struct UpdateFormProps {
    /// The products of the database.
    pub products: Vec<String>,
    pub busy: bool,
    /// Why the engine refused the last update, shown next to the fields.
    pub rejection: Option<AttrValue>,
    /// Runs `update_price(product, new_price)`.
    pub on_update: Callback<(String, String)>,
}

#[function_component(UpdateForm)]
pub fn update_form(props: &UpdateFormProps) -> Html {
    let product = use_state(|| "product1".to_owned());
    let price = use_state(String::new);
    let error = use_state(|| None::<String>);

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
        let (price, error) = (price.clone(), error.clone());
        Callback::from(move |e: InputEvent| {
            if let Some(input) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
            {
                price.set(input.value());
                error.set(None);
            }
        })
    };
    let on_submit = {
        let (product, price, error) = (product.clone(), price.clone(), error.clone());
        let on_update = props.on_update.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            match validate_price(&price) {
                Ok(valid) => {
                    error.set(None);
                    on_update.emit(((*product).clone(), valid));
                }
                Err(err) => error.set(Some(err.to_string())),
            }
        })
    };
    let message = error
        .as_deref()
        .map(str::to_owned)
        .or_else(|| props.rejection.as_ref().map(|r| r.to_string()));
    html! {
        <form class="update-form" onsubmit={on_submit} aria-label="Update a price">
            <div class="update-form__field">
                <label for="update-product">{ "Product" }</label>
                <select id="update-product" onchange={on_product}>
                    { for props.products.iter().map(|p| html! {
                        <option value={p.clone()} selected={*p == *product}>{ p.clone() }</option>
                    }) }
                </select>
            </div>
            <div class="update-form__field">
                <label for="update-price">{ "New price" }</label>
                <input
                    id="update-price"
                    type="text"
                    inputmode="decimal"
                    placeholder="150"
                    value={(*price).clone()}
                    oninput={on_price}
                    aria-invalid={message.is_some().to_string()}
                    aria-describedby="update-form-error"
                />
            </div>
            <button type="submit" class="button button--app" disabled={props.busy}>{ "Update price" }</button>
            <p id="update-form-error" class="update-form__error" role="alert">{ message.unwrap_or_default() }</p>
        </form>
    }
}
