//! Entry point of the web app: mounts the Yew application, nothing else.

#[cfg(target_arch = "wasm32")]
fn main() {
    yew::Renderer::<write_through_lab::ui::App>::new().render();
}

// The app only exists in the browser; `make serve` builds it for wasm32 with Trunk.
#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!(
        "write-through-lab is a WebAssembly app: run `make serve` and open http://127.0.0.1:8080"
    );
    std::process::exit(2);
}
