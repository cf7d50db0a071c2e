//! A tab's end of the shared Redis: it sends commands to the [`super::Hub`] and waits for the
//! replies, and keeps a **replica** of the hub's keyspace that it updates from what the hub
//! sends, in the order the hub sends it (see the protocol in [`super`]).
//!
//! The transport is not here: the page gives [`SharedCache::new`] a function that posts a
//! message, and calls [`SharedCache::receive`] with every message that comes back.

use std::cell::{Cell, Ref, RefCell};
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;

use futures_channel::oneshot;

use super::{FromHub, ToHub};
use crate::emulator::{Emulator, Reply};
use crate::engine::cache_link::Ran;
pub use crate::engine::cache_link::{
    Connected, Disconnected, OtherWrite, SharedRedis, Snapshot, SnapshotFn, TabId,
};

struct Pending {
    argv: Vec<Vec<u8>>,
    repeat: u32,
    refuse_writes: bool,
    reply: oneshot::Sender<Answer>,
}

/// How many commands a pipeline sends before it waits for their replies.
pub const PIPELINE_WINDOW: usize = 256;

/// The replies to a command, and where they came in the stream of messages from the hub.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    pub replies: Vec<Reply>,
    /// Other tabs' writes with a smaller [`OtherWrite::seq`] came before this reply: the server
    /// ran them before this command.
    pub seq: u64,
}

/// A tab's connection to the shared Redis, with its replica.
pub struct SharedCache {
    replica: RefCell<Emulator>,
    send: RefCell<Box<dyn Fn(ToHub)>>,
    pending: RefCell<BTreeMap<u32, Pending>>,
    next_id: Cell<u32>,
    welcome: RefCell<Option<oneshot::Sender<Connected>>>,
    connected: RefCell<Option<Connected>>,
    /// Other tabs' writes since [`SharedCache::take_other_writes`] was last called.
    others: RefCell<Vec<OtherWrite>>,
    on_other_write: RefCell<Option<Box<dyn Fn()>>>,
    snapshot: RefCell<Option<SnapshotFn>>,
    /// How many messages the hub has sent this tab.
    received: Cell<u64>,
}

impl std::fmt::Debug for SharedCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SharedCache")
            .field("connected", &self.connected.borrow())
            .field("pending", &self.pending.borrow().len())
            .finish_non_exhaustive()
    }
}

impl SharedCache {
    /// A connection that posts its messages with `send` (call [`SharedCache::connect`] next).
    pub fn new(send: Box<dyn Fn(ToHub)>) -> Self {
        SharedCache {
            replica: RefCell::new(Emulator::new(Box::new(|| 0), 0)),
            send: RefCell::new(send),
            pending: RefCell::default(),
            next_id: Cell::new(1),
            welcome: RefCell::default(),
            connected: RefCell::default(),
            others: RefCell::default(),
            on_other_write: RefCell::default(),
            snapshot: RefCell::default(),
            received: Cell::new(0),
        }
    }

    /// Says hello and waits for the hub's keyspace.
    pub async fn connect(&self) -> Result<Connected, Disconnected> {
        let (tx, rx) = oneshot::channel();
        *self.welcome.borrow_mut() = Some(tx);
        (self.send.borrow())(ToHub::Hello);
        rx.await.map_err(|_| Disconnected)
    }

    /// Stops waiting for the hub's hello: [`SharedCache::connect`] returns `Disconnected`.
    pub fn give_up(&self) {
        self.welcome.borrow_mut().take();
    }

    /// What the hub said when this tab connected (`None` before).
    pub fn connected(&self) -> Option<Connected> {
        self.connected.borrow().clone()
    }

    /// The server this tab talked to is gone (its worker ended): every command waiting for a
    /// reply gets [`Disconnected`], as a client whose connection was reset. Connect again
    /// through `send` ([`SharedCache::connect`]); the replica is rebuilt from the new server's
    /// welcome.
    pub fn hub_gone(&self, send: Box<dyn Fn(ToHub)>) {
        self.pending.borrow_mut().clear();
        self.welcome.borrow_mut().take();
        self.connected.borrow_mut().take();
        *self.send.borrow_mut() = send;
    }

    /// Runs `argv` `repeat` times on the shared server; the replica has the result when this
    /// returns.
    pub async fn run(
        &self,
        argv: Vec<Vec<u8>>,
        repeat: u32,
        refuse_writes: bool,
    ) -> Result<Answer, Disconnected> {
        self.send_command(argv, repeat, refuse_writes)
            .await
            .map_err(|_| Disconnected)
    }

    /// Runs each of `commands` once, in order, sent [`PIPELINE_WINDOW`] at a time without
    /// waiting for replies (a pipeline: one round trip's wait per window, not one each). The replies in
    /// order, and the sequence number of the last.
    pub async fn run_pipelined(
        &self,
        commands: Vec<Vec<Vec<u8>>>,
        refuse_writes: bool,
    ) -> Result<(Vec<Reply>, u64), Disconnected> {
        let mut replies = Vec::with_capacity(commands.len());
        let mut seq = 0;
        let mut commands = commands.into_iter().peekable();
        // A window of commands at a time: sending 10,000 messages in one go would hold the
        // page's main thread for one long task; between windows it takes the replies.
        while commands.peek().is_some() {
            let waiting: Vec<_> = commands
                .by_ref()
                .take(PIPELINE_WINDOW)
                .map(|argv| self.send_command(argv, 1, refuse_writes))
                .collect();
            for rx in waiting {
                let answer = rx.await.map_err(|_| Disconnected)?;
                seq = answer.seq;
                replies.extend(answer.replies);
            }
        }
        Ok((replies, seq))
    }

    /// Sends one command; its answer comes on the receiver.
    fn send_command(
        &self,
        argv: Vec<Vec<u8>>,
        repeat: u32,
        refuse_writes: bool,
    ) -> oneshot::Receiver<Answer> {
        let id = self.next_id.get();
        self.next_id.set(id.wrapping_add(1));
        let (tx, rx) = oneshot::channel();
        self.pending.borrow_mut().insert(
            id,
            Pending {
                argv: argv.clone(),
                repeat,
                refuse_writes,
                reply: tx,
            },
        );
        (self.send.borrow())(ToHub::Command {
            id,
            argv,
            repeat,
            refuse_writes,
        });
        rx
    }

    /// A message from the hub: the replica runs what the server ran, then whoever waits for a
    /// reply gets it. Call it for every message, in the order they arrive.
    pub fn receive(&self, message: FromHub) {
        let seq = self.received.get();
        self.received.set(seq + 1);
        match message {
            FromHub::Welcome {
                tab,
                run_id,
                cold,
                started_at_ms,
                state,
            } => {
                let mut replica = Emulator::new(Box::new(|| 0), 0);
                for argv in &state {
                    replica.run_at(argv, started_at_ms.max(0));
                }
                *self.replica.borrow_mut() = replica;
                let connected = Connected {
                    tab,
                    run_id,
                    cold,
                    started_at_ms,
                };
                *self.connected.borrow_mut() = Some(connected.clone());
                if let Some(tx) = self.welcome.borrow_mut().take() {
                    let _ = tx.send(connected);
                }
            }
            FromHub::Reply {
                id,
                replies,
                wrote,
                ran,
            } => {
                let Some(pending) = self.pending.borrow_mut().remove(&id) else {
                    return;
                };
                if let Some(at_ms) = wrote {
                    if ran.is_empty() {
                        self.apply(&pending.argv, pending.repeat, pending.refuse_writes, at_ms);
                    }
                    for argv in &ran {
                        self.apply(argv, 1, pending.refuse_writes, at_ms);
                    }
                }
                let _ = pending.reply.send(Answer { replies, seq });
            }
            FromHub::Write {
                from,
                at_ms,
                argv,
                repeat,
                refuse_writes,
                reply,
            } => {
                self.apply(&argv, repeat, refuse_writes, at_ms);
                let snapshot = self
                    .snapshot
                    .borrow()
                    .as_ref()
                    .and_then(|f| f(&self.replica.borrow()));
                self.others.borrow_mut().push(OtherWrite {
                    snapshot,
                    from,
                    at_ms,
                    seq,
                    argv,
                    repeat,
                    reply,
                });
                if let Some(on_other_write) = &*self.on_other_write.borrow() {
                    on_other_write();
                }
            }
        }
    }

    fn apply(&self, argv: &[Vec<u8>], repeat: u32, refuse_writes: bool, at_ms: i64) {
        let mut replica = self.replica.borrow_mut();
        replica.set_out_of_memory(refuse_writes);
        // A replica runs what the server ran, outside any transaction: the server sends a
        // transaction's commands themselves once EXEC has run them.
        let mut session = crate::emulator::Session::new();
        for _ in 0..repeat.max(1) {
            replica.run_in_at(&mut session, argv, at_ms);
        }
        replica.set_out_of_memory(false);
    }

    /// The replica: the hub's keyspace as of the last message received.
    pub fn replica(&self) -> Ref<'_, Emulator> {
        self.replica.borrow()
    }

    /// Other tabs' writes received since the last call, oldest first.
    pub fn take_other_writes(&self) -> Vec<OtherWrite> {
        std::mem::take(&mut *self.others.borrow_mut())
    }

    /// Other tabs' writes received before message `seq` (not yet taken), oldest first.
    pub fn take_other_writes_before(&self, seq: u64) -> Vec<OtherWrite> {
        let mut others = self.others.borrow_mut();
        let n = others.iter().take_while(|w| w.seq < seq).count();
        others.drain(..n).collect()
    }

    /// Takes a snapshot of the replica with `f` after every write of another tab.
    pub fn set_snapshot(&self, f: SnapshotFn) {
        *self.snapshot.borrow_mut() = Some(f);
    }

    /// Runs `f` after every write of another tab (to redraw the stage).
    pub fn on_other_write(&self, f: Box<dyn Fn()>) {
        *self.on_other_write.borrow_mut() = Some(f);
    }
}

/// The engine's view of this tab's end ([`crate::engine::cache_link::CacheLink::Shared`]).
impl SharedRedis for SharedCache {
    fn replica(&self) -> Ref<'_, Emulator> {
        SharedCache::replica(self)
    }
    fn connected(&self) -> Option<Connected> {
        SharedCache::connected(self)
    }
    fn run(
        &self,
        argv: Vec<Vec<u8>>,
        repeat: u32,
        refuse_writes: bool,
    ) -> Pin<Box<dyn Future<Output = Ran> + '_>> {
        Box::pin(async move {
            let answer = SharedCache::run(self, argv, repeat, refuse_writes).await?;
            Ok((answer.replies, self.take_other_writes_before(answer.seq)))
        })
    }
    fn run_pipelined(
        &self,
        commands: Vec<Vec<Vec<u8>>>,
        refuse_writes: bool,
    ) -> Pin<Box<dyn Future<Output = Ran> + '_>> {
        Box::pin(async move {
            let (replies, seq) = SharedCache::run_pipelined(self, commands, refuse_writes).await?;
            Ok((replies, self.take_other_writes_before(seq)))
        })
    }
    fn take_other_writes(&self) -> Vec<OtherWrite> {
        SharedCache::take_other_writes(self)
    }
    fn set_snapshot(&self, f: SnapshotFn) {
        SharedCache::set_snapshot(self, f)
    }
    fn on_other_write(&self, f: Box<dyn Fn()>) {
        SharedCache::on_other_write(self, f)
    }
}
