//! At scale: load a generated catalog of 100,000 products into both stores (and back to the
//! lesson's three), to see that the pattern and the lab stay the same at size.

use yew::prelude::*;

use crate::catalog::{MAX_CATALOG, SEED};

#[derive(Properties, PartialEq)]
pub struct ScalePanelProps {
    /// How many products the database holds now.
    pub products: usize,
    /// A write or reset is in flight.
    pub busy: bool,
    /// What the last load did (and how long it took), or why it failed.
    pub message: Option<AttrValue>,
    /// Loads a generated catalog of this many products into both stores.
    pub on_seed: Callback<usize>,
    /// Puts both stores back to the lesson's seed.
    pub on_reset: Callback<()>,
}

pub use crate::engine::fold::grouped;

#[function_component(ScalePanel)]
pub fn scale_panel(props: &ScalePanelProps) -> Html {
    let seed = {
        let cb = props.on_seed.clone();
        Callback::from(move |_: MouseEvent| cb.emit(MAX_CATALOG))
    };
    let reset = {
        let cb = props.on_reset.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    let status = props.message.clone().unwrap_or_else(|| {
        AttrValue::from(format!(
            "Both stores hold {} products.",
            grouped(props.products)
        ))
    });
    html! {
        <section class="race scale" aria-label="At scale">
            <h2 class="race__title">{ "At scale" }</h2>
            <p class="race__intro">
                { format!("The lesson uses {} products. Load a generated catalog of {} (", SEED.len(), grouped(MAX_CATALOG)) }
                <code>{ "product0" }</code>{ " … " }<code>{ "product99999" }</code>
                { ") into both stores: the pattern does not change with size — an update still writes one row and one field, and the tables scroll through every product." }
            </p>
            <div class="race__controls">
                <button type="button" class="button button--app" onclick={super::unless(props.busy, seed)} aria-disabled={props.busy.to_string()}>
                    { format!("Load {} products", grouped(MAX_CATALOG)) }
                </button>
                <button type="button" class="button button--quiet" onclick={super::unless(props.busy, reset)} aria-disabled={props.busy.to_string()}>
                    { format!("Back to the {} seed products", SEED.len()) }
                </button>
            </div>
            <p class="scale__status" role="status" aria-label="Catalog size">{ status }</p>
        </section>
    }
}
