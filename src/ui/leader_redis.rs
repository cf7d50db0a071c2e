//! One Redis for all tabs where the browser has no `SharedWorker`: one tab is **elected
//! leader** with the Web Locks API and runs the [`Hub`] in its own page; the other tabs send it
//! their commands, and it answers, over a `BroadcastChannel`. When the leader's tab closes, its
//! lock passes to the next tab waiting for it, which **promotes its replica** to be the server
//! (as a Redis replica is promoted when its master goes away) and tells the others to connect
//! again. The last tab closing still ends Redis.
//!
//! Every message on the channel is an [`Envelope`] (in the lab's format, [`crate::wire`]): a
//! tab's message to the leader, the leader's answer to one tab, a write for every tab but one,
//! or "a new leader is ready: connect again".

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::BroadcastChannel;

use super::transport::{self, OnMessage};
use super::web_locks;
use crate::emulator::Emulator;
use crate::hub::router::Router;
use crate::hub::shared::SharedCache;
use crate::hub::{rewrite, FromHub, Hub, Recipient, ToHub};
use crate::wire::wire_enum;

/// The channel the tabs and their leader talk on.
pub const CHANNEL: &str = "write-through-lab-redis";
/// The Web Lock the leader holds.
pub const LEADER_LOCK: &str = "write-through-lab-redis-leader";

/// A message on the channel. Every tab hears every message and keeps those for it.
#[derive(Debug)]
enum Envelope {
    /// A tab's message to the leader.
    ToLeader { from: u64, message: ToHub },
    /// The leader's answer to one tab.
    ToTab { to: u64, message: FromHub },
    /// The leader's message to every tab but `skip` (a write, which `skip` made).
    ToOthers { skip: u64, message: FromHub },
    /// A new leader is ready: connect again.
    NewLeader { leader: u64 },
}

wire_enum!(Envelope {
    0 => ToLeader { from, message },
    1 => ToTab { to, message },
    2 => ToOthers { skip, message },
    3 => NewLeader { leader },
});

/// This tab's side of the leader-elected Redis.
pub struct LeaderRedis {
    pub cache: Rc<SharedCache>,
    me: u64,
    channel: BroadcastChannel,
    /// The server and its tabs (known by their keys), while this tab is the leader.
    hub: RefCell<Option<Router<u64>>>,
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

impl LeaderRedis {
    /// Joins the election and the channel; `None` without Web Locks or `BroadcastChannel`.
    /// Resolves once this tab knows whether it leads (then call [`SharedCache::connect`]).
    pub async fn join() -> Option<Rc<LeaderRedis>> {
        if !web_locks::WebLocks::available() {
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
                on_new_leader: RefCell::default(),
                leading: Cell::new(false),
                _on_message: RefCell::default(),
            }
        });
        let weak = Rc::downgrade(&this);
        let on_message = transport::receiver(move |envelope: Envelope| {
            if let Some(this) = weak.upgrade() {
                this.on_channel(envelope);
            }
        });
        transport::listen(&this.channel, &on_message);
        *this._on_message.borrow_mut() = Some(on_message);
        let weak = Rc::downgrade(&this);
        let on_leader = Closure::<dyn FnMut()>::new(move || {
            if let Some(this) = weak.upgrade() {
                this.lead();
            }
        });
        // Resolves once this tab knows whether it leads now (if it does, it already serves).
        wasm_bindgen_futures::JsFuture::from(web_locks::campaign(
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
        *self.hub.borrow_mut() = Some(Router::new(hub));
        self.leading.set(true);
        self.post(&Envelope::NewLeader { leader: self.me });
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

    fn post(&self, envelope: &Envelope) {
        let _ = self.channel.post_message(&transport::bytes(envelope));
    }

    /// A message from this tab's cache: to the hub in this page, or over the channel.
    fn send(&self, message: ToHub) {
        if self.leading.get() {
            self.serve(self.me, message);
        } else {
            self.post(&Envelope::ToLeader {
                from: self.me,
                message,
            });
        }
    }

    fn on_channel(self: &Rc<Self>, envelope: Envelope) {
        match envelope {
            Envelope::ToLeader { from, message } if self.leading.get() => self.serve(from, message),
            Envelope::ToTab { to, message } if to == self.me => self.cache.receive(message),
            Envelope::ToOthers { skip, message } if skip != self.me => self.cache.receive(message),
            Envelope::NewLeader { .. } if !self.leading.get() => self.reconnect(),
            _ => {}
        }
    }

    /// The leader runs a tab's message on the hub and sends the answers.
    fn serve(&self, from: u64, message: ToHub) {
        let out = match self.hub.borrow_mut().as_mut() {
            Some(router) => router.handle(from, message),
            None => return,
        };
        for (to, message) in out {
            match to {
                Recipient::Sender if from == self.me => self.cache.receive(message),
                Recipient::Sender => self.post(&Envelope::ToTab { to: from, message }),
                Recipient::Others => {
                    self.post(&Envelope::ToOthers {
                        skip: from,
                        message: message.clone(),
                    });
                    if from != self.me {
                        self.cache.receive(message);
                    }
                }
            }
        }
    }
}
