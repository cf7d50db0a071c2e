//! `lab.run_python(source)`, `lab.check_step(n, answer)`, `lab.challenges()` and
//! `lab.check_challenge(id, source)`: the learner's Python from the console, as the editor and
//! the lesson panel run it, and the challenges' checks.

use std::rc::Rc;

use js_sys::{Object, Reflect};
use wasm_bindgen::JsValue;
use yew::UseReducerDispatcher;

use super::convert::{error, trace_to_js};
use super::{Api, OnChange};
use crate::challenges::{find, CHALLENGES};
use crate::db::app::AppDb;
use crate::engine::Lab;
use crate::ui::python::{check_step, run_challenge, run_python};
use crate::ui::state::LabState;

/// What the page does after a Python run: show its source, output and error (if it had one).
pub type OnPython = Rc<dyn Fn(Rc<str>, String, Option<Rc<str>>)>;

pub fn register(api: &Api, lab: &Rc<Lab<AppDb>>, on_change: &OnChange, on_python: &OnPython) {
    let (l, changed, python) = (Rc::clone(lab), Rc::clone(on_change), Rc::clone(on_python));
    api.promise("run_python", move |source, _| {
        let (lab, changed, python) = (Rc::clone(&l), Rc::clone(&changed), Rc::clone(&python));
        async move {
            let source = source
                .as_string()
                .ok_or_else(|| error("source must be a string of Python"))?;
            let run = run_python(&lab, &source).await;
            python(
                Rc::from(source.as_str()),
                run.output.clone(),
                run.error.clone(),
            );
            if let Some(trace) = &run.trace {
                changed(Some(trace.clone()));
            }
            if let Some(why) = &run.error {
                // The traceback as Python prints it (or why the lab stopped the program).
                let text = if run.output.trim().is_empty() {
                    why.to_string()
                } else {
                    run.output.trim_end().to_owned()
                };
                return Err(error(&text));
            }
            let out = Object::new();
            let trace = run.trace.as_ref().map_or(JsValue::NULL, trace_to_js);
            let _ = Reflect::set(&out, &"trace".into(), &trace);
            let _ = Reflect::set(&out, &"output".into(), &JsValue::from_str(&run.output));
            Ok(out.into())
        }
    });

    api.promise("check_step", move |step, answer| async move {
        let step = step
            .as_f64()
            .filter(|n| n.fract() == 0.0 && (1.0..=4.0).contains(n))
            .ok_or_else(|| error("the step is a number from 1 to 4"))? as u8;
        let answer = answer.as_string().ok_or_else(|| {
            error("the answer is a string: a Redis command line for step 1, Python source for steps 2 to 4")
        })?;
        let (passed, message, _) = check_step(step, &answer).await;
        let out = Object::new();
        let _ = Reflect::set(&out, &"passed".into(), &JsValue::from_bool(passed));
        let _ = Reflect::set(&out, &"message".into(), &JsValue::from_str(&message));
        Ok(out.into())
    });
}

thread_local! {
    /// The page state's challenge progress, as of its last render: what `lab.challenges()`
    /// reads (the page state is the one source; this is its read-only copy for the API).
    static PROGRESS: std::cell::RefCell<crate::challenges::progress::ChallengeState> =
        std::cell::RefCell::default();
}

/// Keeps `lab.challenges()` up to date with the page state (the app calls it when the
/// challenges' part of the state changes).
pub fn mirror_challenges(progress: &crate::challenges::progress::ChallengeState) {
    PROGRESS.with(|p| p.borrow_mut().clone_from(progress));
}

/// `lab.challenges()` and `lab.check_challenge(id, source)`: a failing schedule is put on the
/// stage, a pass kept as solved.
pub fn register_challenges(api: &Api, dispatch: &UseReducerDispatcher<LabState>) {
    let dispatch = dispatch.clone();
    api.method("challenges", |_, _| {
        let progress = PROGRESS.with(|p| p.borrow().clone());
        let list = js_sys::Array::new();
        for c in CHALLENGES {
            let item = Object::new();
            let _ = Reflect::set(&item, &"id".into(), &JsValue::from_str(c.id));
            let _ = Reflect::set(&item, &"title".into(), &JsValue::from_str(c.title));
            let done = JsValue::from_bool(progress.is_solved(c.id));
            let _ = Reflect::set(&item, &"solved".into(), &done);
            list.push(&item);
        }
        Ok(list.into())
    });

    api.promise("check_challenge", move |id, source| {
        let dispatch = dispatch.clone();
        async move {
            let id = id
                .as_string()
                .filter(|id| find(id).is_some())
                .ok_or_else(|| {
                    let ids: Vec<&str> = CHALLENGES.iter().map(|c| c.id).collect();
                    error(&format!("unknown challenge; use one of {}", ids.join(", ")))
                })?;
            let source = source
                .as_string()
                .ok_or_else(|| error("source must be a string of Python"))?;
            // As the panel's Check: the panel says what it found, the failing schedule goes
            // on the stage.
            let found = run_challenge(&dispatch, &id, &source, None)
                .await
                .map_err(|e| error(&e))?;
            if found.passed {
                // What the page state now says too (its next render copies it here again).
                PROGRESS.with(|p| p.borrow_mut().mark_solved(&id));
            }
            let trace = found.trace();
            let out = Object::new();
            let _ = Reflect::set(&out, &"passed".into(), &JsValue::from_bool(found.passed));
            let _ = Reflect::set(&out, &"message".into(), &JsValue::from_str(&found.message));
            let _ = Reflect::set(
                &out,
                &"schedules".into(),
                &JsValue::from_f64(found.schedules as f64),
            );
            let _ = Reflect::set(
                &out,
                &"faults".into(),
                &JsValue::from_f64(found.faults as f64),
            );
            let counterexample = trace.as_ref().map_or(JsValue::NULL, trace_to_js);
            let _ = Reflect::set(&out, &"counterexample".into(), &counterexample);
            Ok(out.into())
        }
    });
}
