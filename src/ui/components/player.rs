//! Under the stage: the playback controls, the narration of the current step, the traces that
//! can be opened (the warm-up, timed flushes), and "Predict, then see" (playing pauses at a
//! question until it is answered).

use std::rc::Rc;

use yew::prelude::*;

use super::playback_bar::PlaybackBar;
use super::predict_box::PredictBox;
use crate::engine::predict::predictions;
use crate::playback::PlaybackAction;
use crate::ui::context::{use_lab_handle, use_shown};
use crate::ui::state::{LabAction, LabState};

#[function_component(Player)]
pub fn player() -> Html {
    let (lab, shown) = (use_lab_handle(), use_shown());
    let trace = shown.as_ref().and_then(|s| s.trace.clone());
    let questions = {
        let trace = trace.clone();
        use_memo(trace.as_ref().map(Rc::as_ptr), move |_| {
            trace.as_deref().map(predictions).unwrap_or_default()
        })
    };
    // Playing stops at a question not yet answered.
    {
        let waiting = match (&lab, &shown) {
            (Some(lab), Some(shown)) => {
                let p = shown.playback.0;
                p.playing
                    && questions
                        .iter()
                        .any(|q| q.step == p.cursor && !lab.state.answers.contains_key(&q.step))
            }
            _ => false,
        };
        let dispatch = shown.as_ref().map(|s| s.playback.dispatcher());
        use_effect_with(waiting, move |waiting| {
            if let (true, Some(dispatch)) = (*waiting, dispatch) {
                dispatch.dispatch(PlaybackAction::Toggle);
            }
        });
    }
    let (Some(lab), Some(shown)) = (lab, shown) else {
        return Html::default();
    };
    let (state, p) = (&lab.state, shown.playback.0);
    let question = questions.iter().find(|q| q.step == p.cursor).cloned();
    let on_answer = {
        let (dispatch, step) = (state.dispatcher(), p.cursor);
        Callback::from(move |choice| dispatch.dispatch(LabAction::Predicted { step, choice }))
    };
    let on_action = {
        let dispatch = shown.playback.dispatcher();
        Callback::from(move |a| dispatch.dispatch(a))
    };
    let narration = match trace
        .as_deref()
        .and_then(|t| Some((t, t.steps.get(p.cursor)?)))
    {
        Some((t, s)) => format!(
            "Step {} of {} — {}",
            p.cursor + 1,
            t.steps.len(),
            s.narration
        ),
        None => "Update a price to see each step of the write.".to_owned(),
    };
    html! {
        <div class="player">
            <PlaybackBar playback={p} on_action={on_action} />
            <p class="narration" aria-live="polite" aria-label="Narration">{ narration }</p>
            { openers(state) }
            if let Some(q) = question {
                <PredictBox answered={state.answers.get(&q.step).cloned()} prediction={q} on_answer={on_answer} />
            }
        </div>
    }
}

/// Buttons that put a trace on the stage without replacing the one being stepped through:
/// write-behind's timed flushes (the warm-up's is in its notice).
fn openers(state: &UseReducerHandle<LabState>) -> Html {
    let open = |action: LabAction| {
        let dispatch = state.dispatcher();
        Callback::from(move |_: MouseEvent| dispatch.dispatch(action.clone()))
    };
    html! {
        <>
            if !state.timed_flushes.is_empty() {
                <div class="player__extras">
                    { for state.timed_flushes.iter().enumerate().map(|(i, t)| {
                        let n = t.database_writes().len();
                        html! {
                            <button type="button" class="playback__button player__flush" onclick={open(LabAction::OpenTimedFlush(i))}>
                                { format!("Open the timed flush ({n} write{})", if n == 1 { "" } else { "s" }) }
                            </button>
                        }
                    }) }
                </div>
            }
        </>
    }
}
