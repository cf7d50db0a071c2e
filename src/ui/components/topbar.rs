//! The top bar: the lab's name, what it is about, and the panels' tabs; under it, the notices
//! (a new version to reload into, what the learner should know).

use yew::prelude::*;

use super::tabs::Tabs;
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
            if state.update_ready {
                <div class="update-notice" role="status">
                    <span>{ "A new version is ready — reload" }</span>
                    <button type="button" class="button button--app" onclick={Callback::from(|_| offline::reload_into_new_version())}>{ "Reload" }</button>
                </div>
            }
            if let Some(notice) = &state.notice {
                <p class="lab__notice" role="status">{ notice.clone() }</p>
            }
        </>
    }
}
