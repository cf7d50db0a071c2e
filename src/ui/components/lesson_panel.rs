//! The seed tutorial's four steps as a guided, checked lesson ("Progress n/4").

use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use crate::lesson::{Line, STEP3_LINES, STEP4_LINES, STEPS};
use crate::ui::state::{Answer, LessonState};

/// A change to the function being built.
type BodyEdit = dyn Fn(&mut Vec<Line>);

#[derive(Properties, PartialEq)]
pub struct LessonPanelProps {
    pub lesson: LessonState,
    pub busy: bool,
    pub on_start: Callback<()>,
    pub on_check: Callback<Answer>,
    /// The editor's text (steps 3 and 4 check it).
    pub python_source: std::rc::Rc<str>,
    /// Opens the editor in the Application card.
    pub on_open_editor: Callback<()>,
}

#[function_component(LessonPanel)]
pub fn lesson_panel(props: &LessonPanelProps) -> Html {
    let source = use_state(|| "database = {}".to_owned());
    let body = use_state(Vec::<Line>::new);
    // Steps 3 and 4: write the code in the editor, or pick given lines (the easier path).
    let pick = use_state(|| false);
    let done = props.lesson.done;
    let current = done.min(STEPS.len() - 1);
    let finished = done >= STEPS.len();
    // The verdict shown under the current step is only ever that step's own.
    let feedback = props
        .lesson
        .feedback
        .as_ref()
        .filter(|(step, _)| *step == current && !finished)
        .map(|(_, verdict)| verdict.clone());

    let on_source = {
        let source = source.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(area) = e.target_dyn_into::<HtmlTextAreaElement>() {
                source.set(area.value());
            }
        })
    };
    let check = {
        let (on_check, source, body, pick, python) = (
            props.on_check.clone(),
            source.clone(),
            body.clone(),
            *pick,
            std::rc::Rc::clone(&props.python_source),
        );
        Callback::from(move |_: MouseEvent| {
            let answer = match current {
                0 => Answer::Hash,
                1 => Answer::Database((*source).clone()),
                step if pick => Answer::Function {
                    step,
                    lines: (*body).clone(),
                },
                step => Answer::Python {
                    step,
                    source: python.to_string(),
                },
            };
            on_check.emit(answer);
        })
    };
    let toggle_pick = {
        let pick = pick.clone();
        Callback::from(move |_: MouseEvent| pick.set(!*pick))
    };
    let open_editor = props.on_open_editor.reform(|_: MouseEvent| ());
    let start = {
        let on_start = props.on_start.clone();
        Callback::from(move |_: MouseEvent| on_start.emit(()))
    };

    let offered: Vec<Line> = if current == 3 {
        STEP3_LINES
            .iter()
            .chain(STEP4_LINES.iter())
            .copied()
            .collect()
    } else {
        STEP3_LINES.to_vec()
    };
    let edit = |f: Box<BodyEdit>| {
        let body = body.clone();
        Callback::from(move |_: MouseEvent| {
            let mut next = (*body).clone();
            f(&mut next);
            body.set(next);
        })
    };
    let builder = html! {
        <div class="lesson__builder">
            <div class="lesson__column">
                <h4>{ "Lines you can use" }</h4>
                <ul class="lesson__lines">
                    { for offered.iter().filter(|l| !body.contains(l)).map(|&line| html! {
                        <li>
                            <code>{ line.code() }</code>
                            <button type="button" class="lesson__small" aria-label={format!("Add: {}", line.code())} onclick={edit(Box::new(move |b| b.push(line)))}>{ "Add" }</button>
                        </li>
                    }) }
                </ul>
            </div>
            <div class="lesson__column">
                <h4>{ "Your update_price" }</h4>
                <pre class="code lesson__function" tabindex="0"><code>{ "def update_price(product, new_price):\n" }
                    { for body.iter().map(|l| format!("    {}\n", l.code())) }
                    { if body.is_empty() { "    pass\n" } else { "" } }
                </code></pre>
                <ol class="lesson__lines">
                    { for body.iter().enumerate().map(|(i, &line)| html! {
                        <li>
                            <code>{ line.code() }</code>
                            <button type="button" class="lesson__small" aria-label={format!("Move up: {}", line.code())} disabled={i == 0}
                                onclick={edit(Box::new(move |b| if i > 0 { b.swap(i, i - 1) }))}>{ "↑" }</button>
                            <button type="button" class="lesson__small" aria-label={format!("Move down: {}", line.code())} disabled={i + 1 == body.len()}
                                onclick={edit(Box::new(move |b| if i + 1 < b.len() { b.swap(i, i + 1) }))}>{ "↓" }</button>
                            <button type="button" class="lesson__small" aria-label={format!("Remove: {}", line.code())}
                                onclick={edit(Box::new(move |b| { b.remove(i); }))}>{ "✕" }</button>
                        </li>
                    }) }
                </ol>
            </div>
        </div>
    };

    html! {
        <section class="lesson" aria-label="Lesson">
            <div class="lesson__head">
                <h2 class="lesson__title">{ "Lesson: write-through, by hand" }</h2>
                <p class="lesson__progress" aria-live="polite">{ format!("Progress {}/{}", done.min(STEPS.len()), STEPS.len()) }</p>
                <button type="button" class="button button--quiet" onclick={start} disabled={props.busy}>{ "Start the lesson (empties both stores)" }</button>
            </div>
            <ol class="lesson__steps">
                { for STEPS.iter().enumerate().map(|(i, s)| html! {
                    <li class={classes!("lesson__step", (i < done).then_some("lesson__step--done"), (i == current && !finished).then_some("lesson__step--current"))}
                        aria-current={(i == current && !finished).then_some("step")}>
                        { format!("{}{}", if i < done { "✓ " } else { "" }, s.title) }
                        if let Some((_, told)) = props.lesson.passed.iter().find(|(step, _)| *step == i).filter(|_| i < done) {
                            <span class="lesson__passed">{ told.clone() }</span>
                        }
                    </li>
                }) }
            </ol>
            if finished {
                <p class="lesson__feedback lesson__feedback--ok" role="status">
                    { "All four steps done: update_price writes the cache and the database. Now break it: switch a fault on and update a price." }
                </p>
            } else {
                <div class="lesson__task">
                    <h3>{ format!("Step {}: {}", current + 1, STEPS[current].title) }</h3>
                    <p>{ STEPS[current].task }</p>
                    <details class="lesson__hint"><summary>{ "Hint" }</summary><p>{ STEPS[current].hint }</p></details>
                    if current == 1 {
                        <label class="lesson__python">
                            <span>{ "Python" }</span>
                            <textarea rows="2" spellcheck="false" value={(*source).clone()} oninput={on_source} />
                        </label>
                    }
                    if current >= 2 && *pick {
                        { builder }
                    }
                    if current >= 2 && !*pick {
                        <p class="lesson__write">
                            { "Write it in Python in the editor (Application → Your Python): we run your update_price on (\"product1\", 150) and on calls you have not seen." }
                        </p>
                    }
                    if current >= 2 {
                        <div class="lesson__ways">
                            if !*pick {
                                <button type="button" class="button button--quiet" onclick={open_editor}>{ "Open the editor" }</button>
                            }
                            <button type="button" class="button button--quiet" aria-pressed={pick.to_string()} onclick={toggle_pick}>
                                { if *pick { "Write the code instead" } else { "Pick the lines instead" } }
                            </button>
                        </div>
                    }
                    <button type="button" class="button button--app" onclick={check} disabled={props.busy}>
                        { if current == 0 { "Check the hash" } else { "Run and check" } }
                    </button>
                    <p class={classes!("lesson__feedback", match &feedback { Some(Ok(_)) => "lesson__feedback--ok", Some(Err(_)) => "lesson__feedback--err", None => "" })} role="status">
                        { match &feedback { Some(Ok(m)) | Some(Err(m)) => m.clone(), None => String::new() } }
                    </p>
                </div>
            }
        </section>
    }
}
