//! The lab's way to its cache: a Redis of its own (on the host, and for copies of the stores),
//! or the Redis every tab shares ([`crate::hub`]), reached by messages. Either way the lab
//! reads a keyspace synchronously (its own, or its replica of the shared one) and writes with
//! an `await`.

use std::cell::{Ref, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use crate::emulator::cli::{plan_line, sent, LineOutput, Planned};
use crate::emulator::{quote_arg, split_args, Emulator, LineError, Reply};

/// A tab's number on the shared server, from 1 in the order tabs connected.
pub type TabId = u32;

/// What [`SharedRedis::run`] gives: the replies, and the other tabs' writes the server ran
/// before the command (not yet taken).
pub type Ran = Result<(Vec<Reply>, Vec<OtherWrite>), Disconnected>;

/// A Redis this tab shares with the others, as the engine sees it: read through a replica,
/// written by messages. The hub's tab end ([`crate::hub::shared::SharedCache`]) is one; the
/// engine owns this trait so that it needs nothing from the hub.
pub trait SharedRedis: std::fmt::Debug {
    /// The replica: the server's keyspace as this tab last heard it.
    fn replica(&self) -> Ref<'_, Emulator>;
    /// How the server greeted this tab (`None` before it connected).
    fn connected(&self) -> Option<Connected>;
    /// Runs `argv` `repeat` times in a row on the server; `refuse_writes` answers writes with
    /// `OOM`. The replica has the result when it returns.
    fn run(
        &self,
        argv: Vec<Vec<u8>>,
        repeat: u32,
        refuse_writes: bool,
    ) -> Pin<Box<dyn Future<Output = Ran> + '_>>;
    /// Runs each of `commands` once, in order, as a pipeline (all sent before the first reply
    /// is awaited). Other tabs' commands may run between them, as between separate calls.
    fn run_pipelined(
        &self,
        commands: Vec<Vec<Vec<u8>>>,
        refuse_writes: bool,
    ) -> Pin<Box<dyn Future<Output = Ran> + '_>>;
    /// Other tabs' writes received since the last call, oldest first.
    fn take_other_writes(&self) -> Vec<OtherWrite>;
    /// Takes a snapshot of the replica with `f` after every write of another tab.
    fn set_snapshot(&self, f: SnapshotFn);
    /// Runs `f` after every write of another tab (to redraw the stage).
    fn on_other_write(&self, f: Box<dyn Fn()>);
}

/// The hub went away before it answered (its worker was ended).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Disconnected;

impl std::fmt::Display for Disconnected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Could not connect to Redis: the shared server is gone (reload the page).")
    }
}

impl std::error::Error for Disconnected {}

/// What the hub said when this tab connected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Connected {
    /// This tab's id on the hub.
    pub tab: TabId,
    /// The server's run id: a restarted server has another.
    pub run_id: String,
    /// The server had just started: this is the first tab, and the cache was empty.
    pub cold: bool,
    /// When the server started (Unix milliseconds).
    pub started_at_ms: i64,
}

/// Another tab's write, as this tab's replica received it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OtherWrite {
    pub from: TabId,
    /// When the server ran it (Unix milliseconds).
    pub at_ms: i64,
    /// The order in which this tab received it, among everything the hub sent it.
    pub seq: u64,
    /// What the tab's snapshot function ([`SharedRedis::set_snapshot`]) made of the replica
    /// right after this write (the stores as they were then, for a trace).
    pub snapshot: Option<Snapshot>,
    pub argv: Vec<Vec<u8>>,
    pub repeat: u32,
    /// What the server answered the other tab.
    pub reply: Reply,
}

impl OtherWrite {
    /// The command as redis-cli would echo it (`HSET product_prices product3 333`).
    pub fn line(&self) -> String {
        let line = self
            .argv
            .iter()
            .map(|a| quote_arg(a))
            .collect::<Vec<_>>()
            .join(" ");
        if self.repeat > 1 {
            format!("{} {line}", self.repeat)
        } else {
            line
        }
    }
}

/// A view of the replica taken right after another tab's write: the hash the lab shows, as
/// `(field, value)` pairs.
pub type Snapshot = Rc<Vec<(String, String)>>;

/// Makes a [`Snapshot`] of the replica (or declines, `None`).
pub type SnapshotFn = Box<dyn Fn(&Emulator) -> Option<Snapshot>>;

/// Where the lab's cache is.
pub enum CacheLink {
    /// A Redis of the lab's own: nobody else writes it.
    Own(RefCell<Emulator>),
    /// The Redis every tab shares, through this tab's connection.
    Shared(Rc<dyn SharedRedis>),
}

impl std::fmt::Debug for CacheLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CacheLink::Own(_) => f.write_str("CacheLink::Own"),
            CacheLink::Shared(s) => f.debug_tuple("CacheLink::Shared").field(s).finish(),
        }
    }
}

/// The reply a tab gets for a command in flight when the shared server went away (its worker
/// ended, or the tab that ran it closed): the tab connects to the next server on its own.
/// Runs `f` on a Redis of the tab's own, writes refused (`OOM`) if `refuse_writes`.
fn own_run(
    redis: &RefCell<Emulator>,
    refuse_writes: bool,
    f: impl FnOnce(&mut Emulator) -> Vec<Reply>,
) -> Vec<Reply> {
    let mut redis = redis.borrow_mut();
    redis.set_out_of_memory(refuse_writes);
    let replies = f(&mut redis);
    redis.set_out_of_memory(false);
    replies
}

fn gone() -> Reply {
    Reply::Error(
        b"ERR connection lost: the shared Redis restarted; send the command again".to_vec(),
    )
}

impl CacheLink {
    /// The keyspace as this tab knows it: its own, or the replica of the shared one.
    pub fn read(&self) -> Ref<'_, Emulator> {
        match self {
            CacheLink::Own(redis) => redis.borrow(),
            CacheLink::Shared(shared) => shared.replica(),
        }
    }

    /// How the shared server greeted this tab (`None` for a Redis of the lab's own).
    pub fn connected(&self) -> Option<Connected> {
        match self {
            CacheLink::Own(_) => None,
            CacheLink::Shared(shared) => shared.connected(),
        }
    }

    /// Runs `argv` `repeat` times in a row; `refuse_writes` answers writes with `OOM` (the
    /// "cache write fails" fault).
    pub async fn run(&self, argv: Vec<Vec<u8>>, repeat: u32, refuse_writes: bool) -> Vec<Reply> {
        self.run_ordered(argv, repeat, refuse_writes).await.0
    }

    /// [`CacheLink::run`], and the other tabs' writes the server ran before it (not yet taken).
    pub async fn run_ordered(
        &self,
        argv: Vec<Vec<u8>>,
        repeat: u32,
        refuse_writes: bool,
    ) -> (Vec<Reply>, Vec<OtherWrite>) {
        match self {
            CacheLink::Own(redis) => (
                own_run(redis, refuse_writes, |redis| {
                    (0..repeat.max(1)).map(|_| redis.run(&argv)).collect()
                }),
                Vec::new(),
            ),
            CacheLink::Shared(shared) => shared
                .run(argv, repeat.max(1), refuse_writes)
                .await
                .unwrap_or_else(|_| (vec![gone()], Vec::new())),
        }
    }

    /// Runs each of `commands` once, in order (on a shared server, as one pipeline): their
    /// replies, and the other tabs' writes the server ran before the last of them.
    pub async fn run_pipelined(
        &self,
        commands: Vec<Vec<Vec<u8>>>,
        refuse_writes: bool,
    ) -> (Vec<Reply>, Vec<OtherWrite>) {
        match self {
            CacheLink::Own(redis) => (
                own_run(redis, refuse_writes, |redis| {
                    commands.iter().map(|argv| redis.run(argv)).collect()
                }),
                Vec::new(),
            ),
            CacheLink::Shared(shared) => {
                let n = commands.len();
                shared
                    .run_pipelined(commands, refuse_writes)
                    .await
                    .unwrap_or_else(|_| (vec![gone(); n], Vec::new()))
            }
        }
    }

    /// Runs one command given as arguments.
    pub async fn run_one(&self, argv: Vec<Vec<u8>>, refuse_writes: bool) -> Reply {
        self.run(argv, 1, refuse_writes)
            .await
            .pop()
            .unwrap_or(Reply::Nil)
    }

    /// `execute_command(line)`: splits the line as redis-cli does and runs it.
    pub async fn execute_command(
        &self,
        line: &str,
        refuse_writes: bool,
    ) -> Result<Reply, LineError> {
        let argv = split_args(line.as_bytes()).map_err(|_| LineError::InvalidArguments)?;
        if argv.is_empty() {
            return Err(LineError::Empty);
        }
        Ok(self.run_one(argv, refuse_writes).await)
    }

    /// A console line, as redis-cli runs it (repeat counts up to `max_repeat`).
    pub async fn console_line(
        &self,
        line: &str,
        max_repeat: u64,
        refuse_writes: bool,
    ) -> LineOutput {
        match plan_line(line.as_bytes(), Some(max_repeat)) {
            Planned::Answered(out) => out,
            Planned::Send { argv, repeat } => {
                let repeat = u32::try_from(repeat).unwrap_or(u32::MAX);
                let replies = self.run(argv.clone(), repeat, refuse_writes).await;
                sent(argv, replies)
            }
        }
    }

    /// Other tabs' writes received since the last call (none for a Redis of the lab's own).
    pub fn take_other_writes(&self) -> Vec<OtherWrite> {
        match self {
            CacheLink::Own(_) => Vec::new(),
            CacheLink::Shared(shared) => shared.take_other_writes(),
        }
    }
}
