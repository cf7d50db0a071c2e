//! Playback controls: step through a trace, play it, choose the speed, scrub.

use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::playback::{Playback, PlaybackAction, SPEEDS_MS};

#[derive(Properties, PartialEq)]
pub struct PlaybackBarProps {
    pub playback: Playback,
    pub on_action: Callback<PlaybackAction>,
}

#[function_component(PlaybackBar)]
pub fn playback_bar(props: &PlaybackBarProps) -> Html {
    let p = props.playback;
    let send = |action: PlaybackAction| {
        let cb = props.on_action.clone();
        Callback::from(move |_: MouseEvent| cb.emit(action))
    };
    let on_seek = {
        let cb = props.on_action.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(input) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
            {
                if let Ok(i) = input.value().parse::<usize>() {
                    cb.emit(PlaybackAction::Seek(i.saturating_sub(1)));
                }
            }
        })
    };
    let on_speed = {
        let cb = props.on_action.clone();
        Callback::from(move |e: Event| {
            if let Some(select) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlSelectElement>().ok())
            {
                if let Ok(i) = select.value().parse::<usize>() {
                    cb.emit(PlaybackAction::Speed(i));
                }
            }
        })
    };
    let empty = p.len == 0;
    let speed_names = ["Slow", "Normal", "Fast", "Fastest"];
    html! {
        <div class="playback" role="group" aria-label="Playback">
            <button type="button" class="playback__button" onclick={send(PlaybackAction::First)} disabled={empty || p.at_start()}>{ "First step" }</button>
            <button type="button" class="playback__button" onclick={send(PlaybackAction::Previous)} disabled={empty || p.at_start()}>{ "Previous step" }</button>
            <button type="button" class="playback__button playback__button--play" onclick={send(PlaybackAction::Toggle)} disabled={p.len < 2}>
                { if p.playing { "Pause" } else { "Play" } }
            </button>
            <button type="button" class="playback__button" onclick={send(PlaybackAction::Next)} disabled={empty || p.at_end()}>{ "Next step" }</button>
            <button type="button" class="playback__button" onclick={send(PlaybackAction::Last)} disabled={empty || p.at_end()}>{ "Last step" }</button>
            <div class="playback__scrub">
                <label for="playback-step">{ "Step" }</label>
                <input id="playback-step" type="range" min="1" max={p.len.max(1).to_string()} value={(p.cursor + 1).to_string()} oninput={on_seek} disabled={p.len < 2} />
            </div>
            <span class="playback__position">{ if empty { "No trace yet".to_owned() } else { format!("Step {} of {}", p.cursor + 1, p.len) } }</span>
            <div class="playback__speed">
                <label for="playback-speed">{ "Speed" }</label>
                <select id="playback-speed" onchange={on_speed}>
                    { for SPEEDS_MS.iter().enumerate().map(|(i, ms)| html! {
                        <option value={i.to_string()} selected={i == p.speed}>{ format!("{} ({:.1} s a step)", speed_names[i], f64::from(*ms) / 1000.0) }</option>
                    }) }
                </select>
            </div>
        </div>
    }
}
