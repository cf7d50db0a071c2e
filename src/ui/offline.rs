//! Works offline: in release builds the page registers the service worker (`sw.js`, written by
//! `scripts/service-worker.mjs`), hears when a new version has installed and waits, and reloads
//! into it when the learner asks. A development build (`trunk serve`) registers nothing.

use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{ServiceWorkerContainer, ServiceWorkerRegistration, ServiceWorkerState};

fn container() -> Option<ServiceWorkerContainer> {
    let navigator = web_sys::window()?.navigator();
    // Browsers without service workers (or pages not in a secure context) have none.
    js_sys::Reflect::has(&navigator, &"serviceWorker".into())
        .ok()
        .filter(|has| *has)?;
    Some(navigator.service_worker())
}

/// Whether a version already serves this page (so a newly installed one is an update).
fn controlled() -> bool {
    container().is_some_and(|c| c.controller().is_some())
}

/// Registers the service worker; `update_ready` runs when a new version is installed and
/// waiting for the page to reload.
pub fn register(update_ready: Rc<dyn Fn()>) {
    if cfg!(debug_assertions) {
        return;
    }
    let Some(container) = container() else {
        return;
    };
    let registering = container.register("./sw.js");
    wasm_bindgen_futures::spawn_local(async move {
        let Ok(registration) = JsFuture::from(registering)
            .await
            .and_then(|r| r.dyn_into::<ServiceWorkerRegistration>())
        else {
            return;
        };
        if registration.waiting().is_some() && controlled() {
            update_ready();
        }
        let watched = registration.clone();
        let on_update_found = Closure::<dyn FnMut()>::new(move || {
            let Some(worker) = watched.installing() else {
                return;
            };
            let (installing, ready) = (worker.clone(), Rc::clone(&update_ready));
            let on_state = Closure::<dyn FnMut()>::new(move || {
                if installing.state() == ServiceWorkerState::Installed && controlled() {
                    ready();
                }
            });
            worker.set_onstatechange(Some(on_state.as_ref().unchecked_ref()));
            // Lives as long as the worker it watches, which outlives nothing of the page's.
            on_state.forget();
        });
        registration.set_onupdatefound(Some(on_update_found.as_ref().unchecked_ref()));
        on_update_found.forget();
    });
}

/// Lets the waiting version take over, then reloads the page from it.
pub fn reload_into_new_version() {
    let reload = || {
        if let Some(window) = web_sys::window() {
            let _ = window.location().reload();
        }
    };
    let Some(container) = container() else {
        reload();
        return;
    };
    let on_change = Closure::<dyn FnMut()>::new(reload);
    container.set_oncontrollerchange(Some(on_change.as_ref().unchecked_ref()));
    on_change.forget();
    let getting = container.get_registration();
    wasm_bindgen_futures::spawn_local(async move {
        let waiting = JsFuture::from(getting)
            .await
            .ok()
            .and_then(|r| r.dyn_into::<ServiceWorkerRegistration>().ok())
            .and_then(|r| r.waiting());
        match waiting {
            Some(worker) => {
                let message = js_sys::Object::new();
                let _ = js_sys::Reflect::set(&message, &"type".into(), &"SKIP_WAITING".into());
                let _ = worker.post_message(&JsValue::from(message));
            }
            None => reload(),
        }
    });
}
