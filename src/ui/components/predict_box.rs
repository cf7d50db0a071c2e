//! "Predict, then see": at chosen steps, what would a read of the cache return now?

use yew::prelude::*;

use crate::engine::predict::Prediction;

#[derive(Properties, PartialEq)]
pub struct PredictBoxProps {
    pub prediction: Prediction,
    /// The learner's answer, once given.
    pub answered: Option<String>,
    pub on_answer: Callback<String>,
}

#[function_component(PredictBox)]
pub fn predict_box(props: &PredictBoxProps) -> Html {
    let p = &props.prediction;
    html! {
        <section class="predict" aria-label="Predict, then see">
            <p class="predict__question">
                { format!("Predict: what would {} return now?", p.read) }
                if props.answered.is_none() {
                    // Playing stops at a question: say so, and what moves it on.
                    <span class="predict__paused">{ " Paused — pick an answer, then play on." }</span>
                }
            </p>
            <div class="predict__choices" role="group" aria-label="Your prediction">
                { for p.choices.iter().map(|choice| {
                    let (cb, c) = (props.on_answer.clone(), choice.clone());
                    let picked = props.answered.as_deref() == Some(choice.as_str());
                    // Answered: the buttons stay focusable (the keyboard keeps its place) and
                    // ignore a second answer.
                    let answered = props.answered.is_some();
                    html! {
                        <button type="button" class="predict__choice" aria-pressed={picked.to_string()}
                            aria-disabled={answered.to_string()} onclick={Callback::from(move |_| if !answered { cb.emit(c.clone()) })}>
                            { choice.clone() }
                        </button>
                    }
                }) }
            </div>
            <p class="predict__verdict" role="status">
                { match &props.answered {
                    Some(a) if *a == p.answer => format!("Right: {}. {}", p.answer, p.because),
                    Some(_) => format!("Not quite: Redis would return {}. {}", p.answer, p.because),
                    None => String::new(),
                } }
            </p>
        </section>
    }
}
