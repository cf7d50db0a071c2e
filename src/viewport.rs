//! Which rows of a long table to render: the ones in view and a margin around them (pure, so
//! that it is tested on the host). The interface renders spacers for the rest.

/// Rows rendered above and below the visible ones, so that a fast scroll shows no gap.
pub const OVERSCAN: usize = 12;

/// The rows `from..to` to render for a box `height` pixels tall scrolled to `scroll_top`, over
/// `len` rows of `row` pixels each.
pub fn window(len: usize, scroll_top: f64, height: f64, row: f64) -> (usize, usize) {
    let row = if row > 0.0 { row } else { 1.0 };
    let first = ((scroll_top / row).floor().max(0.0) as usize).min(len);
    let shown = (height / row).ceil().max(1.0) as usize;
    (
        first.saturating_sub(OVERSCAN),
        (first + shown + OVERSCAN).min(len),
    )
}

/// Where to scroll a box `height` tall so that row `index` (of `row` pixels) is in view:
/// `None` if it already is, otherwise a position that puts it in the middle.
pub fn reveal(index: usize, scroll_top: f64, height: f64, row: f64) -> Option<f64> {
    let at = index as f64 * row;
    (at < scroll_top || at + row > scroll_top + height).then(|| (at - height / 2.0).max(0.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_covers_the_visible_rows_and_a_margin_and_stays_in_bounds() {
        assert_eq!(window(100_000, 0.0, 330.0, 33.0), (0, 10 + OVERSCAN));
        assert_eq!(
            window(100_000, 3_300.0, 330.0, 33.0),
            (100 - OVERSCAN, 110 + OVERSCAN)
        );
        assert_eq!(
            window(100_000, 33.0 * 99_995.0, 330.0, 33.0),
            (99_995 - OVERSCAN, 100_000)
        );
        assert_eq!(window(10, 1e9, 330.0, 33.0), (0, 10));
        assert_eq!(window(0, 0.0, 0.0, 33.0), (0, 0));
        assert_eq!(window(5, f64::NAN, f64::NAN, 0.0), (0, 5));
    }

    #[test]
    fn a_row_out_of_view_is_brought_to_the_middle_and_one_in_view_stays() {
        assert_eq!(reveal(5, 0.0, 330.0, 33.0), None);
        assert_eq!(reveal(1_000, 0.0, 330.0, 33.0), Some(33_000.0 - 165.0));
        assert_eq!(reveal(0, 3_300.0, 330.0, 33.0), Some(0.0));
        assert_eq!(reveal(9, 0.0, 330.0, 33.0), None);
        assert_eq!(reveal(10, 0.0, 330.0, 33.0), Some(165.0));
    }
}
