//! The page's hooks: effects and timers live here, not in the components that render.

use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::actions::LabHandle;
use super::boot::{boot, AppLab, Background};
use super::state::{LabState, LessonState};
use crate::engine::diagram::{Diagram, Lifeline};
use crate::engine::Trace;
use crate::playback::{Playback, PlaybackAction};

/// The lab and the page's state: opens the database and starts the lab once (see `boot`).
#[hook]
pub fn use_lab() -> LabHandle {
    let state = use_reducer(|| {
        let mut state = LabState::default();
        // The editor's text and the lesson's progress survive a reload.
        state.python.source = Rc::from(
            super::python::saved_source()
                .unwrap_or_else(|| crate::python::programs::STARTER.to_owned()),
        );
        state.lesson = LessonState::saved().unwrap_or_default();
        state.challenges = super::state::saved_challenges().unwrap_or_default();
        state
    });
    let lab = use_state(|| None::<Rc<AppLab>>);
    let background = use_mut_ref(Background::default);
    use_effect_with(state.lesson.clone(), |lesson| lesson.save());
    use_effect_with(state.challenges.clone(), super::state::save_challenges);
    {
        let (dispatch, lab, background) = (state.dispatcher(), lab.clone(), background.clone());
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(boot(dispatch, lab, background));
        });
    }
    {
        let dispatch = state.dispatcher();
        use_effect_with((), move |_| {
            super::python::on_phase(Rc::new(move |phase| {
                dispatch.dispatch(super::state::LabAction::PythonPhase(phase))
            }));
        });
    }
    LabHandle {
        state,
        lab,
        background,
    }
}

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
///
/// `live_token` changes when the learner asks for the live stores: the trace then goes to its
/// last step (`seek` is `usize::MAX` then).
#[hook]
pub fn use_playback(
    trace: Option<Rc<Trace>>,
    seek: Option<usize>,
    live_token: u64,
) -> UseReducerHandle<PlaybackState> {
    let playback = use_reducer(PlaybackState::default);
    // A new trace plays from its first step.
    {
        let playback = playback.dispatcher();
        let trace = trace.clone();
        use_effect_with((trace.as_ref().map(Rc::as_ptr), live_token), move |_| {
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
                    let Some(action) = playback_key(&e) else {
                        return;
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

/// How long a message takes to travel from one actor to another, at most (the playback speed
/// may make it shorter).
pub const TRAVEL_MS: f64 = 480.0;

/// Messages that move: when playback moves forward one step, the step's message travels from
/// its sender's card to its receiver's card inside `layer` (an empty element spanning the
/// stage), and only then does the stage show the step's stores. Returns the step whose stores
/// the stage shows. With `prefers-reduced-motion: reduce` nothing moves and the stores change
/// at once.
#[hook]
pub fn use_travel(
    diagram: Rc<Option<Diagram>>,
    cursor: usize,
    interval_ms: u32,
    layer: NodeRef,
) -> usize {
    let shown = use_state(|| cursor);
    let before = use_mut_ref(|| (None::<*const Diagram>, cursor));
    // Each journey has a number; a journey cut short by the next step does not land.
    let journey = use_mut_ref(|| 0u64);
    {
        let shown = shown.clone();
        let key = diagram.as_ref().as_ref().map(|d| d as *const Diagram);
        use_effect_with((key, cursor), move |(ptr, cursor)| {
            let (ptr, cursor) = (*ptr, *cursor);
            let (was_ptr, was_cursor) = *before.borrow();
            *before.borrow_mut() = (ptr, cursor);
            let number = {
                let mut j = journey.borrow_mut();
                *j += 1;
                *j
            };
            clear_layer(&layer);
            let forward_one = ptr.is_some() && ptr == was_ptr && cursor == was_cursor + 1;
            let route = diagram.as_ref().as_ref().and_then(|diagram| {
                let arrow = diagram.arrows.get(cursor)?;
                (arrow.from != arrow.to)
                    .then(|| (arrow.from.id(), arrow.to.id(), arrow.label.clone()))
            });
            let travelled = match route {
                Some((from, to, label)) if forward_one && !prefers_reduced_motion() => {
                    let landed = shown.clone();
                    let duration = TRAVEL_MS.min(f64::from(interval_ms) * 0.6);
                    travel(&layer, from, to, &label, duration, move || {
                        if *journey.borrow() == number {
                            landed.set(cursor);
                        }
                    })
                }
                _ => false,
            };
            if !travelled {
                shown.set(cursor);
            }
        });
    }
    (*shown).min(cursor)
}

fn clear_layer(layer: &NodeRef) {
    if let Some(layer) = layer.cast::<web_sys::Element>() {
        layer.set_inner_html("");
    }
}

/// What a key pressed on the page does to playback: ← → step, Space plays, Home and End jump;
/// nothing while typing in a field, scrolling a focused table, or with a modifier held.
fn playback_key(e: &web_sys::KeyboardEvent) -> Option<PlaybackAction> {
    let target = e
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok());
    let tag = target.as_ref().map(|el| el.tag_name());
    // A focused scrolling table or actor card takes the arrows, Home, End and Space to scroll.
    let in_field = matches!(tag.as_deref(), Some("INPUT" | "SELECT" | "TEXTAREA"))
        || target.is_some_and(|el| {
            el.class_list().contains("price-table__scroll")
                || el.class_list().contains("actor-card")
        });
    // A focused button handles Space itself (it clicks).
    let on_button_space = tag.as_deref() == Some("BUTTON") && e.key() == " ";
    if in_field || on_button_space || e.ctrl_key() || e.meta_key() || e.alt_key() {
        return None;
    }
    Some(match e.key().as_str() {
        "ArrowLeft" => PlaybackAction::Previous,
        "ArrowRight" => PlaybackAction::Next,
        " " => PlaybackAction::Toggle,
        "Home" => PlaybackAction::First,
        "End" => PlaybackAction::Last,
        _ => return None,
    })
}

/// Sends a chip reading `label` from the card `[data-lifeline=from]` to `[data-lifeline=to]`
/// with the Web Animations API; `landed` runs when it arrives. Returns false (and does nothing)
/// if either card or the API is missing.
fn travel(
    layer: &NodeRef,
    from: &str,
    to: &str,
    label: &str,
    duration_ms: f64,
    landed: impl FnOnce() + 'static,
) -> bool {
    let Some(layer) = layer.cast::<web_sys::Element>() else {
        return false;
    };
    let origin = layer.get_bounding_client_rect();
    let Some((a, b)) = cards(&layer, &origin, from, to) else {
        return false;
    };
    let Some(chip) = chip(&layer, from, to, label) else {
        return false;
    };
    // Centre of a card's top part, relative to the layer.
    let at = |r: &web_sys::DomRect| {
        (
            r.left() + r.width() / 2.0 - origin.left(),
            r.top() + 48.0_f64.min(r.height() / 2.0) - origin.top(),
        )
    };
    let moved = animate(&chip, at(&a), at(&b), duration_ms, landed);
    if !moved {
        chip.remove();
    }
    moved
}

/// Where a message leaves and where it lands: the two cards' boxes on the stage. Another tab
/// has no card on this stage: its message comes in from the stage's top edge, above the card it
/// goes to.
fn cards(
    layer: &web_sys::Element,
    origin: &web_sys::DomRect,
    from: &str,
    to: &str,
) -> Option<(web_sys::DomRect, web_sys::DomRect)> {
    let stage = layer.parent_element()?;
    let card = |id: &str| {
        stage
            .query_selector(&format!("[data-lifeline=\"{id}\"]"))
            .ok()
            .flatten()
            .map(|el| el.get_bounding_client_rect())
    };
    let b = card(to)?;
    let a = match card(from) {
        Some(a) => a,
        None if from == Lifeline::OtherTab.id() => {
            web_sys::DomRect::new_with_x_and_y_and_width_and_height(
                b.left(),
                origin.top() - 48.0,
                b.width(),
                96.0,
            )
            .ok()?
        }
        None => return None,
    };
    Some((a, b))
}

/// The chip that travels, added to the layer (hidden from screen readers: the step's
/// narration says the same).
fn chip(layer: &web_sys::Element, from: &str, to: &str, label: &str) -> Option<web_sys::Element> {
    let chip = web_sys::window()?.document()?.create_element("div").ok()?;
    chip.set_class_name(&format!("travel travel--to-{to} travel--from-{from}"));
    chip.set_text_content(Some(label));
    let _ = chip.set_attribute("aria-hidden", "true");
    layer.append_child(&chip).ok()?;
    Some(chip)
}

/// Moves `chip` from one point to another with the Web Animations API (through `Reflect`:
/// web-sys's binding needs three more features for one call); it removes itself and runs
/// `landed` when it arrives. False if the API is missing.
fn animate(
    chip: &web_sys::Element,
    (x0, y0): (f64, f64),
    (x1, y1): (f64, f64),
    duration_ms: f64,
    landed: impl FnOnce() + 'static,
) -> bool {
    use js_sys::{Array, Function, Object, Reflect};
    use wasm_bindgen::JsValue;

    let frame = |x: f64, y: f64| {
        let f = Object::new();
        let _ = Reflect::set(
            &f,
            &"transform".into(),
            &format!("translate({x:.0}px, {y:.0}px) translate(-50%, -50%)").into(),
        );
        f
    };
    let frames = Array::of2(&frame(x0, y0), &frame(x1, y1));
    let options = Object::new();
    let _ = Reflect::set(
        &options,
        &"duration".into(),
        &JsValue::from_f64(duration_ms),
    );
    let _ = Reflect::set(&options, &"easing".into(), &"ease-in-out".into());
    let _ = Reflect::set(&options, &"fill".into(), &"forwards".into());
    let Some(animate) = Reflect::get(chip, &"animate".into())
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok())
    else {
        return false;
    };
    let Ok(animation) = animate.call2(chip, &frames, &options) else {
        return false;
    };
    let chip_done = chip.clone();
    let on_finish = Closure::once_into_js(move || {
        chip_done.remove();
        landed();
    });
    let _ = Reflect::set(&animation, &"onfinish".into(), &on_finish);
    true
}
