//! The one transport between the page and its workers: a message in the lab's format
//! ([`crate::wire`]) goes as a byte array over a `MessagePort` or a `BroadcastChannel`, and
//! comes back through [`receiver`]. The shared Redis's tab end (`shared_redis`), its leader
//! tab (`leader_redis`) and its `SharedWorker` (`src/bin/redis_hub.rs`) all use it.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::MessageEvent;

use crate::wire::{self, Wire};

/// An `onmessage` handler; keep it as long as messages may come.
pub type OnMessage = Closure<dyn FnMut(MessageEvent)>;

/// `message` as the byte array to post.
pub fn bytes<T: Wire>(message: &T) -> js_sys::Uint8Array {
    js_sys::Uint8Array::from(wire::encode(message).as_slice())
}

/// A handler that decodes each message's bytes and gives what decoded to `receive`; bytes that
/// are not a `T` are dropped.
pub fn receiver<T: Wire + 'static>(mut receive: impl FnMut(T) + 'static) -> OnMessage {
    Closure::new(move |event: MessageEvent| {
        let bytes = js_sys::Uint8Array::new(&event.data()).to_vec();
        if let Some(message) = wire::decode::<T>(&bytes) {
            receive(message);
        }
    })
}

/// Sets `handler` as `target`'s `onmessage` (a port or a channel).
pub fn listen(target: &web_sys::EventTarget, handler: &OnMessage) {
    let _ = js_sys::Reflect::set(
        target,
        &"onmessage".into(),
        handler.as_ref().unchecked_ref(),
    );
}
