//! The learner's Python editor ("Python code"): a plain `<textarea>` over a coloured copy of
//! its text, with line numbers, the line the current step ran marked as in the code pane,
//! Tab/Shift-Tab to indent, Enter keeping the indentation (one level more after a `:`),
//! Escape to leave it (focus goes to the output, after it: Tab then moves on, Shift-Tab comes
//! back), Ctrl/Cmd-Enter to run; and the output pane. The keys are said under the editor.
//!
//! Why not CodeMirror: it is JavaScript (a bundler, about 130 KB gzip for a Python setup) and
//! the page's first load may grow by 10 KB at most; a textarea keeps every browser's own
//! editing, selection, undo and accessibility, and the colouring is a scanner in Rust
//! ([`crate::python::colour`]).

use std::rc::Rc;

use web_sys::{HtmlElement, HtmlTextAreaElement, KeyboardEvent};
use yew::prelude::*;

use crate::python::colour::{markup, Marks, Markup};
use crate::python::editing::{indent, newline, to_byte, Edit};
use crate::ui::actions::LabHandle;
use crate::ui::context::use_lab_handle;
use crate::ui::state::{PythonPhase, PythonState};

#[derive(Properties, PartialEq)]
pub struct EditorProps {
    /// The lines the trace on the stage marks (the run's current and next line, the one that
    /// raised), if the trace is a run of the editor's text. The rest is the page's state.
    pub marks: Marks,
    /// The program the marks are lines of, if not the last one run (a challenge's checked
    /// code): they show only while the editor holds that text.
    #[prop_or_default]
    pub of: Option<Rc<str>>,
}

/// Scroll the lines back to their starts (typing a long line may have scrolled sideways).
fn to_line_starts(sideways: &NodeRef) {
    if let Some(row) = sideways.cast::<web_sys::Element>() {
        row.set_scroll_left(0);
    }
}

fn apply(area: &HtmlTextAreaElement, edit: &Edit) {
    area.set_value(&edit.text);
    let _ = area.set_selection_range(edit.start, edit.end);
}

/// The editor's keys: Ctrl/Cmd-Enter runs, Escape leaves (focus to `after`, the output pane),
/// Tab/Shift-Tab indent, Enter keeps the indentation.
fn keys(
    on_input: Callback<Rc<str>>,
    on_run: Callback<()>,
    after: NodeRef,
) -> Callback<KeyboardEvent> {
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
                // Leave the editor forwards: keyboard users are never trapped in it.
                if let Some(next) = after.cast::<HtmlElement>() {
                    let _ = next.focus();
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
}

/// One status line: what Python is doing, with a bar while it downloads; after a run that
/// raised or was stopped, its last line (the output pane, below the editor, may be out of view).
fn status(phase: &PythonPhase, running: bool, error: Option<&str>) -> Html {
    let mb = |b: f64| format!("{:.1}", b / 1_000_000.0);
    let (text, progress) = match phase {
        _ if running => ("Running…".to_owned(), None),
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
    let last_error = error
        .filter(|_| !running && progress.is_none())
        .map(str::to_owned);
    let failed = matches!(phase, PythonPhase::Failed(_)) || last_error.is_some();
    let text = last_error.unwrap_or(text);
    html! {
        <span class={classes!("editor__status", failed.then_some("editor__status--failed"))} role="status">
            { text }
            if let Some((value, max)) = progress {
                <progress class="editor__progress" aria-label="Loading Python" value={value} max={max} />
            }
        </span>
    }
}

/// What the last run printed, or what Run will do; while a run is in flight, only that (the
/// last run's output, an error among it, is not this run's). `pane` is where Escape leaves the
/// editor to.
fn output(python: &PythonState, pane: NodeRef) -> Html {
    let text = match python.output.as_deref() {
        _ if python.running => "(this run's output appears when it ends)",
        Some("") => "(nothing printed)",
        Some(text) => text,
        None => "Press Run (or Ctrl+Enter): print() output and errors appear here.",
    };
    let failed = python.error.is_some() && !python.running;
    html! {
        <section class={classes!("editor-pane__output", failed.then_some("editor-pane__output--failed"))} aria-label="Output">
            <h4 class="editor-pane__heading">{ "Output" }</h4>
            <pre class="editor-pane__text" role="log" tabindex="0" ref={pane}>{ text }</pre>
        </section>
    }
}

/// The coloured copy of the text, with the trace's lines marked when the text is the one that
/// ran.
fn marked(python: &PythonState, marks: Marks, of: Option<&str>, stale: bool) -> Markup {
    let current = match of {
        Some(of) => *of == *python.source,
        None => !stale && python.ran.is_some(),
    };
    markup(
        &python.source,
        if current { marks } else { Marks::default() },
    )
}

/// Keeps the marked line in view, and the lines at their starts, whenever the current line
/// changes: the refs of the box that scrolls up and down and of the one that scrolls sideways.
#[hook]
fn use_current_line_in_view(current: u32) -> (NodeRef, NodeRef) {
    let scroller = use_node_ref();
    let sideways = use_node_ref();
    {
        let (scroller, sideways) = (scroller.clone(), sideways.clone());
        use_effect_with(current, move |_| {
            to_line_starts(&sideways);
            if let Some(box_) = scroller.cast::<web_sys::Element>() {
                super::keep_in_view(&box_, ".editor__line--current");
            }
        });
    }
    (scroller, sideways)
}

#[function_component(Editor)]
pub fn editor(props: &EditorProps) -> Html {
    let lab = use_lab_handle();
    let area = use_node_ref();
    let output_pane = use_node_ref();
    let (scroller, sideways) = use_current_line_in_view(props.marks.current);
    // Load the interpreter as soon as the editor is shown.
    {
        let on_load = lab.as_ref().map(LabHandle::on_python_load);
        use_effect_with((), move |_| on_load.iter().for_each(|l| l.emit(())));
    }
    let Some(lab) = lab else {
        return Html::default();
    };
    let python = &lab.state.python;
    let text: &str = &python.source;
    let stale = python.ran.as_deref().is_some_and(|ran| ran != text);
    let marked = marked(python, props.marks, props.of.as_deref(), stale);
    let width = text
        .split('\n')
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(0)
        + 2;
    let (on_input, on_run, on_load) = (
        lab.on_python_input(),
        lab.on_python_run(),
        lab.on_python_load(),
    );

    let on_keydown = keys(on_input.clone(), on_run.clone(), output_pane.clone());
    let on_input = {
        Callback::from(move |e: InputEvent| {
            if let Some(area) = e.target_dyn_into::<HtmlTextAreaElement>() {
                on_input.emit(Rc::from(area.value()));
            }
        })
    };
    let on_blur = {
        let sideways = sideways.clone();
        Callback::from(move |_: FocusEvent| to_line_starts(&sideways))
    };
    let on_focus = on_load.reform(|_: FocusEvent| ());
    // Disabled while a run is in flight, yet focusable: a keyboard's press keeps its place.
    let unavailable = lab.state.busy || python.running;
    let run = super::unless(unavailable, on_run.reform(|_: MouseEvent| ()));

    let status = status(&python.phase, python.running, python.error.as_deref());

    html! {
        <div class="editor-pane">
            <div class="editor-pane__bar">
                <button type="button" class="button button--app editor-pane__run" onclick={run}
                    aria-disabled={unavailable.to_string()} aria-keyshortcuts="Control+Enter Meta+Enter" title="Run (Ctrl+Enter)">
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
                        <textarea class="editor__input" ref={area} aria-label="Python code" aria-describedby="editor-keys" spellcheck="false" autocapitalize="off"
                            autocomplete="off" wrap="off" rows={marked.count.max(1).to_string()} cols={width.to_string()}
                            value={python.source.to_string()} oninput={on_input} onkeydown={on_keydown} onfocus={on_focus} onblur={on_blur} />
                    </div>
                </div>
            </div>
            <p class="editor-pane__keys" id="editor-keys">{ "Tab indents · Esc leaves the editor, then Tab moves on · Ctrl+Enter runs" }</p>
            { output(python, output_pane) }
        </div>
    }
}
