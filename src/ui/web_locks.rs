//! The Web Locks API (`navigator.locks`) as the engine's [`KeyLocks`]: a lock per name, shared
//! by every tab and worker of the origin, released when its holder lets go or its page closes.

use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::engine::key_lock::{Held, KeyLocks, LockFuture};

#[wasm_bindgen(inline_js = "
export function hasLocks() {
  return !!(globalThis.navigator && navigator.locks && navigator.locks.request);
}
// Resolves with a function that releases the lock once it is held, or with null if
// `ifAvailable` and someone else holds it.
export function hold(name, ifAvailable) {
  return new Promise((resolve, reject) => {
    navigator.locks
      .request(name, { ifAvailable }, (lock) => {
        if (!lock) {
          resolve(null);
          return undefined;
        }
        return new Promise((release) => resolve(release));
      })
      .catch(reject);
  });
}
")]
extern "C" {
    #[wasm_bindgen(js_name = hasLocks)]
    fn has_locks() -> bool;
    fn hold(name: &str, if_available: bool) -> js_sys::Promise;
}

/// A held lock: released when dropped.
struct Release(js_sys::Function);

impl Drop for Release {
    fn drop(&mut self) {
        let _ = self.0.call0(&JsValue::NULL);
    }
}

/// The browser's locks.
#[derive(Debug)]
pub struct WebLocks;

impl WebLocks {
    /// Whether the browser has the Web Locks API.
    pub fn available() -> bool {
        has_locks()
    }

    /// The locks, if the browser has the Web Locks API.
    pub fn get() -> Option<Rc<WebLocks>> {
        has_locks().then(|| Rc::new(WebLocks))
    }
}

fn request(name: &str, if_available: bool) -> LockFuture {
    let promise = hold(name, if_available);
    Box::pin(async move {
        let release = JsFuture::from(promise).await.ok()?;
        let release: js_sys::Function = release.dyn_into().ok()?;
        Some(Box::new(Release(release)) as Held)
    })
}

impl KeyLocks for WebLocks {
    fn try_lock(&self, name: &str) -> LockFuture {
        request(name, true)
    }

    fn lock(&self, name: &str) -> LockFuture {
        request(name, false)
    }
}
