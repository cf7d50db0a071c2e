//! The top bar: the lab's name, what it is about, and the panels' tabs; and the notices (a new
//! version to reload into, what the learner should know), shown over the page's corner so that
//! they move nothing when they come or go.

use yew::prelude::*;

use super::tabs::Tabs;
use crate::ui::actions::LabHandle;
use crate::ui::context::use_lab_handle;
use crate::ui::offline;
use crate::ui::state::LabAction;

#[function_component(Topbar)]
pub fn topbar() -> Html {
    let Some(lab) = use_lab_handle() else {
        return Html::default();
    };
    let state = &lab.state;
    let on_tab = {
        let dispatch = state.dispatcher();
        Callback::from(move |tab| dispatch.dispatch(LabAction::Tab(tab)))
    };
    html! {
        <>
            <header class="topbar">
                <h1 class="topbar__title">{ "Write-Through Lab" }</h1>
                <p class="topbar__tagline">{ "Every price lives in a Redis cache and a database: watch each write travel, in order." }</p>
                <Tabs current={state.tab} on_select={on_tab} />
            </header>
            <div class="notices">
                if state.update_ready {
                    <div class="update-notice" role="status">
                        <span>{ "A new version is ready — reload" }</span>
                        <button type="button" class="button button--app" onclick={Callback::from(|_| offline::reload_into_new_version())}>{ "Reload" }</button>
                    </div>
                }
                if let Some(notice) = &state.notice {
                    { notice_view(&lab, notice) }
                }
            </div>
        </>
    }
}

/// One notice, which the learner can dismiss.
fn notice_view(lab: &LabHandle, notice: &str) -> Html {
    let dispatch = lab.state.dispatcher();
    let dismiss = Callback::from(move |_: MouseEvent| dispatch.dispatch(LabAction::DismissNotice));
    html! {
        <div class="lab__notice" role="status">
            <p class="lab__notice-text">{ notice.to_owned() }</p>
            <div class="lab__notice-actions">
                <button type="button" class="button button--quiet" onclick={dismiss}>{ "Dismiss" }</button>
            </div>
        </div>
    }
}
