//! The page's hooks: effects and timers live here, not in the components that render.

use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::engine::Trace;
use crate::playback::{Playback, PlaybackAction};

/// The playback state as a Yew reducer.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct PlaybackState(pub Playback);

impl Reducible for PlaybackState {
    type Action = PlaybackAction;

    fn reduce(self: Rc<Self>, action: PlaybackAction) -> Rc<Self> {
        Rc::new(PlaybackState(self.0.apply(action)))
    }
}

/// Playback over `trace`: a new trace plays from its first step (or opens at `seek`), one timer
/// advances while playing, and the keyboard steps (← → step, Space plays, Home and End jump).
#[hook]
pub fn use_playback(
    trace: Option<Rc<Trace>>,
    seek: Option<usize>,
) -> UseReducerHandle<PlaybackState> {
    let playback = use_reducer(PlaybackState::default);
    // A new trace plays from its first step.
    {
        let playback = playback.dispatcher();
        let trace = trace.clone();
        use_effect_with(trace.as_ref().map(Rc::as_ptr), move |_| {
            if let Some(trace) = trace {
                playback.dispatch(PlaybackAction::Load {
                    len: trace.steps.len(),
                    autoplay: seek.is_none() && !prefers_reduced_motion(),
                });
                if let Some(step) = seek {
                    playback.dispatch(PlaybackAction::Seek(step));
                }
            }
        });
    }

    // The one timer: advance while playing.
    {
        let dispatch = playback.dispatcher();
        let p = playback.0;
        use_effect_with(p, move |p| {
            let handle = p.playing.then(|| {
                let tick =
                    Closure::<dyn FnMut()>::once(move || dispatch.dispatch(PlaybackAction::Tick));
                let id = web_sys::window().and_then(|w| {
                    w.set_timeout_with_callback_and_timeout_and_arguments_0(
                        tick.as_ref().unchecked_ref(),
                        p.interval_ms() as i32,
                    )
                    .ok()
                });
                (id, tick)
            });
            move || {
                if let (Some((Some(id), _tick)), Some(w)) = (handle, web_sys::window()) {
                    w.clear_timeout_with_handle(id);
                }
            }
        });
    }

    // Keyboard: ← → step, Space plays, Home and End jump (not while typing in a field or
    // scrolling a focused table).
    {
        let dispatch = playback.dispatcher();
        use_effect_with((), move |_| {
            let listener = Closure::<dyn FnMut(web_sys::KeyboardEvent)>::new(
                move |e: web_sys::KeyboardEvent| {
                    let target = e
                        .target()
                        .and_then(|t| t.dyn_into::<web_sys::Element>().ok());
                    let tag = target.as_ref().map(|el| el.tag_name());
                    // A focused scrolling table takes the arrows, Home, End and Space to scroll.
                    let in_field = matches!(tag.as_deref(), Some("INPUT" | "SELECT" | "TEXTAREA"))
                        || target.is_some_and(|el| el.class_list().contains("price-table__scroll"));
                    // A focused button handles Space itself (it clicks).
                    let on_button_space = tag.as_deref() == Some("BUTTON") && e.key() == " ";
                    if in_field || on_button_space || e.ctrl_key() || e.meta_key() || e.alt_key() {
                        return;
                    }
                    let action = match e.key().as_str() {
                        "ArrowLeft" => PlaybackAction::Previous,
                        "ArrowRight" => PlaybackAction::Next,
                        " " => PlaybackAction::Toggle,
                        "Home" => PlaybackAction::First,
                        "End" => PlaybackAction::Last,
                        _ => return,
                    };
                    e.prevent_default();
                    dispatch.dispatch(action);
                },
            );
            let window = web_sys::window();
            if let Some(w) = &window {
                let _ = w
                    .add_event_listener_with_callback("keydown", listener.as_ref().unchecked_ref());
            }
            move || {
                if let Some(w) = window {
                    let _ = w.remove_event_listener_with_callback(
                        "keydown",
                        listener.as_ref().unchecked_ref(),
                    );
                }
            }
        });
    }

    playback
}

pub fn prefers_reduced_motion() -> bool {
    web_sys::window()
        .and_then(|w| {
            w.match_media("(prefers-reduced-motion: reduce)")
                .ok()
                .flatten()
        })
        .is_some_and(|m| m.matches())
}
