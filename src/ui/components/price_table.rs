//! A two-column table of product ids and prices (a hash's fields, or the database's rows).
//!
//! A long table (a generated catalog of up to 100,000 products) scrolls inside its own box and
//! renders only the rows in view plus a margin: spacer rows above and below stand in for the
//! rest, so scrolling costs the same at 100 rows as at 100,000. Screen readers still get the
//! table's real size (`aria-rowcount`) and each row's place in it (`aria-rowindex`).

use std::rc::Rc;

use web_sys::HtmlElement;
use yew::prelude::*;

use crate::engine::Rows;
use crate::engine::Table;
use crate::viewport::{reveal, window};

/// Tables longer than this scroll in their own box and render only what is visible.
pub const VIRTUAL_FROM: usize = 60;
/// A row's height before one has been measured (the stylesheet fixes it near this).
const ROW_HEIGHT: f64 = 33.0;

/// The database rows behind a table, for its third column ("who last wrote it"): the row at
/// the same position. Compared by identity, so an unchanged table is not re-rendered.
#[derive(Clone, Debug)]
pub struct Notes(pub Rows);

impl PartialEq for Notes {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

#[derive(Properties, PartialEq)]
pub struct PriceTableProps {
    pub caption: AttrValue,
    pub key_heading: AttrValue,
    pub value_heading: AttrValue,
    pub rows: Table,
    /// Keys whose value disagrees with the other store (highlighted).
    #[prop_or_default]
    pub stale: Rc<Vec<String>>,
    /// Keys the current step changed (highlighted).
    #[prop_or_default]
    pub changed: Rc<Vec<String>>,
    /// A key to bring into view in a long table (the product the shown operation is about).
    #[prop_or_default]
    pub reveal: Option<AttrValue>,
    /// Changes whenever `reveal` should be brought into view again (a new operation).
    #[prop_or_default]
    pub reveal_token: usize,
    /// Who last wrote each row (a third column when given).
    #[prop_or_default]
    pub notes: Option<Notes>,
    /// The third column's heading.
    #[prop_or_default]
    pub notes_heading: AttrValue,
}

/// The rows a long table renders: the ones in its box's view plus a margin, and the spacers that
/// stand in for the rest.
struct Windowed {
    /// The scrolling box, and what to do when it scrolls.
    scroller: NodeRef,
    on_scroll: Callback<Event>,
    /// The rows rendered: `from..to`.
    from: usize,
    to: usize,
    /// The spacer rows above and below them.
    above: NodeRef,
    below: NodeRef,
}

/// Keeps a table's window on its rows: follows the box's scrolling, measures a real row, sizes
/// the spacers, and scrolls `reveal` into view whenever `reveal_token` changes.
#[hook]
fn use_windowed(
    rows: &Table,
    boxed: bool,
    reveal: &Option<AttrValue>,
    reveal_token: usize,
) -> Windowed {
    let scroller = use_node_ref();
    // (scroll top, box height, row height) as last seen.
    let view = use_state(|| (0.0_f64, 480.0_f64, ROW_HEIGHT));

    let on_scroll = {
        let (view, scroller) = (view.clone(), scroller.clone());
        Callback::from(move |_: Event| {
            if let Some(el) = scroller.cast::<HtmlElement>() {
                let (_, _, row) = *view;
                let next = (
                    f64::from(el.scroll_top()),
                    f64::from(el.client_height()),
                    row,
                );
                // Re-render only when the first row in view changes.
                if (next.0 / row).floor() != (view.0 / row).floor() || next.1 != view.1 {
                    view.set(next);
                }
            }
        })
    };

    let (from, to) = if boxed {
        window(rows.len(), view.0, view.1, view.2)
    } else {
        (0, rows.len())
    };

    // The spacers' heights are set through the CSSOM after rendering: the page's Content
    // Security Policy forbids inline style attributes.
    let (above, below) = (use_node_ref(), use_node_ref());
    {
        let (above, below) = (above.clone(), below.clone());
        let heights = (from as f64 * view.2, (rows.len() - to) as f64 * view.2);
        use_effect(move || {
            for (spacer, height) in [(above, heights.0), (below, heights.1)] {
                if let Some(el) = spacer.cast::<HtmlElement>() {
                    let _ = el.style().set_property("height", &format!("{height}px"));
                }
            }
        });
    }
    // Effects run in the order they are declared: the spacers have their heights before the
    // table is scrolled, or the browser would clamp the scroll to a table not yet tall enough.
    // Measure a real row once the table is long, and bring the operation's product into view.
    {
        let (view, scroller) = (view.clone(), scroller.clone());
        let (rows, wanted) = (Rc::clone(rows), reveal.clone());
        // A table that is not boxed shows every row: nothing to measure, and measuring would
        // make the browser lay the page out in the middle of the render (a long task at start).
        use_effect_with((boxed, reveal.clone(), reveal_token), move |_| {
            if let Some(el) = scroller.cast::<HtmlElement>().filter(|_| boxed) {
                follow(&el, &view, &rows, wanted.filter(|_| boxed));
            }
        });
    }

    Windowed {
        scroller,
        on_scroll,
        from,
        to,
        above,
        below,
    }
}

/// Measures a real row and the box, scrolls `wanted` (a product's key) into view, and keeps
/// what was seen in `view` (scroll top, box height, row height).
fn follow(
    el: &HtmlElement,
    view: &UseStateHandle<(f64, f64, f64)>,
    rows: &Table,
    wanted: Option<AttrValue>,
) {
    let measured = el
        .query_selector("tbody tr.price-table__row")
        .ok()
        .flatten()
        .map(|r| r.get_bounding_client_rect().height())
        .filter(|h| *h > 1.0)
        .unwrap_or(view.2);
    let height = f64::from(el.client_height());
    // The sticky header covers the top of the box: rows are seen below it.
    let header = el
        .query_selector("thead")
        .ok()
        .flatten()
        .map_or(0.0, |h| h.get_bounding_client_rect().height());
    let mut top = f64::from(el.scroll_top());
    if let Some(to) = wanted
        .and_then(|key| rows.iter().position(|(k, _)| *k == *key))
        .and_then(|index| reveal(index, top, (height - header).max(0.0), measured))
    {
        el.set_scroll_top(to as i32);
        // What the browser made of it (it clamps at the ends).
        top = f64::from(el.scroll_top());
    }
    if (measured - view.2).abs() > 0.5 || (height - view.1).abs() > 0.5 || top != view.0 {
        view.set((top, height, measured));
    }
}

/// The table's column headings (the third one when it has notes).
fn head(props: &PriceTableProps, boxed: bool) -> Html {
    html! {
    <thead>
        <tr aria-rowindex={boxed.then(|| "1".to_owned())}>
            <th scope="col">{ props.key_heading.clone() }</th>
            <th scope="col" class="price-table__num">{ props.value_heading.clone() }</th>
            if props.notes.is_some() {
                <th scope="col" class="price-table__meta">{ props.notes_heading.clone() }</th>
            }
        </tr>
    </thead>
    }
}

#[function_component(PriceTable)]
pub fn price_table(props: &PriceTableProps) -> Html {
    let boxed = props.rows.len() > VIRTUAL_FROM;
    let win = use_windowed(&props.rows, boxed, &props.reveal, props.reveal_token);
    let (from, to) = (win.from, win.to);
    let with_notes = props.notes.is_some();
    let columns = if with_notes { "3" } else { "2" };

    let row = |i: usize| {
        let (key, value) = &props.rows[i];
        let note = props
            .notes
            .as_ref()
            .and_then(|n| n.0.get(i))
            .map(|r| format!("{} (rev {})", r.written_by, r.revision));
        html! {
            <tr key={format!("row-{i}")} class={classes!(
                "price-table__row",
                props.stale.contains(key).then_some("price-table__row--stale"),
                props.changed.contains(key).then_some("price-table__row--changed"),
            )} aria-rowindex={boxed.then(|| (i + 2).to_string())}>
                <th scope="row" class="price-table__key">{ key.clone() }</th>
                <td class="price-table__num">{ value.clone() }</td>
                if with_notes {
                    <td class="price-table__meta">{ note.unwrap_or_default() }</td>
                }
            </tr>
        }
    };
    // Every row is keyed, and so are the spacers: Yew then never hands a spacer's element (and
    // the height set on it) to a row, or a row's to a spacer.
    let spacer = |node: &NodeRef, key: &'static str| {
        html! {
            <tr key={key} class="price-table__spacer" aria-hidden="true" ref={node.clone()}>
                <td colspan={columns}></td>
            </tr>
        }
    };
    let body: Vec<Html> = boxed
        .then(|| spacer(&win.above, "spacer-above"))
        .into_iter()
        .chain((from..to).map(row))
        .chain(boxed.then(|| spacer(&win.below, "spacer-below")))
        .collect();
    let table = html! {
        <table class={classes!("price-table", boxed.then_some("price-table--virtual"))}
            aria-rowcount={boxed.then(|| (props.rows.len() + 1).to_string())}>
            <caption class="price-table__caption">{ props.caption.clone() }</caption>
            { head(props, boxed) }
            <tbody>
                if props.rows.is_empty() {
                    <tr><td colspan={columns} class="price-table__empty">{ "(empty)" }</td></tr>
                } else {
                    { for body }
                }
            </tbody>
        </table>
    };
    if boxed {
        html! {
            <div key="long" class="price-table__scroll" ref={win.scroller.clone()} onscroll={win.on_scroll.clone()} tabindex="0"
                role="region" aria-label={format!("{} ({} rows, scrollable)", props.caption, props.rows.len())}>
                { table }
            </div>
        }
    } else {
        html! { <div key="short" ref={win.scroller}>{ table }</div> }
    }
}
