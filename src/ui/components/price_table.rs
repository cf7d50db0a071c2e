//! A two-column table of product ids and prices (a hash's fields, or the database's rows).

use yew::prelude::*;

/// One row: a hash field or database key, and its price.
#[derive(Clone, Debug, PartialEq)]
pub struct PriceRow {
    pub key: String,
    pub value: String,
}

#[derive(Properties, PartialEq)]
pub struct PriceTableProps {
    pub caption: AttrValue,
    pub key_heading: AttrValue,
    pub value_heading: AttrValue,
    pub rows: Vec<PriceRow>,
    /// Keys whose value disagrees with the other store (highlighted).
    #[prop_or_default]
    pub stale: Vec<String>,
}

#[function_component(PriceTable)]
pub fn price_table(props: &PriceTableProps) -> Html {
    html! {
        <table class="price-table">
            <caption class="price-table__caption">{ props.caption.clone() }</caption>
            <thead>
                <tr>
                    <th scope="col">{ props.key_heading.clone() }</th>
                    <th scope="col" class="price-table__num">{ props.value_heading.clone() }</th>
                </tr>
            </thead>
            <tbody>
                { for props.rows.iter().map(|row| html! {
                    <tr class={classes!("price-table__row", props.stale.contains(&row.key).then_some("price-table__row--stale"))}>
                        <th scope="row" class="price-table__key">{ row.key.clone() }</th>
                        <td class="price-table__num">{ row.value.clone() }</td>
                    </tr>
                }) }
            </tbody>
        </table>
    }
}
