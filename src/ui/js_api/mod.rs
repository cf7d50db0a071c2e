//! `window.lab`: the lab scripted from the browser console (and by the end-to-end tests). The
//! calls are listed, once, in the README's section "Scripting the lab from the console".
//!
//! [`learner`] holds the calls a learner makes, [`python`] the learner's Python, [`bench`] the benchmarks' hooks (built only with
//! the `bench-hooks` feature), [`convert`] the values that cross between Rust and JavaScript.
//! Each call is registered with [`Api::method`] or [`Api::promise`].

#[cfg(feature = "bench-hooks")]
mod bench;
mod convert;
mod learner;
pub mod python;

use std::future::Future;
use std::rc::Rc;

use js_sys::{Object, Promise, Reflect};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::future_to_promise;

use crate::db::app::AppDb;
use crate::engine::{Lab, Trace};

/// What the page does after a call changed the stores (re-render, show the trace).
pub type OnChange = Rc<dyn Fn(Option<Trace>)>;

/// What the page does after a call replaced every row (re-render, and tell the other tabs).
pub type OnReplaced = Rc<dyn Fn()>;

/// The `window.lab` object being built.
pub struct Api(Object);

impl Api {
    /// Adds `lab.<name>(a, b)`: a call that returns at once; an `Err` is thrown. Arguments a
    /// call does not take arrive as `undefined`.
    pub fn method(
        &self,
        name: &str,
        call: impl Fn(JsValue, JsValue) -> Result<JsValue, JsValue> + 'static,
    ) {
        let closure = Closure::<dyn Fn(JsValue, JsValue) -> Result<JsValue, JsValue>>::new(call);
        let _ = Reflect::set(&self.0, &JsValue::from_str(name), closure.as_ref());
        // `window.lab` lives as long as the page.
        closure.forget();
    }

    /// Adds `lab.<name>(a, b)`: a call that returns a Promise of what `call`'s future gives.
    pub fn promise<F>(&self, name: &str, call: impl Fn(JsValue, JsValue) -> F + 'static)
    where
        F: Future<Output = Result<JsValue, JsValue>> + 'static,
    {
        let closure = Closure::<dyn Fn(JsValue, JsValue) -> Promise>::new(move |a, b| {
            future_to_promise(call(a, b))
        });
        let _ = Reflect::set(&self.0, &JsValue::from_str(name), closure.as_ref());
        closure.forget();
    }
}

/// Installs `window.lab` over `lab`; `on_change` runs after every call that changed something,
/// `on_replaced` after one that replaced every row, `on_python` after a Python run.
pub fn install(
    lab: Rc<Lab<AppDb>>,
    on_change: OnChange,
    on_replaced: OnReplaced,
    on_python: python::OnPython,
    dispatch: &yew::UseReducerDispatcher<crate::ui::state::LabState>,
) {
    let api = Api(Object::new());
    learner::register(&api, &lab, &on_change, &on_replaced);
    python::register(&api, &lab, &on_change, &on_python);
    python::register_challenges(&api, dispatch);
    #[cfg(feature = "bench-hooks")]
    bench::register(&api);

    let Some(window) = web_sys::window() else {
        return;
    };
    let _ = Reflect::set(&window, &JsValue::from_str("lab"), &api.0);
    // When the lab could first serve calls, with the table read from IndexedDB (for the load
    // benchmark): milliseconds since navigation started.
    if let Some(performance) = window.performance() {
        let _ = Reflect::set(
            &window,
            &JsValue::from_str("labReadyMs"),
            &JsValue::from_f64(performance.now()),
        );
    }
    // Let scripts wait for the lab instead of polling for it.
    if let Ok(event) = web_sys::Event::new("lab-ready") {
        let _ = window.dispatch_event(&event);
    }
}
