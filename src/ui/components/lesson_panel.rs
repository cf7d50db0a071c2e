//! The seed tutorial's four steps as a guided, checked lesson ("Progress n/4").

use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use crate::lesson::{Line, STEP3_LINES, STEP4_LINES, STEPS};
use crate::ui::context::use_lab_handle;
use crate::ui::state::Answer;

/// A change to the function being built.
type BodyEdit = dyn Fn(&mut Vec<Line>);

/// The lesson, read from the page's state: its steps, the current one's task, hint and answer,
/// and what its check said.
#[function_component(LessonPanel)]
pub fn lesson_panel() -> Html {
    let lab = use_lab_handle();
    let source = use_state(|| "database = {}".to_owned());
    let body = use_state(Vec::<Line>::new);
    // Steps 3 and 4: write the code in the editor, or pick given lines (the easier path).
    let pick = use_state(|| false);
    let Some(lab) = lab else {
        return Html::default();
    };
    let (lesson, busy) = (&lab.state.lesson, lab.busy());
    let done = lesson.done;
    let current = done.min(STEPS.len() - 1);
    let finished = done >= STEPS.len();
    // The verdict shown under the current step is only ever that step's own.
    let feedback = lesson
        .feedback
        .as_ref()
        .filter(|(step, _)| *step == current && !finished)
        .map(|(_, verdict)| verdict);

    // What "Check" sends: the hash, step 2's line, or the function (picked or written).
    let answer = match current {
        0 => Answer::Hash,
        1 => Answer::Database((*source).clone()),
        step if *pick => Answer::Function {
            step,
            lines: (*body).clone(),
        },
        step => Answer::Python {
            step,
            source: lab.state.python.source.to_string(),
        },
    };
    let check = lab
        .on_lesson_check()
        .reform(move |_: MouseEvent| answer.clone());
    let toggle_pick = {
        let pick = pick.clone();
        Callback::from(move |_: MouseEvent| pick.set(!*pick))
    };
    let open_editor = lab.on_open_editor().reform(|_: MouseEvent| ());
    let start = lab.on_lesson_start().reform(|_: MouseEvent| ());

    html! {
        <section class="lesson" aria-label="Lesson">
            { head(done, start, busy, to_challenges(&lab)) }
            { steps(done, &lesson.passed) }
            if finished {
                <p class="lesson__feedback lesson__feedback--ok" role="status">
                    { "All four steps done: update_price writes the cache and the database. Now break it: switch a fault on and update a price, or take the Challenges, where your own code meets faults and races." }
                </p>
            } else {
                <div class="lesson__task">
                    <h3>{ format!("Step {}: {}", current + 1, STEPS[current].title) }</h3>
                    <p>{ STEPS[current].task }</p>
                    <details class="lesson__hint"><summary>{ "Hint" }</summary><p>{ STEPS[current].hint }</p></details>
                    if current == 1 {
                        { database_line(&source) }
                    }
                    if current >= 2 && *pick {
                        <LineBuilder current={current} body={body.clone()} />
                    }
                    if current >= 2 && !*pick {
                        <p class="lesson__write">
                            { "Write it in Python in the editor (Application → Your Python): we run your update_price on (\"product1\", 150) and on calls you have not seen." }
                        </p>
                    }
                    if current >= 2 {
                        { ways(*pick, open_editor, toggle_pick) }
                    }
                    <button type="button" class="button button--app" onclick={super::unless(busy, check)} aria-disabled={busy.to_string()}>
                        { if current == 0 { "Check the hash" } else { "Run and check" } }
                    </button>
                    { verdict(feedback) }
                </div>
            }
        </section>
    }
}

/// The four steps, the ones done ticked with what their check said, the current one marked.
fn steps(done: usize, passed: &[(usize, String)]) -> Html {
    let current = done.min(STEPS.len() - 1);
    let finished = done >= STEPS.len();
    html! {
    <ol class="lesson__steps">
        { for STEPS.iter().enumerate().map(|(i, s)| html! {
            <li class={classes!("lesson__step", (i < done).then_some("lesson__step--done"), (i == current && !finished).then_some("lesson__step--current"))}
                aria-current={(i == current && !finished).then_some("step")}>
                { format!("{}{}", if i < done { "✓ " } else { "" }, s.title) }
                if let Some((_, told)) = passed.iter().find(|(step, _)| *step == i).filter(|_| i < done) {
                    <span class="lesson__passed">{ told.clone() }</span>
                }
            </li>
        }) }
    </ol>
    }
}

#[derive(Properties, PartialEq)]
struct LineBuilderProps {
    /// The lesson's step (2 or 3): which lines are offered.
    current: usize,
    /// The function's body as picked so far.
    body: UseStateHandle<Vec<Line>>,
}

/// Steps 3 and 4 the easier way: build update_price from given lines (add, move, remove).
#[function_component(LineBuilder)]
fn line_builder(props: &LineBuilderProps) -> Html {
    let (current, body) = (props.current, &props.body);
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
    html! {
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
                            <button type="button" class="lesson__small" aria-label={format!("Move up: {}", line.code())} aria-disabled={(i == 0).to_string()}
                                onclick={edit(Box::new(move |b| if i > 0 { b.swap(i, i - 1) }))}>{ "↑" }</button>
                            <button type="button" class="lesson__small" aria-label={format!("Move down: {}", line.code())} aria-disabled={(i + 1 == body.len()).to_string()}
                                onclick={edit(Box::new(move |b| if i + 1 < b.len() { b.swap(i, i + 1) }))}>{ "↓" }</button>
                            <button type="button" class="lesson__small" aria-label={format!("Remove: {}", line.code())}
                                onclick={edit(Box::new(move |b| { b.remove(i); }))}>{ "✕" }</button>
                        </li>
                    }) }
                </ol>
            </div>
        </div>
    }
}

/// What the last check of the current step said (a live region, empty before any check).
fn verdict(feedback: Option<&Result<String, String>>) -> Html {
    let (class, text) = match feedback {
        Some(Ok(m)) => ("lesson__feedback--ok", m.as_str()),
        Some(Err(m)) => ("lesson__feedback--err", m.as_str()),
        None => ("", ""),
    };
    html! {
        <p class={classes!("lesson__feedback", class)} role="status">{ text }</p>
    }
}

/// Steps 3 and 4: open the editor, or switch between writing the code and picking lines.
fn ways(pick: bool, open_editor: Callback<MouseEvent>, toggle_pick: Callback<MouseEvent>) -> Html {
    html! {
        <div class="lesson__ways">
            if !pick {
                <button type="button" class="button button--quiet" onclick={open_editor}>{ "Open the editor" }</button>
            }
            <button type="button" class="button button--quiet" aria-pressed={pick.to_string()} onclick={toggle_pick}>
                { if pick { "Write the code instead" } else { "Pick the lines instead" } }
            </button>
        </div>
    }
}

/// The lesson's title, its progress (kept between visits) and "Start the lesson", or "Start
/// over" once a step is done.
fn head(done: usize, start: Callback<MouseEvent>, busy: bool, challenges: Html) -> Html {
    html! {
    <div class="lesson__head">
        <h2 class="lesson__title">{ "Lesson: write-through, by hand" }</h2>
        <p class="lesson__progress" aria-live="polite">{ format!("Progress {}/{}", done.min(STEPS.len()), STEPS.len()) }</p>
        <button type="button" class="button button--quiet" onclick={super::unless(busy, start)} aria-disabled={busy.to_string()}>{ if done > 0 { "Start over (empties both stores)" } else { "Start the lesson (empties both stores)" } }</button>
        { challenges }
    </div>
    }
}

/// The way to the challenges, with how many are solved.
fn to_challenges(lab: &crate::ui::actions::LabHandle) -> Html {
    let show = lab.on_challenges_shown().reform(|_: MouseEvent| true);
    let solved = lab.state.challenges.solved_count();
    let total = crate::challenges::CHALLENGES.len();
    html! {
        <button type="button" class="button button--quiet lesson__to-challenges" onclick={show}>
            { format!("Challenges ({solved}/{total} solved)") }
        </button>
    }
}

/// Step 2's answer: a line of Python that makes the database.
fn database_line(source: &UseStateHandle<String>) -> Html {
    let on_source = {
        let source = source.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(area) = e.target_dyn_into::<HtmlTextAreaElement>() {
                source.set(area.value());
            }
        })
    };
    html! {
        <label class="lesson__python">
            <span>{ "Python" }</span>
            <textarea rows="2" spellcheck="false" value={(**source).clone()} oninput={on_source} />
        </label>
    }
}
