//! One Redis for every tab: the emulator as a server that the tabs of one browser profile reach
//! by messages, the way every application server reaches the same Redis in production.
//!
//! | module | job |
//! |---|---|
//! | this one | [`Hub`]: the server. One [`Emulator`] (the same core `minired` and the console run), the tabs connected to it, and what it tells them |
//! | [`codec`] | the messages ([`ToHub`], [`FromHub`]) as bytes, for `postMessage` ([`crate::wire`]) |
//! | [`router`] | the server's end of its connections: which tab each is, who gets each answer (the `SharedWorker` and the leader tab share it) |
//! | [`shared`] | a tab's end: [`shared::SharedCache`], its replica of the hub's keyspace, and the replies it waits for |
//!
//! ## The protocol
//!
//! A tab connects (`Hello`) and gets a [`FromHub::Welcome`]: its id, whether the server has just
//! started (an empty cache), and the server's keyspace as commands that rebuild it (`HSET` /
//! `SET` / `PEXPIREAT`, like an AOF rewrite). It then sends [`ToHub::Command`]s and gets one
//! [`FromHub::Reply`] for each.
//!
//! Every command that may have changed the keyspace is **propagated** to every other tab as a
//! [`FromHub::Write`], with the time the server ran it: this is Redis's replication. Each tab
//! keeps a replica, an [`Emulator`] that runs the same commands in the same order at the same
//! times, so it reaches the same keyspace. Time is the only input besides the commands (the
//! emulator's writes draw no random numbers), so a replica that runs `EXPIRE k 10` at the
//! server's time sets the same deadline. A tab reads its replica synchronously (the stage draws
//! the hash after every step) and writes through the hub.
//!
//! The transport delivers one tab's messages in order (a `MessagePort` does), and the hub
//! answers every message before the next, so a tab sees the writes in the server's order; the
//! reply to its own command comes after every write the server ran before it.
//!
//! A tab's "the cache refuses writes" fault travels with each of its commands: the server
//! answers *that tab's* writes as a server at `maxmemory` would (`OOM …`), and other tabs are
//! unaffected, the way a fault injected into one client's connection would be.

pub mod codec;
pub mod router;
pub mod shared;

use crate::emulator::keyspace::Value;
use crate::emulator::{Emulator, Reply, Session};

pub use crate::engine::cache_link::TabId;

/// What a tab sends to the hub.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ToHub {
    /// A tab connects and asks for the keyspace.
    Hello,
    /// Run `argv` (name first) `repeat` times in a row (the console's `3 PING`), with no other
    /// tab's command in between; `refuse_writes` is the tab's "the cache refuses writes" fault.
    Command {
        id: u32,
        argv: Vec<Vec<u8>>,
        repeat: u32,
        refuse_writes: bool,
    },
}

/// What the hub sends to a tab.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FromHub {
    /// The answer to `Hello`: the tab's id, whether the server started empty for this tab (no
    /// tab had connected before), when it started, and its keyspace as commands.
    Welcome {
        tab: TabId,
        /// The server's run id (as Redis's `INFO server` has one): a restarted server has
        /// another.
        run_id: String,
        cold: bool,
        started_at_ms: i64,
        state: Vec<Vec<Vec<u8>>>,
    },
    /// The replies to the tab's command `id`. If it may have changed the keyspace, `wrote`
    /// is the server's time when it ran: the tab runs the same command on its replica then, or,
    /// if the command was an `EXEC` that ran a transaction, the commands in `ran`.
    Reply {
        id: u32,
        replies: Vec<Reply>,
        wrote: Option<i64>,
        ran: Vec<Vec<Vec<u8>>>,
    },
    /// Another tab's command that may have changed the keyspace: run it on the replica at
    /// `at_ms`, refusing writes if the server refused them for that tab. `reply` is what the
    /// server answered (the last one, for a repeated command).
    Write {
        from: TabId,
        at_ms: i64,
        argv: Vec<Vec<u8>>,
        repeat: u32,
        refuse_writes: bool,
        reply: Reply,
    },
}

/// Where a message from the hub goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Recipient {
    /// To the tab that sent the message being answered.
    Sender,
    /// To every connected tab but the sender.
    Others,
}

/// The most times one command may be repeated in one message (the console's limit).
pub const MAX_REPEAT: u32 = 1_000;

/// The server every tab shares.
pub struct Hub {
    redis: Emulator,
    /// Each tab's connection state (its transaction, its watched keys).
    sessions: std::collections::HashMap<TabId, Session>,
    /// The tabs connected, in the order they connected.
    tabs: Vec<TabId>,
    next_tab: TabId,
    /// Whether the keyspace started empty (not a promoted replica).
    fresh: bool,
    run_id: String,
    started_at_ms: i64,
    now_ms: Box<dyn Fn() -> i64>,
}

impl std::fmt::Debug for Hub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hub")
            .field("tabs", &self.tabs)
            .field("keys", &self.redis.keyspace().len())
            .finish_non_exhaustive()
    }
}

impl Hub {
    /// A server that has just started, with an empty keyspace, reading the time from `now_ms`
    /// (the same clock `redis` reads); `run_id` tells this run from any other.
    pub fn new(redis: Emulator, now_ms: Box<dyn Fn() -> i64>, run_id: String) -> Self {
        let started_at_ms = now_ms();
        Hub {
            redis,
            sessions: std::collections::HashMap::new(),
            tabs: Vec::new(),
            next_tab: 1,
            fresh: true,
            run_id,
            started_at_ms,
            now_ms,
        }
    }

    /// A server that takes over with a replica's keyspace (`redis`), as a Redis replica is
    /// promoted when its master goes away: its first tab does not find it cold.
    pub fn promoted(redis: Emulator, now_ms: Box<dyn Fn() -> i64>, run_id: String) -> Self {
        Hub {
            fresh: false,
            ..Hub::new(redis, now_ms, run_id)
        }
    }

    /// The tabs connected, in the order they connected.
    pub fn tabs(&self) -> &[TabId] {
        &self.tabs
    }

    /// The server's emulator (for tests).
    pub fn emulator(&self) -> &Emulator {
        &self.redis
    }

    /// Forgets a tab that went away (its page closed).
    pub fn disconnect(&mut self, tab: TabId) {
        self.sessions.remove(&tab);
        self.tabs.retain(|&t| t != tab);
    }

    /// Handles one message from `tab` (`None` before it said `Hello`): the messages to send,
    /// and to whom. A `Hello` gives the tab its id in the `Welcome`.
    pub fn handle(&mut self, tab: Option<TabId>, message: ToHub) -> Vec<(Recipient, FromHub)> {
        match message {
            ToHub::Hello => vec![(Recipient::Sender, self.connect())],
            ToHub::Command {
                id,
                argv,
                repeat,
                refuse_writes,
            } => self.command(tab.unwrap_or(0), id, &argv, repeat, refuse_writes),
        }
    }

    fn connect(&mut self) -> FromHub {
        let cold = self.fresh && self.next_tab == 1;
        let tab = self.next_tab;
        self.next_tab += 1;
        self.tabs.push(tab);
        // Keys whose time has come go first, as they would before any command.
        self.redis.expire_due((self.now_ms)());
        FromHub::Welcome {
            tab,
            run_id: self.run_id.clone(),
            cold,
            started_at_ms: self.started_at_ms,
            state: rewrite(&self.redis),
        }
    }

    fn command(
        &mut self,
        tab: TabId,
        id: u32,
        argv: &[Vec<u8>],
        repeat: u32,
        refuse_writes: bool,
    ) -> Vec<(Recipient, FromHub)> {
        if argv.is_empty() {
            return vec![(
                Recipient::Sender,
                FromHub::Reply {
                    id,
                    replies: Vec::new(),
                    wrote: None,
                    ran: Vec::new(),
                },
            )];
        }
        let repeat = repeat.clamp(1, MAX_REPEAT);
        let before = self.redis.keyspace().generation();
        self.redis.set_out_of_memory(refuse_writes);
        let at_ms = (self.now_ms)();
        let mut replies = Vec::with_capacity(repeat as usize);
        let session = self.sessions.entry(tab).or_default();
        for _ in 0..repeat {
            replies.push(self.redis.run_in_at(session, argv, at_ms));
        }
        self.redis.set_out_of_memory(false);
        let wrote = (self.redis.keyspace().generation() != before).then_some(at_ms);
        let ran = session.executed().to_vec();
        let mut out = Vec::with_capacity(2);
        if let Some(at_ms) = wrote {
            if self.tabs.iter().any(|&t| t != tab) {
                // A transaction reaches the replicas as the commands EXEC ran (Redis's
                // replication wraps them in MULTI/EXEC; a replica runs one message at a time).
                let writes: Vec<(Vec<Vec<u8>>, Reply)> = match replies.last() {
                    Some(Reply::Array(each)) if !ran.is_empty() => {
                        ran.iter().cloned().zip(each.iter().cloned()).collect()
                    }
                    last => vec![(argv.to_vec(), last.cloned().unwrap_or(Reply::Nil))],
                };
                let repeat = if ran.is_empty() { repeat } else { 1 };
                for (argv, reply) in writes {
                    out.push((
                        Recipient::Others,
                        FromHub::Write {
                            from: tab,
                            at_ms,
                            argv,
                            repeat,
                            refuse_writes,
                            reply,
                        },
                    ));
                }
            }
        }
        out.push((
            Recipient::Sender,
            FromHub::Reply {
                id,
                replies,
                wrote,
                ran,
            },
        ));
        out
    }
}

/// The keyspace of `redis` as the commands that rebuild it on an empty server: `SET`,
/// `HSET` (fields in the hash's order) or `RPUSH`, then `PEXPIREAT` for a key with a deadline.
pub fn rewrite(redis: &Emulator) -> Vec<Vec<Vec<u8>>> {
    let keyspace = redis.keyspace();
    let mut commands = Vec::with_capacity(keyspace.len());
    for key in keyspace.keys() {
        match keyspace.get(key) {
            Some(Value::Str(s)) => commands.push(vec![b"SET".to_vec(), key.clone(), s.clone()]),
            Some(Value::Hash(h)) => {
                let mut argv = Vec::with_capacity(2 + 2 * h.len());
                argv.push(b"HSET".to_vec());
                argv.push(key.clone());
                for (f, v) in h {
                    argv.push(f.clone());
                    argv.push(v.clone());
                }
                commands.push(argv);
            }
            Some(Value::List(l)) => {
                let mut argv = Vec::with_capacity(2 + l.len());
                argv.push(b"RPUSH".to_vec());
                argv.push(key.clone());
                argv.extend(l.iter().cloned());
                commands.push(argv);
            }
            None => continue,
        }
        if let Some(at) = keyspace.expires_at(key) {
            commands.push(vec![
                b"PEXPIREAT".to_vec(),
                key.clone(),
                at.to_string().into_bytes(),
            ]);
        }
    }
    commands
}
