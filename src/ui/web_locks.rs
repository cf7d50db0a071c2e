//! The Web Locks API (`navigator.locks`), the one place the page reaches it: the engine's
//! [`KeyLocks`] (a lock per name, shared by every tab and worker of the origin, released when its
//! holder lets go or its page closes), the leader tab's election ([`campaign`]), and waiting for
//! a holder to end ([`when_granted`]).

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
// Calls onLeader once this tab holds the lock (now, or when the leader before it has gone),
// and keeps it until the page closes. Resolves with whether it was granted at once.
export function campaign(name, onLeader) {
  return new Promise((resolve) => {
    navigator.locks.request(name, { ifAvailable: true }, (lock) => {
      if (lock) {
        resolve(true);
        onLeader();
        return new Promise(() => {});
      }
      resolve(false);
      navigator.locks.request(name, () => {
        onLeader();
        return new Promise(() => {});
      });
      return undefined;
    });
  });
}
export function whenGranted(name, callback) {
  if (hasLocks()) navigator.locks.request(name, () => { callback(); });
}
")]
extern "C" {
    #[wasm_bindgen(js_name = hasLocks)]
    fn has_locks() -> bool;
    fn hold(name: &str, if_available: bool) -> js_sys::Promise;
    /// Calls `on_leader` once this tab holds the lock `name` (now, or when its holder has gone)
    /// and keeps it as long as the page; resolves with whether it was granted at once. Needs
    /// [`WebLocks::available`].
    pub fn campaign(name: &str, on_leader: &JsValue) -> js_sys::Promise;
    /// Calls `callback` once the lock `name` is granted (once whoever holds it has ended), and
    /// lets it go at once. Does nothing without Web Locks.
    #[wasm_bindgen(js_name = whenGranted)]
    pub fn when_granted(name: &str, callback: &JsValue);
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
