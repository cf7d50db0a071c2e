//! The Challenges panel, beside the lesson: the learner's own code under faults and races
//! ("n/6 solved"). A challenge states its goal, puts its starter in the editor, and has Check,
//! a ladder of three hints, and "Show a solution" after three failed checks; a failing
//! schedule is played on the stage.

use std::rc::Rc;

use yew::prelude::*;

use super::editor::Editor;
use crate::challenges::progress::{ChallengeState, ChallengeVerdict};
use crate::challenges::{find, Challenge, CHALLENGES};
use crate::engine::trace::OperationKind;
use crate::python::colour::Marks;
use crate::scenario::Scenario;
use crate::ui::actions::LabHandle;
use crate::ui::context::{use_lab_handle, use_shown, Shown};

#[function_component(ChallengesPanel)]
pub fn challenges_panel() -> Html {
    let Some(lab) = use_lab_handle() else {
        return Html::default();
    };
    let progress = &lab.state.challenges;
    let open = progress.open.as_deref().and_then(find);
    let marks = use_shown().map_or_else(Marks::default, |s| counterexample_marks(&s));
    // The code the failing schedule on the stage ran (its lines are marked while the editor
    // holds it).
    let checked: Option<Rc<str>> = match lab.state.replay.as_ref().map(|r| &r.scenario) {
        Some(Scenario::Challenge { source, .. }) => Some(Rc::from(source.as_str())),
        _ => None,
    };
    let back = match open {
        Some(_) => lab.on_challenge_open().reform(|_: MouseEvent| None),
        None => lab.on_challenges_shown().reform(|_: MouseEvent| false),
    };
    html! {
        <section class={classes!("lesson", "challenges")} aria-label="Challenges">
            <div class="lesson__head">
                <h2 class="lesson__title">{ "Challenges: your code under faults and races" }</h2>
                <p class="lesson__progress" aria-live="polite">{ format!("{}/{} solved", progress.solved_count(), CHALLENGES.len()) }</p>
                <button type="button" class="button button--quiet" onclick={back}>
                    { if open.is_some() { "All challenges" } else { "Back to the lesson" } }
                </button>
            </div>
            { match open {
                Some(challenge) => opened(&lab, challenge, marks, checked),
                None => list(&lab, progress),
            } }
        </section>
    }
}

/// The learner's lines along a failing schedule on the stage: the line that made the step at
/// the cursor (▶) and the one that makes the next (▷).
fn counterexample_marks(shown: &Shown) -> Marks {
    let Some(trace) = shown
        .trace
        .as_deref()
        .filter(|t| t.operation == OperationKind::Counterexample)
    else {
        return Marks::default();
    };
    let (current, next) = trace.lines_at(shown.cursor());
    Marks {
        current: current.python,
        next: next.python,
        error: 0,
    }
}

/// The challenges to pick from, the solved ones ticked.
fn list(lab: &LabHandle, progress: &ChallengeState) -> Html {
    let open = lab.on_challenge_open();
    html! {
        <>
            <p class="challenges__intro">
                { "Write the function yourself; Check runs it on copies of the stores, on products and prices you have not seen, under every fault and interleaving it tries, and plays the first schedule that breaks it on the stage." }
            </p>
            <ol class="challenges__list">
                { for CHALLENGES.iter().map(|c| {
                    let id = c.id.to_owned();
                    let pick = open.reform(move |_: MouseEvent| Some(id.clone()));
                    let solved = progress.is_solved(c.id);
                    html! {
                        <li class={classes!("challenges__item", solved.then_some("challenges__item--solved"))}>
                            <button type="button" class="challenges__pick" onclick={pick}>{ c.title }</button>
                            if solved { <span class="challenges__solved">{ "✓ solved" }</span> }
                        </li>
                    }
                }) }
            </ol>
        </>
    }
}

/// The open challenge: its goal, what to do, its buttons, hints, verdict and solution.
fn opened(
    lab: &LabHandle,
    challenge: &'static Challenge,
    marks: Marks,
    checked: Option<Rc<str>>,
) -> Html {
    let progress = &lab.state.challenges;
    let solved = progress.is_solved(challenge.id);
    html! {
        <div class="lesson__task">
            <h3>
                { challenge.title }
                if solved { <span class="challenges__solved">{ " ✓ solved" }</span> }
            </h3>
            <p>{ challenge.goal }</p>
            <p class="lesson__write">
                { "Write it below. Check runs it under faults and races. WATCH, MULTI, EXEC and redis-py's pipeline() work; Lua (EVAL, redis-py's lock()) is not available." }
            </p>
            // The editor is here while a challenge is open, beside the stage that plays what
            // broke it; along a failing schedule it marks the line that made each step.
            <Editor {marks} of={checked} />
            { buttons(lab, progress) }
            { verdict(progress.checking, progress.verdict.as_ref()) }
            if progress.hints > 0 {
                <ol class="challenges__hints" aria-label="Hints">
                    { for challenge.hints[..progress.hints].iter().map(|h| html! { <li>{ *h }</li> }) }
                </ol>
            }
            if progress.solution {
                { solution(lab, challenge) }
            }
        </div>
    }
}

/// Check, the next hint, the starter again, and "Show a solution" once offered.
fn buttons(lab: &LabHandle, progress: &ChallengeState) -> Html {
    let check = lab.on_challenge_check().reform(|_: MouseEvent| ());
    let hint = lab.on_challenge_hint().reform(|_: MouseEvent| ());
    let starter = lab.on_challenge_code().reform(|_: MouseEvent| false);
    let show = lab.on_challenge_solution().reform(|_: MouseEvent| ());
    let hints = progress.hints;
    html! {
        <div class="lesson__ways">
            <button type="button" class="button button--app" onclick={super::unless(progress.checking, check)} aria-disabled={progress.checking.to_string()}>
                { if progress.checking { "Checking…" } else { "Check" } }
            </button>
            <button type="button" class="button button--quiet" onclick={super::unless(hints >= 3, hint)} aria-disabled={(hints >= 3).to_string()}>
                { if hints >= 3 { "All 3 hints shown".to_owned() } else { format!("Hint {} of 3", hints + 1) } }
            </button>
            <button type="button" class="button button--quiet" onclick={starter}>{ "Start again from the starter" }</button>
            if progress.solution_offered() && !progress.solution {
                <button type="button" class="button button--quiet" onclick={show}>{ "Show a solution" }</button>
            }
        </div>
    }
}

/// What the last check said (a live region): passed, or what broke and that its schedule is
/// on the stage.
fn verdict(checking: bool, verdict: Option<&ChallengeVerdict>) -> Html {
    let (class, text) = match verdict {
        _ if checking => (
            "",
            "Checking: your code runs under every schedule of faults and races…".to_owned(),
        ),
        Some(v) if v.passed => ("lesson__feedback--ok", v.message.clone()),
        Some(v) if v.counterexample => (
            "lesson__feedback--err",
            format!(
                "{} The schedule that broke it is on the stage: step through it.",
                v.message
            ),
        ),
        Some(v) => ("lesson__feedback--err", v.message.clone()),
        None => ("", String::new()),
    };
    html! {
        <p class={classes!("lesson__feedback", class)} role="status" aria-label="Challenge verdict">{ text }</p>
    }
}

/// A solution, and a button that puts it in the editor.
fn solution(lab: &LabHandle, challenge: &Challenge) -> Html {
    let into_editor = lab.on_challenge_code().reform(|_: MouseEvent| true);
    html! {
        <div class="challenges__solution">
            <h4>{ "A solution" }</h4>
            <pre class="code" tabindex="0" aria-label="A solution"><code>{ challenge.solution }</code></pre>
            <button type="button" class="button button--quiet" onclick={into_editor}>{ "Put the solution in the editor" }</button>
        </div>
    }
}
