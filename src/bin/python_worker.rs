//! The learner's Python in a dedicated worker: RustPython ([`write_through_lab::python`]) behind
//! one exported function, `handle(request) -> response` (bytes)
//! ([`write_through_lab::python::wire`]). `static/python-worker.js` is the worker's script: it
//! downloads this WebAssembly with a progress report, then answers the page's messages.
//!
//! A run that aborts inside the interpreter (a stack overflow, an allocation failure) ends this
//! instance, not the page; the page ends the worker and starts another on the next run. The
//! page also ends a worker that does not answer in time.

#[cfg(target_arch = "wasm32")]
mod worker {
    use wasm_bindgen::prelude::wasm_bindgen;

    fn now_ms() -> f64 {
        js_sys::Date::now()
    }

    /// Answers one request with a response (bytes, [`write_through_lab::python::wire`]).
    #[wasm_bindgen]
    pub fn handle(request: &[u8]) -> Vec<u8> {
        // A panic aborts this instance (the page starts another); its message goes to the
        // console first, so that what failed can be told.
        static HOOK: std::sync::Once = std::sync::Once::new();
        HOOK.call_once(|| {
            std::panic::set_hook(Box::new(|info| {
                web_sys::console::error_1(&format!("python worker panicked: {info}").into());
            }));
        });
        write_through_lab::python::worker::handle(request, now_ms)
    }
}

fn main() {
    // In the browser the worker's script calls `handle`; there is nothing to start. On the host
    // this binary has no use: the tests call the library.
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!("python_worker runs in the browser (Trunk builds it for the lab's page).");
}
