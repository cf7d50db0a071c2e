//! What the Challenges panel's clicks do: open a challenge (its code into the editor), check
//! the editor's code, the next hint, a solution. The I/O happens here, never in the panel or
//! the reducer.

use std::rc::Rc;

use yew::prelude::*;

use super::actions::LabHandle;
use super::python::{run_challenge, set_source};
use super::state::{LabAction, LabState};
use crate::challenges::find;
use crate::challenges::progress::ChallengeState;

impl LabHandle {
    /// Opens challenge `id` with the learner's code for it (its starter the first time) in
    /// the editor; `None` goes back to the list.
    pub fn on_challenge_open(&self) -> Callback<Option<String>> {
        let dispatch = self.state.dispatcher();
        let progress = self.state.challenges.clone();
        Callback::from(move |id: Option<String>| {
            open_challenge(&dispatch, &progress, id.as_deref());
            remember_in_url(id.as_deref());
        })
    }

    /// The Challenges panel in the lesson's place (`true`), or the lesson back.
    pub fn on_challenges_shown(&self) -> Callback<bool> {
        let dispatch = self.state.dispatcher();
        Callback::from(move |shown: bool| {
            dispatch.dispatch(LabAction::ChallengesShown(shown));
            remember_in_url(None);
        })
    }

    /// "Check": the editor's code under the open challenge's faults and races.
    pub fn on_challenge_check(&self) -> Callback<()> {
        let dispatch = self.state.dispatcher();
        let open = self.state.challenges.open.clone();
        let source = Rc::clone(&self.state.python.source);
        Callback::from(move |()| {
            let Some(id) = open.clone() else { return };
            let (dispatch, source) = (dispatch.clone(), Rc::clone(&source));
            wasm_bindgen_futures::spawn_local(async move {
                // What went wrong is in the panel's verdict.
                let _ = run_challenge(&dispatch, &id, &source, None).await;
            });
        })
    }

    /// The open challenge's next hint.
    pub fn on_challenge_hint(&self) -> Callback<()> {
        let dispatch = self.state.dispatcher();
        Callback::from(move |()| dispatch.dispatch(LabAction::ChallengeHint))
    }

    /// "Show a solution" (offered after three failed checks).
    pub fn on_challenge_solution(&self) -> Callback<()> {
        let dispatch = self.state.dispatcher();
        Callback::from(move |()| dispatch.dispatch(LabAction::ChallengeSolution))
    }

    /// Puts the open challenge's starter (`solution`: false) or solution into the editor.
    pub fn on_challenge_code(&self) -> Callback<bool> {
        let dispatch = self.state.dispatcher();
        let open = self.state.challenges.open.clone();
        Callback::from(move |solution: bool| {
            if let Some(challenge) = open.as_deref().and_then(find) {
                let code = if solution {
                    challenge.solution
                } else {
                    challenge.starter
                };
                set_source(&dispatch, Rc::from(code));
            }
        })
    }
}

/// Opens challenge `id` (from the panel or a `?challenge=` link) with the learner's code for it
/// in `progress` (its starter the first time) in the editor, the interpreter loading; `None`
/// goes back to the list.
pub fn open_challenge(
    dispatch: &UseReducerDispatcher<LabState>,
    progress: &ChallengeState,
    id: Option<&str>,
) {
    dispatch.dispatch(LabAction::ChallengeOpen(id.map(str::to_owned)));
    if let Some(source) = id.and_then(|id| progress.source_for(id)) {
        set_source(dispatch, Rc::from(source));
        super::python::load();
    }
}

/// The address names the open challenge (`?challenge=two-writers`), so that a reload or a
/// copied link opens it again; going back to the list removes it.
fn remember_in_url(id: Option<&str>) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Some(url) = window
        .location()
        .href()
        .ok()
        .and_then(|href| web_sys::Url::new(&href).ok())
    else {
        return;
    };
    match id {
        Some(id) => url.search_params().set("challenge", id),
        None => url.search_params().delete("challenge"),
    }
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url.href()));
    }
}
