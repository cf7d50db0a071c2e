//! The update form: a product, a new price, and `update_price`; and `get_price`, a read.

use yew::prelude::*;

use super::price_form::PriceForm;

#[derive(Properties, PartialEq)]
pub struct UpdateFormProps {
    /// The products of the database.
    pub products: crate::engine::Table,
    pub busy: bool,
    /// Why the engine refused the last update, shown next to the fields.
    pub rejection: Option<AttrValue>,
    /// Runs `update_price(product, new_price)`.
    pub on_update: Callback<(String, String)>,
    /// Runs `get_price(product)`.
    pub on_read: Callback<String>,
}

#[function_component(UpdateForm)]
pub fn update_form(props: &UpdateFormProps) -> Html {
    html! {
        <PriceForm
            id="update"
            name="Update a price"
            form_class="update-form"
            block="update-form"
            product_label="Product"
            price_label="New price"
            submit_label="Update price"
            submit_class="button--app"
            products={props.products.clone()}
            busy={props.busy}
            message={props.rejection.clone()}
            on_submit={props.on_update.clone()}
            on_read={props.on_read.clone()}
        />
    }
}
