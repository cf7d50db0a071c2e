//! This tab's connection to the Redis every tab shares: the `SharedWorker` that runs the hub
//! (`static/redis-hub-worker.js`, `src/bin/redis_hub.rs`), reached through its `MessagePort`.
//!
//! A server that goes away is noticed without polling: the worker holds a Web Lock named after
//! its run id for as long as it lives, and this tab asks for the same lock; the browser grants
//! it when the worker has ended. The tab then connects again (to a new, empty server) and the
//! commands that were waiting get a connection error, as a Redis client's would.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use wasm_bindgen::closure::Closure;
use web_sys::{MessagePort, SharedWorker, WorkerOptions};

use super::transport::{self, OnMessage};
use super::web_locks;
use crate::hub::shared::SharedCache;
use crate::hub::{FromHub, ToHub};

/// The worker's script, next to index.html in the build.
pub const WORKER_SCRIPT: &str = "./redis-hub-worker.js";
/// The worker's name: tabs with the same script and name share one worker.
pub const WORKER_NAME: &str = "write-through-lab-redis";
/// The Web Lock a running server holds: this prefix and its run id.
pub const LIVE_LOCK_PREFIX: &str = "write-through-lab-redis/";

type Send = Box<dyn Fn(ToHub)>;

/// The connection, and what keeps it open.
pub struct SharedRedis {
    pub cache: Rc<SharedCache>,
    link: RefCell<Option<(SharedWorker, OnMessage)>>,
}

impl std::fmt::Debug for SharedRedis {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SharedRedis")
            .field("cache", &self.cache)
            .finish_non_exhaustive()
    }
}

/// Whether this browser has `SharedWorker` (Chrome on Android, for one, has not).
pub fn available() -> bool {
    js_sys::Reflect::get(&js_sys::global(), &"SharedWorker".into()).is_ok_and(|v| v.is_function())
}

/// Opens a port to the worker (starting it if no tab has); messages that come back go to the
/// cache behind `weak`. Returns the worker, the port's handler, and how to send on it.
fn open_port(weak: Weak<SharedCache>) -> Option<(SharedWorker, OnMessage, Send)> {
    let options = WorkerOptions::new();
    options.set_name(WORKER_NAME);
    let worker = SharedWorker::new_with_worker_options(WORKER_SCRIPT, &options).ok()?;
    let port: MessagePort = worker.port();
    let sender = port.clone();
    let send: Send = Box::new(move |message| {
        let _ = sender.post_message(&transport::bytes(&message));
    });
    let on_message = transport::receiver(move |message: FromHub| {
        if let Some(cache) = weak.upgrade() {
            cache.receive(message);
        }
    });
    transport::listen(&port, &on_message);
    port.start();
    Some((worker, on_message, send))
}

/// Starts (or joins) the shared worker; `None` if the browser has none or refuses it. Call
/// [`SharedCache::connect`] on the cache next.
pub fn join() -> Option<Rc<SharedRedis>> {
    if !available() {
        return None;
    }
    let mut opened = None;
    let cache = Rc::new_cyclic(|weak: &Weak<SharedCache>| {
        opened = open_port(weak.clone());
        let send: Send = match opened.as_mut() {
            Some((_, _, send)) => std::mem::replace(send, Box::new(|_| {})),
            None => Box::new(|_| {}),
        };
        SharedCache::new(send)
    });
    let (worker, on_message, _) = opened?;
    Some(Rc::new(SharedRedis {
        cache,
        link: RefCell::new(Some((worker, on_message))),
    }))
}

impl SharedRedis {
    /// Calls `on_restart` each time the server this tab is connected to ends, after this tab
    /// has connected to the next one (which starts empty). Call once, after connecting.
    pub fn watch(self: &Rc<Self>, on_restart: Rc<dyn Fn()>) {
        let Some(run_id) = self.cache.connected().map(|c| c.run_id) else {
            return;
        };
        let this = Rc::clone(self);
        let gone = Closure::once_into_js(move || {
            wasm_bindgen_futures::spawn_local(async move {
                if this.rejoin().await {
                    this.watch(Rc::clone(&on_restart));
                    on_restart();
                }
            });
        });
        web_locks::when_granted(&format!("{LIVE_LOCK_PREFIX}{run_id}"), &gone);
    }

    /// Connects to the server again, through a new port.
    async fn rejoin(&self) -> bool {
        let Some((worker, on_message, send)) = open_port(Rc::downgrade(&self.cache)) else {
            return false;
        };
        self.cache.hub_gone(send);
        *self.link.borrow_mut() = Some((worker, on_message));
        self.cache.connect().await.is_ok()
    }
}
