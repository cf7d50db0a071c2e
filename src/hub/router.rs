//! The server's end of its connections, whatever carries them (a `SharedWorker`'s ports, or
//! the leader tab's `BroadcastChannel`): which tab each connection is, learnt from the
//! [`FromHub::Welcome`] the hub answers its `Hello` with, and the connections a write goes to.

use super::{FromHub, Hub, Recipient, TabId, ToHub};

/// A [`Hub`] and its connections, each known by a key of the transport's (a port's index, a
/// tab's random key).
pub struct Router<K> {
    hub: Hub,
    tabs: Vec<(K, TabId)>,
}

impl<K: Copy + PartialEq> Router<K> {
    pub fn new(hub: Hub) -> Self {
        Router {
            hub,
            tabs: Vec::new(),
        }
    }

    /// The server.
    pub fn hub(&self) -> &Hub {
        &self.hub
    }

    /// Runs `message`, from the connection `from`, on the hub: what to send, and to whom
    /// ([`Recipient::Others`]: every connection of [`Router::others`]).
    pub fn handle(&mut self, from: K, message: ToHub) -> Vec<(Recipient, FromHub)> {
        let tab = self.tabs.iter().find(|(k, _)| *k == from).map(|(_, t)| *t);
        let out = self.hub.handle(tab, message);
        for (_, message) in &out {
            if let FromHub::Welcome { tab, .. } = message {
                self.tabs.retain(|(k, _)| *k != from);
                self.tabs.push((from, *tab));
            }
        }
        out
    }

    /// The connections that have said hello, but `except`.
    pub fn others(&self, except: K) -> impl Iterator<Item = K> + '_ {
        self.tabs
            .iter()
            .map(|(k, _)| *k)
            .filter(move |k| *k != except)
    }
}
