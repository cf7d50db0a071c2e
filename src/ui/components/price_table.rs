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
    /// Keys the current step changed (highlighted).
    #[prop_or_default]
    pub changed: Vec<String>,
    /// A note per key (shown in a third column when given), e.g. who last wrote a row.
    #[prop_or_default]
    pub notes: Vec<(String, String)>,
    /// The third column's heading.
    #[prop_or_default]
    pub notes_heading: AttrValue,
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
                    if !props.notes.is_empty() {
                        <th scope="col" class="price-table__meta">{ props.notes_heading.clone() }</th>
                    }
                </tr>
            </thead>
            <tbody>
                if props.rows.is_empty() {
                    <tr><td colspan="3" class="price-table__empty">{ "(empty)" }</td></tr>
                }
                { for props.rows.iter().map(|row| html! {
                    <tr class={classes!(
                        "price-table__row",
                        props.stale.contains(&row.key).then_some("price-table__row--stale"),
                        props.changed.contains(&row.key).then_some("price-table__row--changed"),
                    )}>
                        <th scope="row" class="price-table__key">{ row.key.clone() }</th>
                        <td class="price-table__num">{ row.value.clone() }</td>
                        if !props.notes.is_empty() {
                            <td class="price-table__meta">{ props.notes.iter().find(|(k, _)| *k == row.key).map(|(_, n)| n.clone()).unwrap_or_default() }</td>
                        }
                    </tr>
                }) }
            </tbody>
        </table>
    }
}
