//! The learner's Python editor ("Python code"): a plain `<textarea>` over a coloured copy of
//! its text, with line numbers, the line the current step ran marked as in the code pane,
//! Tab/Shift-Tab to indent, Enter keeping the indentation (one level more after a `:`),
//! Escape to leave it (focus goes to Run), Ctrl/Cmd-Enter to run; and the output pane.
//!
//! Why not CodeMirror: it is JavaScript (a bundler, about 130 KB gzip for a Python setup) and
//! the page's first load may grow by 10 KB at most; a textarea keeps every browser's own
//! editing, selection, undo and accessibility, and the colouring is a scanner in Rust
//! ([`crate::python::colour`]).

use std::rc::Rc;

use web_sys::{HtmlElement, HtmlTextAreaElement, KeyboardEvent};
use yew::prelude::*;

use crate::python::colour::{markup, Marks};
use crate::python::editing::{indent, newline, to_byte, Edit};
use crate::ui::state::PythonPhase;

#[derive(Properties, PartialEq)]
pub struct EditorProps {
    /// The editor's text.
    pub source: Rc<str>,
    /// The text of the run whose trace is shown (its lines are the ones marked).
    pub ran: Option<Rc<str>>,
    /// The line the current step ran, and the one the next step runs (0: none).
    pub current: u32,
    pub next: u32,
    /// A line that raised (0: none).
    pub error_line: u32,
    pub output: Option<Rc<str>>,
    /// The last run's error (its traceback's last line, or why it was stopped), if any.
    pub error: Option<Rc<str>>,
    pub running: bool,
    pub phase: PythonPhase,
    pub busy: bool,
    pub on_input: Callback<Rc<str>>,
    pub on_run: Callback<()>,
    /// The editor was used: load the interpreter.
    pub on_load: Callback<()>,
}

fn apply(area: &HtmlTextAreaElement, edit: &Edit) {
    area.set_value(&edit.text);
    let _ = area.set_selection_range(edit.start, edit.end);
}

#[function_component(Editor)]
pub fn editor(props: &EditorProps) -> Html {
    let area = use_node_ref();
    let run_button = use_node_ref();
    let scroller = use_node_ref();
    let sideways = use_node_ref();
    // Load the interpreter as soon as the editor is shown.
    {
        let on_load = props.on_load.clone();
        use_effect_with((), move |_| on_load.emit(()));
    }
    // Keep the marked line in view (and the lines' starts: typing a long line may have
    // scrolled sideways).
    {
        let (scroller, sideways) = (scroller.clone(), sideways.clone());
        use_effect_with(props.current, move |_| {
            if let Some(row) = sideways.cast::<web_sys::Element>() {
                row.set_scroll_left(0);
            }
            if let Some(box_) = scroller.cast::<web_sys::Element>() {
                super::keep_in_view(&box_, ".editor__line--current");
            }
        });
    }
    let text: &str = &props.source;
    let stale = props.ran.as_deref().is_some_and(|ran| ran != text);
    let marks = !stale && props.ran.is_some();
    let (current, next, error_line) = if marks {
        (props.current, props.next, props.error_line)
    } else {
        (0, 0, 0)
    };
    let marked = markup(
        text,
        Marks {
            current,
            next,
            error: error_line,
        },
    );
    let width = text
        .split('\n')
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(0)
        + 2;

    let on_input = {
        let on_input = props.on_input.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(area) = e.target_dyn_into::<HtmlTextAreaElement>() {
                on_input.emit(Rc::from(area.value()));
            }
        })
    };
    let on_keydown = {
        let (on_input, on_run, run_button) = (
            props.on_input.clone(),
            props.on_run.clone(),
            run_button.clone(),
        );
        Callback::from(move |e: KeyboardEvent| {
            let Some(area) = e.target_dyn_into::<HtmlTextAreaElement>() else {
                return;
            };
            let value = area.value();
            let start = to_byte(&value, area.selection_start().ok().flatten().unwrap_or(0));
            let end = to_byte(&value, area.selection_end().ok().flatten().unwrap_or(0));
            let edit = match e.key().as_str() {
                "Enter" if e.ctrl_key() || e.meta_key() => {
                    e.prevent_default();
                    on_run.emit(());
                    return;
                }
                "Escape" => {
                    // Leave the editor: keyboard users are never trapped in it.
                    if let Some(button) = run_button.cast::<HtmlElement>() {
                        let _ = button.focus();
                    }
                    return;
                }
                "Tab" if !e.alt_key() && !e.ctrl_key() && !e.meta_key() => {
                    indent(&value, start, end, e.shift_key())
                }
                "Enter" if !e.shift_key() && !e.alt_key() => newline(&value, start, end),
                _ => return,
            };
            e.prevent_default();
            apply(&area, &edit);
            on_input.emit(Rc::from(edit.text.as_str()));
        })
    };
    let on_blur = {
        let sideways = sideways.clone();
        Callback::from(move |_: FocusEvent| {
            if let Some(row) = sideways.cast::<web_sys::Element>() {
                row.set_scroll_left(0);
            }
        })
    };
    let on_focus = {
        let on_load = props.on_load.clone();
        Callback::from(move |_: FocusEvent| on_load.emit(()))
    };
    let run = {
        let on_run = props.on_run.clone();
        Callback::from(move |_: MouseEvent| on_run.emit(()))
    };

    // One status line: what Python is doing, with a bar while it downloads.
    let mb = |b: f64| format!("{:.1}", b / 1_000_000.0);
    let (text, progress) = match &props.phase {
        _ if props.running => ("Running…".to_owned(), None),
        PythonPhase::NotLoaded => ("Python loads on first use".to_owned(), None),
        PythonPhase::Loading { loaded, total } if *total > 0.0 && loaded <= total => (
            format!("Loading Python… {} of {} MB", mb(*loaded), mb(*total)),
            Some((loaded.to_string(), total.to_string())),
        ),
        PythonPhase::Loading { loaded, .. } => (
            format!("Loading Python… {} MB", mb(*loaded)),
            Some((String::new(), String::new())),
        ),
        PythonPhase::Ready => ("Python 3 (RustPython) ready".to_owned(), None),
        PythonPhase::Failed(why) => (why.clone(), None),
    };
    // After a run that raised or was stopped, its last line stands next to Run (the output
    // pane, below the editor, may be out of view).
    let last_error = props
        .error
        .as_deref()
        .filter(|_| !props.running && progress.is_none())
        .map(str::to_owned);
    let failed = matches!(props.phase, PythonPhase::Failed(_)) || last_error.is_some();
    let text = last_error.unwrap_or(text);
    let status = html! {
        <span class={classes!("editor__status", failed.then_some("editor__status--failed"))} role="status">
            { text }
            if let Some((value, max)) = progress {
                <progress class="editor__progress" aria-label="Loading Python" value={value} max={max} />
            }
        </span>
    };

    html! {
        <div class="editor-pane">
            <div class="editor-pane__bar">
                <button type="button" class="button button--app editor-pane__run" ref={run_button} onclick={run}
                    disabled={props.busy || props.running} aria-keyshortcuts="Control+Enter Meta+Enter" title="Run (Ctrl+Enter)">
                    { "Run" }
                </button>
                { status }
            </div>
            if stale {
                <p class="editor-pane__note">{ "Edited since the last run: Run again to trace these lines." }</p>
            }
            <div class="editor" ref={scroller}>
                <div class="editor__gutter" aria-hidden="true">
                    { Html::from_html_unchecked(AttrValue::from(marked.gutter)) }
                </div>
                <div class="editor__scroll" ref={sideways}>
                    <div class="editor__layers">
                        <pre class="editor__colour" aria-hidden="true">
                            { Html::from_html_unchecked(AttrValue::from(marked.lines)) }
                        </pre>
                        <textarea class="editor__input" ref={area} aria-label="Python code" spellcheck="false" autocapitalize="off"
                            autocomplete="off" wrap="off" rows={marked.count.max(1).to_string()} cols={width.to_string()}
                            value={props.source.to_string()} oninput={on_input} onkeydown={on_keydown} onfocus={on_focus} onblur={on_blur} />
                    </div>
                </div>
            </div>
            <section class={classes!("editor-pane__output", props.error.is_some().then_some("editor-pane__output--failed"))} aria-label="Output">
                <h4 class="editor-pane__heading">{ "Output" }</h4>
                <pre class="editor-pane__text" role="log" tabindex="0">
                    { props.output.as_deref().filter(|o| !o.is_empty()).unwrap_or(if props.output.is_some() { "(nothing printed)" } else { "Press Run (or Ctrl+Enter): print() output and errors appear here." }) }
                </pre>
            </section>
        </div>
    }
}
