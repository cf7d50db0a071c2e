//! Below the database table: a form to write a row directly (the way a script or an
//! administrator would, behind the cache's back), and a reset of the table to the seed.

use yew::prelude::*;

use super::price_form::PriceForm;

#[derive(Properties, PartialEq)]
pub struct DbPanelProps {
    /// The products that can be written.
    pub products: crate::engine::Table,
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
    let on_reset = {
        let on_reset = props.on_reset.clone();
        Callback::from(move |_| on_reset.emit(()))
    };
    html! {
        <div class="db-panel">
            <PriceForm
                id="db-panel"
                name="Write a row straight to the database"
                form_class="db-panel__form"
                block="db-panel"
                product_label="Database row"
                price_label="Price in database"
                submit_label="Write to database"
                products={props.products.clone()}
                busy={props.busy}
                message={props.error.clone()}
                on_submit={props.on_write.clone()}
            >
                <p class="db-panel__hint">{ "Write a row directly, bypassing the cache:" }</p>
            </PriceForm>
            <button type="button" class="button button--quiet" onclick={super::unless(props.busy, on_reset)} aria-disabled={props.busy.to_string()}>
                { "Reset database to the seed" }
            </button>
        </div>
    }
}
