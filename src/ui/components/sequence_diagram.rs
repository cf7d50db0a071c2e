//! The sequence diagram of the trace on the stage, drawn as SVG from
//! [`Diagram`](crate::engine::diagram::Diagram): a lifeline per actor, one arrow per step with
//! its reply, failures crossed out, a crash ending the application's lifeline, and the windows
//! in which the stores disagree shaded. The current step is highlighted; clicking an arrow (or
//! Enter on it) goes to that step. Colours are SVG attributes, not CSS, so that "Download
//! diagram" saves a file that looks the same anywhere (and the page's CSP allows no inline
//! style).
//!
//! Only what is seen is drawn: the arrows of the rows in the diagram's box, plus a margin (the
//! SVG keeps the whole trace's height, so the scroll bar is the trace's). The diagram is one tab
//! stop: the arrow of the current step (or the one the learner moved to); the arrow keys move
//! between arrows, Enter goes to the step.

use std::rc::Rc;

use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::engine::diagram::{Arrow, Diagram, Lifeline, Window};
use crate::engine::queue::{FLUSH_AFTER_MS, FLUSH_SIZE};
use crate::engine::Trace;

#[derive(Properties, PartialEq)]
pub struct SequenceDiagramProps {
    pub trace: Rc<Trace>,
    /// `trace` as a diagram (made once per trace by the page).
    pub diagram: Rc<Option<Diagram>>,
    /// The step playback is at.
    pub cursor: usize,
    /// Goes to a step.
    pub on_seek: Callback<usize>,
}

/// Horizontal room per lifeline, and the geometry of a row (SVG units, about pixels).
const LANE: f64 = 170.0;
const MARGIN: f64 = 22.0;
const HEAD: f64 = 42.0;
const ROW: f64 = 46.0;
const FOOT: f64 = 22.0;
/// The longest label drawn in full; the rest is in the arrow's title.
const MAX_LABEL: usize = 40;
/// Rows drawn above and below the ones in view.
const MARGIN_ROWS: usize = 12;
/// The box's height before it has been measured (about a screen).
const FIRST_VIEW: f64 = 900.0;

const INK: &str = "#1d2330";
const MUTED: &str = "#5a6275";
const FAIL: &str = "#b3261e";
const CURRENT: &str = "#fff3c4";
const WINDOW: &str = "#fdecea";

fn colour(lifeline: Lifeline) -> &'static str {
    match lifeline {
        Lifeline::Application | Lifeline::Writer(_) => "#4054b2",
        Lifeline::Queue => "#8a6d00",
        Lifeline::OtherTab => "#6b3fa0",
        Lifeline::Cache => "#c0392b",
        Lifeline::Database => "#1f7a4d",
    }
}

fn short(text: &str) -> String {
    if text.chars().count() <= MAX_LABEL {
        text.to_owned()
    } else {
        let cut: String = text.chars().take(MAX_LABEL - 1).collect();
        format!("{cut}…")
    }
}

/// Where things are drawn: a column per lifeline, a row per step.
struct Geometry<'a> {
    diagram: &'a Diagram,
    width: f64,
    height: f64,
}

impl<'a> Geometry<'a> {
    fn of(diagram: &'a Diagram) -> Self {
        Geometry {
            diagram,
            width: MARGIN * 2.0 + LANE * diagram.lifelines.len() as f64,
            height: HEAD + ROW * diagram.arrows.len() as f64 + FOOT,
        }
    }

    /// A lifeline's centre.
    fn x(&self, l: Lifeline) -> f64 {
        MARGIN + LANE * (self.diagram.column(l) as f64 + 0.5)
    }

    /// A step's arrow.
    fn y(step: usize) -> f64 {
        HEAD + ROW * step as f64 + 19.0
    }
}

/// The rows of the diagram in view, plus [`MARGIN_ROWS`] each side: `(first, last)` step.
fn rows_in_view(scroll_top: f64, view_height: f64, scale: f64, steps: usize) -> (usize, usize) {
    let scale = if scale > 0.0 { scale } else { 1.0 };
    let top = ((scroll_top / scale - HEAD) / ROW).floor().max(0.0) as usize;
    let bottom = (((scroll_top + view_height) / scale - HEAD) / ROW)
        .ceil()
        .max(0.0) as usize;
    (
        top.saturating_sub(MARGIN_ROWS),
        (bottom + MARGIN_ROWS).min(steps.saturating_sub(1)),
    )
}

/// What the box shows: its scroll position and height, and the SVG's scale on screen.
type View = (f64, f64, f64);

/// What the box shows, and a function that measures it again.
#[hook]
fn use_view(scroll_ref: &NodeRef, svg_ref: &NodeRef) -> (UseStateHandle<View>, Rc<dyn Fn()>) {
    let view = use_state(|| (0.0_f64, FIRST_VIEW, 1.0_f64));
    let measure: Rc<dyn Fn()> = {
        let (view, scroll_ref, svg_ref) = (view.clone(), scroll_ref.clone(), svg_ref.clone());
        Rc::new(move || {
            if let (Some(scroller), Some(svg)) = (
                scroll_ref.cast::<web_sys::Element>(),
                svg_ref.cast::<web_sys::Element>(),
            ) {
                let shown = svg.get_bounding_client_rect().height();
                let drawn = svg
                    .get_attribute("height")
                    .and_then(|h| h.parse::<f64>().ok())
                    .unwrap_or(shown);
                let next = (
                    f64::from(scroller.scroll_top()),
                    f64::from(scroller.client_height()).max(200.0),
                    if drawn > 0.0 { shown / drawn } else { 1.0 },
                );
                if next != *view {
                    view.set(next);
                }
            }
        })
    };
    (view, measure)
}

/// The current step stays in view when the diagram is taller than its box, and the arrow the
/// keyboard moved the tab stop to takes the focus (`focus`: the tab stop's step, and whether
/// the keyboard just moved it).
#[hook]
fn use_follow(
    svg_ref: &NodeRef,
    measure: &Rc<dyn Fn()>,
    cursor: usize,
    trace: *const Trace,
    focus: &UseStateHandle<(usize, bool)>,
) {
    {
        let focus = focus.clone();
        use_effect_with(cursor, move |cursor| focus.set((*cursor, false)));
    }
    {
        let (svg_ref, measure) = (svg_ref.clone(), Rc::clone(measure));
        use_effect_with((cursor, trace), move |(cursor, _)| {
            if let Some(svg) = svg_ref.cast::<web_sys::Element>() {
                if let Ok(Some(row)) = svg.query_selector(&format!("[data-step=\"{cursor}\"]")) {
                    scroll_into_view(&row);
                }
            }
            measure();
        });
    }
    let svg_ref = svg_ref.clone();
    use_effect_with(**focus, move |(step, moved)| {
        if *moved {
            if let Some(svg) = svg_ref.cast::<web_sys::Element>() {
                if let Ok(Some(hit)) =
                    svg.query_selector(&format!("[data-step=\"{step}\"] .diagram__hit"))
                {
                    scroll_into_view(&hit);
                    if let Some(hit) = hit.dyn_ref::<web_sys::SvgElement>() {
                        let _ = hit.focus();
                    }
                }
            }
        }
    });
}

/// "Download diagram" draws every arrow (and the wire's notes) for one render, saves the file
/// as `name`, and goes back.
#[hook]
fn use_download(svg_ref: &NodeRef, full: &UseStateHandle<bool>, name: String) {
    let (svg_ref, full) = (svg_ref.clone(), full.clone());
    use_effect_with(*full, move |on| {
        if *on {
            if let Some(svg) = svg_ref.cast::<web_sys::Element>() {
                download_svg(&svg, &name);
            }
            full.set(false);
        }
    });
}

#[function_component(SequenceDiagram)]
pub fn sequence_diagram(props: &SequenceDiagramProps) -> Html {
    let svg_ref = use_node_ref();
    let scroll_ref = use_node_ref();
    let (view, measure) = use_view(&scroll_ref, &svg_ref);
    let focus = use_state(|| (props.cursor, false));
    let full = use_state(|| false);
    use_follow(
        &svg_ref,
        &measure,
        props.cursor,
        Rc::as_ptr(&props.trace),
        &focus,
    );
    use_download(
        &svg_ref,
        &full,
        format!("write-through-{}.svg", props.trace.pattern.id()),
    );
    let on_download = {
        let full = full.clone();
        Callback::from(move |_: MouseEvent| full.set(true))
    };
    let on_scroll = {
        let measure = measure.clone();
        Callback::from(move |_: Event| measure())
    };
    let Some(diagram) = props.diagram.as_ref() else {
        return Html::default();
    };
    let at = Geometry::of(diagram);
    let (width, height) = (at.width, at.height);
    // The downloaded file also notes what each command put on the wire, under the diagram.
    let (notes, notes_height) = if *full {
        wire_notes(&props.trace, width, height)
    } else {
        (Html::default(), 0.0)
    };
    let height = height + notes_height;
    let crash = diagram.crash_step();
    let steps = diagram.arrows.len();
    let (first, last) = if *full {
        (0, steps.saturating_sub(1))
    } else {
        rows_in_view(view.0, view.1, view.2, steps)
    };
    let (tab_stop, _) = *focus;
    let tab_stop = tab_stop.min(steps.saturating_sub(1));
    let drawn =
        |step: usize| (first..=last).contains(&step) || step == props.cursor || step == tab_stop;
    let on_move = {
        let focus = focus.clone();
        Callback::from(move |step: usize| focus.set((step.min(steps.saturating_sub(1)), true)))
    };
    html! {
        <figure class="diagram" aria-label="Sequence diagram">
            <div class="diagram__head">
                <figcaption class="diagram__caption">{ format!("Sequence diagram — {}", props.trace.title()) }</figcaption>
                <button type="button" class="playback__button diagram__download" onclick={on_download}>{ "Download diagram" }</button>
            </div>
            <div class="diagram__scroll" ref={scroll_ref} onscroll={on_scroll}>
                <svg ref={svg_ref} class={classes!("diagram__svg", format!("diagram__svg--lanes-{}", diagram.lifelines.len().clamp(2, 6)))} xmlns="http://www.w3.org/2000/svg" viewBox={format!("0 0 {width} {height}")}
                    width={width.to_string()} height={height.to_string()} font-family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
                    data-steps={steps.to_string()}>
                    <rect x="0" y="0" width={width.to_string()} height={height.to_string()} fill="#ffffff" />
                    { for diagram.windows.iter().filter(|w| w.to >= first && w.from <= last).map(|w| window(&at, w)) }
                    { for diagram.lifelines.iter().map(|&l| lifeline(&at, l, &l.title_in(&props.trace), crash)) }
                    { for diagram.arrows.iter().filter(|a| drawn(a.step)).map(|a| arrow(&at, a, Keys {
                        // The downloaded file shows every step alike: none current, none faded.
                        cursor: if *full { usize::MAX } else { props.cursor },
                        tab_stop,
                        on_seek: &props.on_seek,
                        on_move: &on_move,
                    })) }
                    { notes }
                </svg>
            </div>
        </figure>
    }
}

/// The downloaded diagram's notes, from `top` down: for each step whose command reached Redis,
/// its arguments and frames (as "On the wire" shows them); and their height.
fn wire_notes(trace: &Trace, width: f64, top: f64) -> (Html, f64) {
    const LINE: f64 = 16.0;
    // About 7.3 px a character at 12 px in a monospace font.
    let chars = ((width - 24.0) / 7.3).floor().max(24.0) as usize;
    let notes = crate::engine::diagram::wire_notes(trace, chars);
    if notes.is_empty() {
        return (Html::default(), 0.0);
    }
    let mut y = top + 28.0;
    let mut texts = vec![html! {
        <text x="12" y={y.to_string()} font-size="13" font-weight="600" fill={INK}>
            { "On the wire: each command sent to Redis, and its reply" }
        </text>
    }];
    for note in notes {
        y += LINE + 8.0;
        texts.push(html! {
            <text x="12" y={y.to_string()} font-size="12" font-weight="600" fill={INK}
                font-family="ui-monospace, Menlo, Consolas, monospace">{ note.title }</text>
        });
        for line in note.lines {
            y += LINE;
            // No-break spaces: SVG text folds runs of spaces, and the page's policy allows no
            // inline style to say otherwise.
            let line = line.replace(' ', "\u{a0}");
            texts.push(html! {
                <text x="24" y={y.to_string()} font-size="12" fill={MUTED}
                    font-family="ui-monospace, Menlo, Consolas, monospace">{ line }</text>
            });
        }
    }
    let notes = html! { <g class="diagram__notes" data-wire-notes="">{ for texts }</g> };
    (notes, y - top + 16.0)
}

/// What an arrow needs to answer the mouse and the keyboard.
struct Keys<'a> {
    cursor: usize,
    /// The arrow that is the diagram's tab stop.
    tab_stop: usize,
    on_seek: &'a Callback<usize>,
    /// Moves the tab stop (arrow keys).
    on_move: &'a Callback<usize>,
}

/// A lifeline: its name on top and its dashed line down, cut by a crash on the application's side.
fn lifeline(at: &Geometry, l: Lifeline, title: &str, crash: Option<usize>) -> Html {
    let cx = at.x(l);
    let app_side = matches!(l, Lifeline::Application | Lifeline::Writer(_));
    let end = match crash {
        Some(step) if app_side => Geometry::y(step) + 8.0,
        _ => at.height - FOOT,
    };
    html! {
        <g data-lifeline={l.id()}>
            <rect x={(cx - LANE / 2.0 + 8.0).to_string()} y="6" width={(LANE - 16.0).to_string()} height="28" rx="6"
                fill="#ffffff" stroke={colour(l)} stroke-width="1.5" />
            <text x={cx.to_string()} y="25" text-anchor="middle" font-size="13" font-weight="600" fill={colour(l)}>{ title.to_owned() }</text>
            <line x1={cx.to_string()} y1="34" x2={cx.to_string()} y2={end.to_string()} stroke={colour(l)} stroke-width="1.5" stroke-dasharray="5 4" />
            if l == Lifeline::Queue {
                // The queue's delay: what it waits for before its writes reach the database.
                <text x={(cx + 4.0).to_string()} y={(at.height - 4.0).to_string()} font-size="12" fill={colour(l)}>
                    { format!("flushes after {} s or {} writes", FLUSH_AFTER_MS / 1000.0, FLUSH_SIZE) }
                </text>
            }
            if app_side && crash.is_some() {
                { cross(cx, end, 9.0, FAIL, 3.0) }
            }
        </g>
    }
}

/// A window in which the stores disagree, shaded across the steps it lasts.
fn window(at: &Geometry, w: &Window) -> Html {
    let top = Geometry::y(w.from) - 18.0;
    let bottom = Geometry::y(w.to) + 24.0;
    let short_label = if w.lasting {
        "stores disagree — lasting"
    } else if w.expected {
        "stores disagree — expected, brief"
    } else {
        "stores disagree — brief"
    };
    html! {
        <g class="diagram__window" data-window-from={w.from.to_string()} data-window-lasting={w.lasting.to_string()}>
            <title>{ w.label.clone() }</title>
            <rect x="2" y={top.to_string()} width={(at.width - 4.0).to_string()} height={(bottom - top).to_string()}
                fill={WINDOW} stroke={FAIL} stroke-opacity="0.35" stroke-dasharray="3 3" rx="4" />
            <text x={(at.width - 6.0).to_string()} y={(bottom - 4.0).to_string()} text-anchor="end" font-size="12" font-style="italic" fill={FAIL}>{ short_label }</text>
        </g>
    }
}

/// A step's arrow: a button (click or Enter goes to the step; the arrow keys move to the arrow
/// before or after), the current one highlighted, the steps to come faded.
fn arrow(at: &Geometry, a: &Arrow, keys: Keys<'_>) -> Html {
    let step = a.step;
    let on_click = keys.on_seek.reform(move |_: MouseEvent| step);
    let on_key = {
        let (on_seek, on_move) = (keys.on_seek.clone(), keys.on_move.clone());
        Callback::from(move |e: KeyboardEvent| {
            let key = e.key();
            let moved = match key.as_str() {
                "Enter" | " " => {
                    on_seek.emit(step);
                    true
                }
                "ArrowDown" | "ArrowRight" => {
                    on_move.emit(step + 1);
                    true
                }
                "ArrowUp" | "ArrowLeft" => {
                    on_move.emit(step.saturating_sub(1));
                    true
                }
                "Home" => {
                    on_move.emit(0);
                    true
                }
                "End" => {
                    on_move.emit(usize::MAX);
                    true
                }
                _ => false,
            };
            if moved {
                e.prevent_default();
                // The page's own keys (space plays, arrows step) must not see it.
                e.stop_propagation();
            }
        })
    };
    let (current, future, y) = (step == keys.cursor, step > keys.cursor, Geometry::y(step));
    html! {
        <g class={classes!("diagram__arrow", current.then_some("diagram__arrow--current"), (!a.ok).then_some("diagram__arrow--failed"))}
            data-step={step.to_string()} onclick={on_click} opacity={if future { "0.38" } else { "1" }}>
            <title>{ a.description.clone() }</title>
            // The row is the arrow's button: named by its description, with no text of its
            // own (the drawn texts beside it are what the name describes).
            <rect class="diagram__hit" x="2" y={(y - 18.0).to_string()} width={(at.width - 4.0).to_string()} height={(ROW - 3.0).to_string()} rx="4"
                fill={if current { CURRENT } else { "#ffffff" }} fill-opacity={if current { "1" } else { "0" }}
                stroke={if current { "#e0b000" } else { "none" }}
                role="button" tabindex={if step == keys.tab_stop { "0" } else { "-1" }} aria-label={a.description.clone()} aria-current={current.then_some("step")} onkeydown={on_key} />
            <g aria-hidden="true">
                <text x="8" y={(y - 4.0).to_string()} font-size="12" fill={MUTED}>{ step + 1 }</text>
                { arrow_shape(a, at.x(a.from), at.x(a.to), y, at.width) }
            </g>
        </g>
    }
}

/// A cross centred on `(cx, cy)`.
fn cross(cx: f64, cy: f64, r: f64, colour: &'static str, width: f64) -> Html {
    html! {
        <g class="diagram__cross" stroke={colour} stroke-width={width.to_string()} stroke-linecap="round">
            <line x1={(cx - r).to_string()} y1={(cy - r).to_string()} x2={(cx + r).to_string()} y2={(cy + r).to_string()} />
            <line x1={(cx - r).to_string()} y1={(cy + r).to_string()} x2={(cx + r).to_string()} y2={(cy - r).to_string()} />
        </g>
    }
}

/// A message and its reply, or a lifeline's own action.
fn arrow_shape(a: &Arrow, x0: f64, x1: f64, y: f64, width: f64) -> Html {
    let stroke = if a.ok { colour(a.from) } else { FAIL };
    if (x0 - x1).abs() < 1.0 {
        // An action of its own: a small loop, the label to its right.
        let path = format!("M {x0} {} h 22 v 14 h -16", y - 4.0);
        let label_x = (x0 + 30.0).min(width - 8.0);
        return html! {
            <g class="diagram__self">
                <path d={path} fill="none" stroke={stroke} stroke-width="1.6" />
                { head(x0 + 6.0, y + 10.0, -1.0, stroke) }
                <text x={label_x.to_string()} y={(y + 6.0).to_string()} font-size="12" fill={if a.ok { INK } else { FAIL }}
                    font-family="ui-monospace, Menlo, Consolas, monospace">{ short(&a.label) }</text>
                if a.crash {
                    { cross(x0, y + 3.0, 8.0, FAIL, 3.0) }
                }
            </g>
        };
    }
    let dir = if x1 > x0 { 1.0 } else { -1.0 };
    let mid = (x0 + x1) / 2.0;
    let reply_y = y + 13.0;
    html! {
        <g class="diagram__message">
            <text x={mid.to_string()} y={(y - 5.0).to_string()} text-anchor="middle" font-size="12" fill={INK}
                font-family="ui-monospace, Menlo, Consolas, monospace">{ short(&a.label) }</text>
            <line x1={x0.to_string()} y1={y.to_string()} x2={(x1 - dir * 7.0).to_string()} y2={y.to_string()} stroke={stroke} stroke-width="1.8" />
            { head(x1, y, dir, stroke) }
            if let Some(reply) = &a.reply {
                <line x1={x1.to_string()} y1={reply_y.to_string()} x2={(x0 + dir * 7.0).to_string()} y2={reply_y.to_string()}
                    stroke={if a.ok { MUTED } else { FAIL }} stroke-width="1.2" stroke-dasharray="4 3" />
                { head(x0, reply_y, -dir, if a.ok { MUTED } else { FAIL }) }
                <text x={mid.to_string()} y={(reply_y + 12.0).to_string()} text-anchor="middle" font-size="12"
                    fill={if a.ok { MUTED } else { FAIL }} font-family="ui-monospace, Menlo, Consolas, monospace">{ short(reply) }</text>
            }
            if !a.ok {
                { cross(x1 - dir * 16.0, y, 6.0, FAIL, 2.5) }
            }
        </g>
    }
}

/// An arrowhead pointing in direction `dir` (1: right, -1: left) with its tip at `(x, y)`.
fn head(x: f64, y: f64, dir: f64, colour: &'static str) -> Html {
    let points = format!(
        "{x},{y} {},{} {},{}",
        x - dir * 8.0,
        y - 4.5,
        x - dir * 8.0,
        y + 4.5
    );
    html! { <polygon points={points} fill={colour} /> }
}

/// Scrolls the diagram's own box (never the page) so that `el` is in view.
fn scroll_into_view(el: &web_sys::Element) {
    if let Some(scroller) = el.closest(".diagram__scroll").ok().flatten() {
        let (row, frame) = (
            el.get_bounding_client_rect(),
            scroller.get_bounding_client_rect(),
        );
        let delta = if row.top() < frame.top() {
            row.top() - frame.top() - 8.0
        } else if row.bottom() > frame.bottom() {
            row.bottom() - frame.bottom() + 8.0
        } else {
            0.0
        };
        if delta != 0.0 {
            scroller.set_scroll_top(scroller.scroll_top() + delta as i32);
        }
    }
}

/// Saves `svg` as a standalone SVG file called `name`.
fn download_svg(svg: &web_sys::Element, name: &str) {
    // The page serialises as HTML: its `&nbsp;` (the notes' no-break spaces) is not XML.
    let markup = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{}",
        svg.outer_html().replace("&nbsp;", "&#160;")
    );
    let parts = js_sys::Array::of1(&markup.into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("image/svg+xml");
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    let link = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.create_element("a").ok())
        .and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok());
    if let Some(link) = link {
        link.set_href(&url);
        link.set_download(name);
        link.click();
    }
    // Let the download start before the file's address is given up.
    let revoke = wasm_bindgen::closure::Closure::once_into_js(move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    });
    if let Some(window) = web_sys::window() {
        let _ = window
            .set_timeout_with_callback_and_timeout_and_arguments_0(revoke.unchecked_ref(), 10_000);
    }
}
