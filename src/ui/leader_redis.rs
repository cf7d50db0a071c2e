//! One Redis for all tabs where the browser has no `SharedWorker`: one tab is **elected
//! leader** with the Web Locks API and runs the [`Hub`] in its own page; the other tabs send it
//! their commands, and it answers, over a `BroadcastChannel`. When the leader's tab closes, its
//! lock passes to the next tab waiting for it, which **promotes its replica** to be the server
//! (as a Redis replica is promoted when its master goes away) and tells the others to connect
//! again. The last tab closing still ends Redis.
//!
//! Every message on the channel is an envelope: a direction byte, a tab key (`u64`, random per
//! tab), then the hub message ([`crate::hub::codec`]).
//!
//! | direction | key | meaning |
//! |---|---|---|
//! | 0 | the sender | a tab's message to the leader |
//! | 1 | the recipient | the leader's message to one tab |
//! | 2 | the tab to skip | the leader's message to every other tab (a write) |
//! | 3 | the leader | a new leader is ready: connect again |

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::{Rc, Weak};

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{BroadcastChannel, MessageEvent};

use crate::emulator::Emulator;
use crate::hub::codec::{decode_from_hub, decode_to_hub, encode_from_hub, encode_to_hub};
use crate::hub::shared::SharedCache;
use crate::hub::{rewrite, FromHub, Hub, Recipient, TabId, ToHub};

/// The channel the tabs and their leader talk on.
pub const CHANNEL: &str = "write-through-lab-redis";
/// The Web Lock the leader holds.
pub const LEADER_LOCK: &str = "write-through-lab-redis-leader";

const TO_LEADER: u8 = 0;
const TO_TAB: u8 = 1;
const TO_OTHERS: u8 = 2;
const NEW_LEADER: u8 = 3;

fn envelope(direction: u8, key: u64, payload: &[u8]) -> js_sys::Uint8Array {
    let mut bytes = Vec::with_capacity(9 + payload.len());
    bytes.push(direction);
    bytes.extend_from_slice(&key.to_le_bytes());
    bytes.extend_from_slice(payload);
    js_sys::Uint8Array::from(bytes.as_slice())
}

fn open(bytes: &[u8]) -> Option<(u8, u64, &[u8])> {
    let (&direction, rest) = bytes.split_first()?;
    let (key, payload) = rest.split_at_checked(8)?;
    Some((direction, u64::from_le_bytes(key.try_into().ok()?), payload))
}

type OnMessage = Closure<dyn FnMut(MessageEvent)>;

/// This tab's side of the leader-elected Redis.
pub struct LeaderRedis {
    pub cache: Rc<SharedCache>,
    me: u64,
    channel: BroadcastChannel,
    /// The server, while this tab is the leader.
    hub: RefCell<Option<Hub>>,
    /// The leader's tabs: key → id on the hub.
    tabs: RefCell<HashMap<u64, TabId>>,
    /// Called when a new leader took over (this tab or another).
    on_new_leader: RefCell<Option<Rc<dyn Fn()>>>,
    leading: Cell<bool>,
    _on_message: RefCell<Option<OnMessage>>,
}

impl std::fmt::Debug for LeaderRedis {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LeaderRedis")
            .field("leading", &self.leading.get())
            .finish_non_exhaustive()
    }
}

#[wasm_bindgen::prelude::wasm_bindgen(inline_js = "
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
")]
extern "C" {
    fn campaign(name: &str, on_leader: &JsValue) -> js_sys::Promise;
}

impl LeaderRedis {
    /// Joins the election and the channel; `None` without Web Locks or `BroadcastChannel`.
    /// Resolves once this tab knows whether it leads (then call [`SharedCache::connect`]).
    pub async fn join() -> Option<Rc<LeaderRedis>> {
        if !super::web_locks::WebLocks::available() {
            return None;
        }
        let channel = BroadcastChannel::new(CHANNEL).ok()?;
        let me = (js_sys::Math::random() * 9e15) as u64 + 1;
        let this = Rc::new_cyclic(|weak: &Weak<LeaderRedis>| {
            let sender = weak.clone();
            let cache = Rc::new(SharedCache::new(Box::new(move |message: ToHub| {
                if let Some(this) = sender.upgrade() {
                    this.send(message);
                }
            })));
            LeaderRedis {
                cache,
                me,
                channel,
                hub: RefCell::default(),
                tabs: RefCell::default(),
                on_new_leader: RefCell::default(),
                leading: Cell::new(false),
                _on_message: RefCell::default(),
            }
        });
        let weak = Rc::downgrade(&this);
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let bytes = js_sys::Uint8Array::new(&event.data()).to_vec();
            if let Some(this) = weak.upgrade() {
                this.on_channel(&bytes);
            }
        });
        this.channel
            .set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        *this._on_message.borrow_mut() = Some(on_message);
        let weak = Rc::downgrade(&this);
        let on_leader = Closure::<dyn FnMut()>::new(move || {
            if let Some(this) = weak.upgrade() {
                this.lead();
            }
        });
        // Resolves once this tab knows whether it leads now (if it does, it already serves).
        wasm_bindgen_futures::JsFuture::from(campaign(
            LEADER_LOCK,
            on_leader.as_ref().unchecked_ref(),
        ))
        .await
        .ok()?;
        // The election lasts as long as the page.
        on_leader.forget();
        Some(this)
    }

    /// Runs `f` each time a new leader has taken over and this tab has connected to it.
    pub fn on_new_leader(&self, f: Rc<dyn Fn()>) {
        *self.on_new_leader.borrow_mut() = Some(f);
    }

    /// This tab has the lock: it becomes the server, with its replica's keyspace if it had
    /// one (a promotion), and tells the other tabs.
    fn lead(self: &Rc<Self>) {
        let run_id = format!("{:x}", (js_sys::Math::random() * 9e15) as u64);
        let now = || js_sys::Date::now() as i64;
        let seed = (js_sys::Math::random() * 1e15) as u64;
        let promoted = self.cache.connected().is_some();
        let mut redis = Emulator::new(Box::new(now), seed);
        if promoted {
            let at = now();
            for argv in rewrite(&self.cache.replica()) {
                redis.run_at(&argv, at);
            }
        }
        let hub = if promoted {
            Hub::promoted(redis, Box::new(now), run_id)
        } else {
            Hub::new(redis, Box::new(now), run_id)
        };
        *self.hub.borrow_mut() = Some(hub);
        self.tabs.borrow_mut().clear();
        self.leading.set(true);
        let _ = self
            .channel
            .post_message(&envelope(NEW_LEADER, self.me, &[]));
        if promoted {
            self.reconnect();
        }
    }

    /// Connects this tab's cache again (to a new leader), then says so.
    fn reconnect(self: &Rc<Self>) {
        let weak = Rc::downgrade(self);
        self.cache.hub_gone(Box::new(move |message: ToHub| {
            if let Some(this) = weak.upgrade() {
                this.send(message);
            }
        }));
        let this = Rc::clone(self);
        wasm_bindgen_futures::spawn_local(async move {
            if this.cache.connect().await.is_ok() {
                let f = this.on_new_leader.borrow().clone();
                if let Some(f) = f {
                    f();
                }
            }
        });
    }

    /// A message from this tab's cache: to the hub in this page, or over the channel.
    fn send(&self, message: ToHub) {
        if self.leading.get() {
            self.serve(self.me, message);
        } else {
            let _ =
                self.channel
                    .post_message(&envelope(TO_LEADER, self.me, &encode_to_hub(&message)));
        }
    }

    fn on_channel(self: &Rc<Self>, bytes: &[u8]) {
        let Some((direction, key, payload)) = open(bytes) else {
            return;
        };
        match direction {
            TO_LEADER if self.leading.get() => {
                if let Some(message) = decode_to_hub(payload) {
                    self.serve(key, message);
                }
            }
            TO_TAB if key == self.me => {
                if let Some(message) = decode_from_hub(payload) {
                    self.cache.receive(message);
                }
            }
            TO_OTHERS if key != self.me => {
                if let Some(message) = decode_from_hub(payload) {
                    self.cache.receive(message);
                }
            }
            NEW_LEADER if !self.leading.get() => self.reconnect(),
            _ => {}
        }
    }

    /// The leader runs a tab's message on the hub and sends the answers.
    fn serve(&self, from: u64, message: ToHub) {
        let tab = self.tabs.borrow().get(&from).copied();
        let out = match self.hub.borrow_mut().as_mut() {
            Some(hub) => hub.handle(tab, message),
            None => return,
        };
        for (to, message) in out {
            if let FromHub::Welcome { tab, .. } = &message {
                self.tabs.borrow_mut().insert(from, *tab);
            }
            match to {
                Recipient::Sender if from == self.me => self.cache.receive(message),
                Recipient::Sender => {
                    let _ = self.channel.post_message(&envelope(
                        TO_TAB,
                        from,
                        &encode_from_hub(&message),
                    ));
                }
                Recipient::Others => {
                    let _ = self.channel.post_message(&envelope(
                        TO_OTHERS,
                        from,
                        &encode_from_hub(&message),
                    ));
                    if from != self.me {
                        self.cache.receive(message);
                    }
                }
            }
        }
    }
}
