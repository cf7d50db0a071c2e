//! Playback controls: step through a trace, play it, choose the speed, scrub.

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::playback::{Playback, PlaybackAction, LONG_TRACE, SPEEDS_MS, SPEED_NAMES};

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
            if let Some(input) = e.target_dyn_into::<HtmlInputElement>() {
                if let Ok(i) = input.value().parse::<usize>() {
                    cb.emit(PlaybackAction::Seek(i.saturating_sub(1)));
                }
            }
        })
    };
    let on_speed = {
        let cb = props.on_action.clone();
        Callback::from(move |e: Event| {
            if let Some(select) = e.target_dyn_into::<HtmlSelectElement>() {
                if let Ok(i) = select.value().parse::<usize>() {
                    cb.emit(PlaybackAction::Speed(i));
                }
            }
        })
    };
    let empty = p.len == 0;
    // Icons on screen, names for everyone else (and for the keyboard shortcuts' users). A step
    // button with nowhere to go is `aria-disabled`, not `disabled`: a disabled button loses the
    // focus to the page's body, and the keyboard user their place.
    let button = |label: &'static str,
                  icon: Html,
                  action: PlaybackAction,
                  disabled: bool,
                  keys: &'static str| {
        let cb = props.on_action.clone();
        let onclick = Callback::from(move |_: MouseEvent| {
            if !disabled {
                cb.emit(action);
            }
        });
        html! {
            <button type="button" class="playback__button playback__button--icon" aria-label={label} title={format!("{label} ({keys})")}
                onclick={onclick} aria-disabled={disabled.to_string()}>
                { icon }
            </button>
        }
    };
    html! {
        <div class="playback" role="group" aria-label="Playback">
            { button("First step", icon("M3 2h2v12H3zM14 2v12L6 8z"), PlaybackAction::First, empty || p.at_start(), "Home") }
            { button("Previous step", icon("M12 2v12L4 8z"), PlaybackAction::Previous, empty || p.at_start(), "←") }
            <button type="button" class="playback__button playback__button--play" aria-label={if p.playing { "Pause" } else { "Play" }}
                title="Play or pause (Space)" onclick={send(PlaybackAction::Toggle)} disabled={p.len < 2}>
                { if p.playing { icon("M3 2h4v12H3zM9 2h4v12H9z") } else { icon("M4 2v12l10-6z") } }
            </button>
            { button("Next step", icon("M4 2v12l8-6z"), PlaybackAction::Next, empty || p.at_end(), "→") }
            { button("Last step", icon("M2 2v12l8-6zM11 2h2v12h-2z"), PlaybackAction::Last, empty || p.at_end(), "End") }
            <div class="playback__scrub">
                <label for="playback-step" class="visually-hidden">{ "Step" }</label>
                <input id="playback-step" type="range" min="1" max={p.len.max(1).to_string()} value={(p.cursor + 1).to_string()} oninput={on_seek} disabled={p.len < 2} />
            </div>
            if p.len >= LONG_TRACE {
                <button type="button" class="playback__button playback__skip" onclick={send(PlaybackAction::Last)}>
                    { "Skip to the end" }
                </button>
            }
            <span class="playback__position">{ if empty { "No trace yet".to_owned() } else { format!("Step {} of {}", p.cursor + 1, p.len) } }</span>
            <div class="playback__speed">
                <label for="playback-speed" class="visually-hidden">{ "Speed" }</label>
                <select id="playback-speed" onchange={on_speed}>
                    { for SPEEDS_MS.iter().enumerate().map(|(i, ms)| html! {
                        <option value={i.to_string()} selected={i == p.speed}>{ format!("{} ({} s a step)", SPEED_NAMES[i], seconds(*ms)) }</option>
                    }) }
                </select>
            </div>
        </div>
    }
}

/// `1200` as `1.2`, `40` as `0.04`.
fn seconds(ms: u32) -> String {
    if ms >= 100 {
        format!("{:.1}", f64::from(ms) / 1000.0)
    } else {
        format!("{:.2}", f64::from(ms) / 1000.0)
    }
}

/// A 16×16 icon drawn from one path (the fonts of every machine need not have the glyphs).
fn icon(path: &'static str) -> Html {
    html! {
        <svg class="playback__icon" viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" focusable="false">
            <path d={path} fill="currentColor" />
        </svg>
    }
}
