//! A product, a price, and a submit button, with the price checked before it is sent and the
//! message shown next to the fields. The update form and the database panel both use it.

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::catalog::{ids_starting_with, validate_price};
use crate::engine::Table;

/// Catalogs longer than this get a text field with suggestions instead of a drop-down list.
const LIST_UP_TO: usize = 200;
/// How many suggestions the text field offers.
const SUGGESTIONS: usize = 20;

#[derive(Properties, PartialEq)]
pub struct PriceFormProps {
    /// Prefix of the fields' ids (`{id}-product`, `{id}-price`, `{id}-error`).
    pub id: AttrValue,
    /// The form's accessible name.
    pub name: AttrValue,
    /// The CSS class of the form, and the block its parts are named after (`{block}__field`).
    pub form_class: AttrValue,
    pub block: AttrValue,
    pub product_label: AttrValue,
    pub price_label: AttrValue,
    pub submit_label: AttrValue,
    #[prop_or_default]
    pub submit_class: AttrValue,
    /// The database's rows, ordered by id: their ids are the products to choose from.
    pub products: Table,
    pub busy: bool,
    /// A message from elsewhere (the engine's refusal, a database failure).
    pub message: Option<AttrValue>,
    /// Receives `(product, price)` once the price is valid.
    pub on_submit: Callback<(String, String)>,
    /// If given, a "Read price" button: receives the product chosen (the price is not needed).
    #[prop_or_default]
    pub on_read: Option<Callback<String>>,
    /// Shown above the fields.
    #[prop_or_default]
    pub children: Html,
}

#[function_component(PriceForm)]
pub fn price_form(props: &PriceFormProps) -> Html {
    let product = use_state(|| "product1".to_owned());
    let price = use_state(String::new);
    let error = use_state(|| None::<String>);

    let on_product = product_changed(&product);
    let on_price = price_typed(&price, &error);
    let on_submit = {
        let (product, price, error) = (product.clone(), price.clone(), error.clone());
        let on_submit = props.on_submit.clone();
        let busy = props.busy;
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if busy {
                return;
            }
            match validate_price(&price) {
                Ok(valid) => {
                    error.set(None);
                    on_submit.emit(((*product).clone(), valid));
                }
                Err(err) => error.set(Some(err.to_string())),
            }
        })
    };
    let message = error
        .as_deref()
        .map(str::to_owned)
        .or_else(|| props.message.as_ref().map(|m| m.to_string()));
    let (block, id) = (&props.block, &props.id);
    let (product_id, price_id, error_id) = (
        format!("{id}-product"),
        format!("{id}-price"),
        format!("{id}-error"),
    );
    html! {
        <form class={props.form_class.clone()} onsubmit={on_submit} aria-label={props.name.clone()}>
            { props.children.clone() }
            <div class={format!("{block}__fields")}>
                <div class={format!("{block}__field")}>
                    <label for={product_id.clone()}>{ props.product_label.clone() }</label>
                    { product_field(&props.products, product_id, &product, on_product) }
                </div>
                <div class={format!("{block}__field")}>
                    <label for={price_id.clone()}>{ props.price_label.clone() }</label>
                    <input
                        id={price_id}
                        type="text"
                        inputmode="decimal"
                        value={(*price).clone()}
                        oninput={on_price}
                        aria-invalid={message.is_some().to_string()}
                        aria-describedby={error_id.clone()}
                    />
                </div>
                // Busy, the buttons stay focusable (a keyboard's press keeps its place) and do
                // nothing.
                <button type="submit" class={classes!("button", props.submit_class.to_string())} aria-disabled={props.busy.to_string()}>{ props.submit_label.clone() }</button>
                if let Some(on_read) = &props.on_read {
                    { read_button(on_read, &product, props.busy) }
                }
            </div>
            <p id={error_id} class={format!("{block}__error")} role="alert">{ message.unwrap_or_default() }</p>
        </form>
    }
}

/// The product field changed (a list's choice, or a typed name).
fn product_changed(product: &UseStateHandle<String>) -> Callback<Event> {
    let product = product.clone();
    Callback::from(move |e: Event| {
        if let Some(select) = e.target_dyn_into::<HtmlSelectElement>() {
            product.set(select.value());
        } else if let Some(input) = e.target_dyn_into::<HtmlInputElement>() {
            product.set(input.value());
        }
    })
}

/// A price typed: kept, and the field's error goes until the next submit.
fn price_typed(
    price: &UseStateHandle<String>,
    error: &UseStateHandle<Option<String>>,
) -> Callback<InputEvent> {
    let (price, error) = (price.clone(), error.clone());
    Callback::from(move |e: InputEvent| {
        if let Some(input) = e.target_dyn_into::<HtmlInputElement>() {
            price.set(input.value());
            error.set(None);
        }
    })
}

/// "Read price": `get_price` of the chosen product (no price needed).
fn read_button(on_read: &Callback<String>, product: &UseStateHandle<String>, busy: bool) -> Html {
    let product = product.clone();
    let onclick = super::unless(
        busy,
        on_read.reform(move |_: MouseEvent| (*product).clone()),
    );
    html! {
        <button type="button" class="button button--quiet" aria-disabled={busy.to_string()} {onclick}
            title="get_price(product): the cache first; on a miss, the database, then the cache is filled">
            { "Read price" }
        </button>
    }
}

/// The product: a drop-down list for a short catalog, a text field with suggestions (ids that
/// start with what is typed) for a long one.
fn product_field(products: &Table, id: String, product: &str, on_product: Callback<Event>) -> Html {
    if products.len() <= LIST_UP_TO {
        return html! {
            <select {id} onchange={on_product}>
                { for products.iter().map(|(p, _)| html! {
                    <option value={p.clone()} selected={p == product}>{ p.clone() }</option>
                }) }
            </select>
        };
    }
    // `{form}-product` → `{form}-products`.
    let list_id = format!("{id}s");
    html! {
        <>
            <input
                {id}
                type="text"
                list={list_id.clone()}
                value={product.to_owned()}
                oninput={on_product.reform(Event::from)}
                onchange={on_product}
                autocomplete="off"
                spellcheck="false"
            />
            <datalist id={list_id}>
                { for ids_starting_with(products, product, SUGGESTIONS).map(|p| html! {
                    <option value={p.to_owned()} />
                }) }
            </datalist>
        </>
    }
}
