//! One file per component.

pub mod actor_card;
pub mod challenges_panel;
pub mod code_pane;
pub mod compare_panel;
pub mod console;
pub mod controls;
pub mod db_panel;
pub mod editor;
pub mod last_trace;
pub mod lesson_panel;
pub mod on_the_wire;
pub mod playback_bar;
pub mod player;
pub mod predict_box;
pub mod price_form;
pub mod price_table;
pub mod race_panel;
pub mod scale_panel;
pub mod sequence_diagram;
pub mod side_panel;
pub mod stage;
pub mod stage_view;
pub mod tabs;
pub mod topbar;
pub mod trace_view;
pub mod update_form;

/// Scrolls `container` so that its child matching `selector` (the marked line of a listing or
/// of the editor) is in view, a third of the way down; never scrolls the page.
pub fn keep_in_view(container: &web_sys::Element, selector: &str) {
    if let Ok(Some(line)) = container.query_selector(selector) {
        let (l, c) = (
            line.get_bounding_client_rect(),
            container.get_bounding_client_rect(),
        );
        if l.top() < c.top() || l.bottom() > c.bottom() {
            let offset = l.top() - c.top() - c.height() / 3.0;
            container.set_scroll_top(container.scroll_top() + offset as i32);
        }
    }
}

/// A checkbox's `change` as what it now says: checked or not.
pub fn on_checked(cb: yew::Callback<bool>) -> yew::Callback<web_sys::Event> {
    use yew::TargetCast;
    yew::Callback::from(move |e: web_sys::Event| {
        if let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>() {
            cb.emit(input.checked());
        }
    })
}

/// A click that does nothing while `unavailable`. With `aria-disabled` instead of `disabled`, a
/// button that disables itself when pressed keeps the keyboard's focus (a `disabled` one drops
/// it to the page's body).
pub fn unless<E: 'static>(unavailable: bool, cb: yew::Callback<E>) -> yew::Callback<E> {
    yew::Callback::from(move |e| {
        if !unavailable {
            cb.emit(e);
        }
    })
}
