//! The challenges' checker: runs clients (each a deterministic process, such as a learner's
//! `update_price` called once) against copies of the two stores under every schedule of their
//! store operations and every fault of a plan, and reports the first schedule that breaks the
//! challenge's invariant, shrunk (docs/challenges.md).
//!
//! It is stateless model checking by re-execution: to reach a point of a schedule, each client
//! is run again from its start with the outcomes it already got ([`Process::resume`]), and asks
//! for its next operation. The same question always gets the same answer, so the answers are
//! remembered (`Memo`): a client is really run once per distinct history, not once per schedule.
//!
//! | module | job |
//! |---|---|
//! | this one | operations, outcomes, processes, faults, and running one schedule ([`replay`]) |
//! | [`explore`] | every schedule of two clients, seeded random ones of three, the faults of a plan, and shrinking |

pub mod explore;

use std::collections::HashMap;

use crate::emulator::cmd::{access_of, Access};
use crate::emulator::{Reply, Session};
use crate::engine::copies::Copies;
use crate::engine::schedule::{schedule_trace, Scheduled};
use crate::engine::{Trace, Writer};

/// One store operation a client asks for: the points where the checker may switch clients.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Op {
    /// A Redis command, as its argument vector.
    Redis(Vec<Vec<u8>>),
    /// Reads a database row.
    DbGet(String),
    /// Writes a database row.
    DbSet { key: String, value: String },
    /// Deletes a database row.
    DbDel(String),
}

/// Which store an operation touches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Store {
    Cache,
    Database,
}

impl Op {
    /// The store, the key (a Redis key, or a row's id) and whether it writes. Two operations
    /// commute unless they touch the same key of the same store and one of them writes; a
    /// command without a key (or unknown) is taken to touch everything in Redis.
    pub fn footprint(&self) -> (Store, Option<&[u8]>, bool) {
        match self {
            Op::Redis(argv) => {
                let writes = access_of(argv) != Some(Access::Read);
                (Store::Cache, argv.get(1).map(Vec::as_slice), writes)
            }
            Op::DbGet(key) => (Store::Database, Some(key.as_bytes()), false),
            Op::DbSet { key, .. } | Op::DbDel(key) => (Store::Database, Some(key.as_bytes()), true),
        }
    }

    /// Whether only the client that makes it can see or affect what it does, given that client's
    /// connection: `MULTI`, `DISCARD`, `UNWATCH`, and any command but `EXEC` inside a transaction
    /// (it is queued, and its reply, `QUEUED` or a refusal, depends on nothing else).
    pub fn is_local(&self, session: &Session) -> bool {
        let Op::Redis(argv) = self else {
            return false;
        };
        let name = argv
            .first()
            .map(|n| n.to_ascii_uppercase())
            .unwrap_or_default();
        if session.in_transaction() {
            name != b"EXEC"
        } else {
            matches!(name.as_slice(), b"MULTI" | b"DISCARD" | b"UNWATCH")
        }
    }

    /// Whether the two operations may give other outcomes, or leave other stores, in the other
    /// order.
    pub fn conflicts_with(&self, other: &Op) -> bool {
        let (a, b) = (self.footprint(), other.footprint());
        a.0 == b.0 && (a.2 || b.2) && (a.1.is_none() || b.1.is_none() || a.1 == b.1)
    }

    /// The operation as the learner's code would write it (`HSET product_prices product1 150`,
    /// `database['product1'] = '150'`).
    pub fn describe(&self) -> String {
        match self {
            Op::Redis(argv) => argv
                .iter()
                .map(|a| crate::emulator::quote_arg(a))
                .collect::<Vec<_>>()
                .join(" "),
            Op::DbGet(key) => format!("database[{key:?}]"),
            Op::DbSet { key, value } => format!("database[{key:?}] = {value:?}"),
            Op::DbDel(key) => format!("del database[{key:?}]"),
        }
    }
}

/// What an operation gave the client that asked for it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Outcome {
    Redis(Reply),
    /// The row read (`None`: no such row).
    Row(Option<String>),
    /// A write or delete of a row: done, or refused with this message.
    Written(Result<(), String>),
}

/// How a client's run ended.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Ended {
    /// It returned (its value as text, `None` for `None`).
    Returned(Option<String>),
    /// It raised: the exception's last line (`DatabaseError: …`).
    Raised(String),
    /// It was killed by a crash fault before this operation (its process memory is gone).
    Crashed,
    /// It was stopped (too many steps, too long, or it wanted more operations than allowed).
    Stopped(String),
}

/// What a client asks for next, run again from its start with the outcomes it already got.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Next {
    /// An operation, and the line of the client's code that asks for it (0: not known).
    Op(Op, u32),
    Ended(Ended),
}

/// A client: deterministic, so that run again with the same outcomes it asks for the same next
/// operation (a learner's Python with `random` and `time` pinned by the checker is).
pub trait Process {
    /// Runs the client from its start, giving it `got` as the outcomes of its first operations,
    /// until it asks for the operation after them (or ends).
    fn resume(&mut self, got: &[Outcome]) -> Next;
}

/// A fault the checker injects at a client's operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FaultKind {
    /// The database refuses the write (the learner's code sees `DatabaseError`).
    DatabaseWriteFails,
    /// Redis answers `OOM` to the command (only to a command that adds data).
    RedisOutOfMemory,
    /// The client's process dies before the operation: it is not made, and nothing after it.
    CrashBefore,
}

/// A fault at the `at`-th operation (0-based) of client `client`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Fault {
    pub client: usize,
    pub at: usize,
    pub kind: FaultKind,
}

/// What the checker says when the database refuses a write (the learner's code gets it as the
/// `DatabaseError`'s message).
pub fn refused(key: &str) -> String {
    format!("the database refused the write of {key} (fault injected by the checker)")
}

/// One operation as it happened in a run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    pub client: usize,
    pub op: Op,
    /// The line of the client's code that made it (0: not known).
    pub line: u32,
    pub outcome: Outcome,
    /// The fault injected at it, if any.
    pub fault: Option<FaultKind>,
}

/// A schedule run to its end: what happened, how each client ended, the stores afterwards.
pub struct Run {
    pub events: Vec<Event>,
    pub ended: Vec<Ended>,
    pub stores: Copies,
    /// Clients killed by a crash fault, how many events had happened by then, and the line of
    /// the client's code it died before (0: not known).
    pub crashes: Vec<(usize, usize, u32)>,
}

impl Run {
    /// Why a client was stopped (a limit of the learner's code), if one was.
    pub fn stopped(&self) -> Option<&str> {
        self.ended.iter().find_map(|e| match e {
            Ended::Stopped(why) => Some(why.as_str()),
            _ => None,
        })
    }

    /// What a client raised, if one did.
    pub fn raised(&self) -> Option<&str> {
        self.ended.iter().find_map(|e| match e {
            Ended::Raised(error) => Some(error.as_str()),
            _ => None,
        })
    }

    /// The run as the engine draws a race: each client a writer in order (A, B, C; a client
    /// run after the others, such as a restart's `recover()`, takes the next letter; clients past
    /// the third are all drawn as C), each operation a step with the line of the client's code
    /// that made it, a crash where it struck.
    pub fn schedule(&self) -> Vec<(Writer, Scheduled, u32)> {
        let writer = |c: usize| Writer::ALL[c.min(Writer::ALL.len() - 1)];
        let mut steps = Vec::with_capacity(self.events.len() + self.crashes.len());
        for (i, e) in self.events.iter().enumerate() {
            for &(client, _, line) in self.crashes.iter().filter(|(_, at, _)| *at == i) {
                steps.push((writer(client), Scheduled::Crash, line));
            }
            let refused = e.fault.is_some_and(|f| f != FaultKind::CrashBefore);
            let step = match &e.op {
                Op::Redis(argv) => Scheduled::Redis {
                    argv: argv.clone(),
                    refused,
                },
                Op::DbGet(key) => Scheduled::DatabaseRead { key: key.clone() },
                Op::DbSet { key, value } => Scheduled::DatabaseWrite {
                    key: key.clone(),
                    value: value.clone(),
                    refused,
                },
                Op::DbDel(key) => Scheduled::DatabaseDelete {
                    key: key.clone(),
                    refused,
                },
            };
            steps.push((writer(e.client), step, e.line));
        }
        for &(client, _, line) in self
            .crashes
            .iter()
            .filter(|(_, at, _)| *at >= self.events.len())
        {
            steps.push((writer(client), Scheduled::Crash, line));
        }
        steps
    }

    /// [`Run::schedule`] on `start` as a trace about `product`, ending with `broken`.
    pub fn trace(
        &self,
        start: Copies,
        product: &str,
        price: &str,
        broken: Option<&str>,
        calls: &[String],
    ) -> Trace {
        schedule_trace(product, price, start, &self.schedule(), broken, calls)
    }
}

/// The answers of a client's process, remembered by the outcomes it had got.
#[derive(Default)]
pub struct Memo {
    answers: HashMap<(usize, Vec<Outcome>), Next>,
    /// How many times a process was really run.
    pub runs: usize,
}

impl Memo {
    fn next(&mut self, clients: &mut [Box<dyn Process>], client: usize, got: &[Outcome]) -> Next {
        let key = (client, got.to_vec());
        if let Some(next) = self.answers.get(&key) {
            return next.clone();
        }
        self.runs += 1;
        let next = clients[client].resume(got);
        self.answers.insert(key, next.clone());
        next
    }
}

/// The most operations one client may make in a run: a client that loops on the stores is
/// stopped there.
pub const MAX_OPS_PER_CLIENT: usize = 64;

/// A client's last operation, the stores' version after it, and how many times in a row it made
/// it without it changing the stores.
type Made = (Op, (u64, usize), usize);

/// Where a run is: each client's outcomes so far and whether it ended.
struct Progress {
    got: Vec<Vec<Outcome>>,
    ended: Vec<Option<Ended>>,
    /// Each client's last operation, the stores' version after it, and how many times in a row
    /// the client made it without it changing the stores.
    last: Vec<Option<Made>>,
    /// Row writes and deletes applied so far (with Redis's keyspace generation, the stores'
    /// version: equal versions, equal stores).
    row_writes: usize,
}

impl Progress {
    fn version(&self, stores: &Copies) -> (u64, usize) {
        (stores.redis.keyspace().generation(), self.row_writes)
    }

    /// A client that asks again for a write that changed nothing (a lock loop's `SET NX` that
    /// lost), or a third time in a row for a read, on stores nothing changed since, would get the
    /// same outcome again: it only retries, so it waits while another client can make progress
    /// (a fair scheduler; otherwise such a client makes the schedules endless). A read twice in
    /// a row is still tried both ways: a client may read a key twice on purpose.
    fn retrying(&self, client: usize, op: &Op, stores: &Copies) -> bool {
        self.last[client].as_ref().is_some_and(|(last, at, times)| {
            *times >= 2 && last == op && *at == self.version(stores)
        })
    }

    /// Client `client` just made `op`; the stores were at `before` until then.
    fn made(&mut self, client: usize, op: Op, before: (u64, usize), stores: &Copies) {
        let after = self.version(stores);
        let times = match &self.last[client] {
            Some((last, at, times)) if after == before && *at == before && *last == op => times + 1,
            // A write that changed nothing (a `SET NX` that lost) is a retry from the start;
            // a read may be repeated once on purpose.
            _ if after == before && op.footprint().2 => 2,
            _ if after == before => 1,
            _ => 0,
        };
        self.last[client] = Some((op, after, times));
    }
}

/// Runs clients on `stores`, choosing the next client with `choose` (given the clients that can
/// move, in order; returning an index into that list), injecting `faults`. Returns the run.
pub fn replay(
    clients: &mut [Box<dyn Process>],
    memo: &mut Memo,
    mut stores: Copies,
    faults: &[Fault],
    mut choose: impl FnMut(&[usize]) -> usize,
) -> Run {
    let n = clients.len();
    let mut at = Progress {
        got: vec![Vec::new(); n],
        ended: vec![None; n],
        last: vec![None; n],
        row_writes: 0,
    };
    let mut events = Vec::new();
    let mut crashes = Vec::new();
    // Each client is one connection to Redis: its own MULTI queue and watched keys.
    let mut sessions = vec![Session::new(); n];
    loop {
        let (mut ready, mut retrying) = (Vec::with_capacity(n), Vec::new());
        for c in 0..n {
            if at.ended[c].is_none() {
                match memo.next(clients, c, &at.got[c]) {
                    Next::Ended(e) => at.ended[c] = Some(e),
                    Next::Op(op, _) if at.retrying(c, &op, &stores) => retrying.push(c),
                    Next::Op(..) => ready.push(c),
                }
            }
        }
        if ready.is_empty() {
            ready = retrying;
        }
        if ready.is_empty() {
            break;
        }
        // An operation no other client can see or affect (MULTI, a command queued in a
        // transaction) is not a point where switching clients matters: it is made at once.
        let local = ready.iter().copied().find(|&c| {
            matches!(memo.next(clients, c, &at.got[c]), Next::Op(op, _) if op.is_local(&sessions[c]))
        });
        let c = match local {
            Some(c) => c,
            None => ready[choose(&ready).min(ready.len() - 1)],
        };
        let Next::Op(op, line) = memo.next(clients, c, &at.got[c]) else {
            continue;
        };
        let index = at.got[c].len();
        if index >= MAX_OPS_PER_CLIENT {
            at.ended[c] = Some(Ended::Stopped(format!(
                "stopped after {MAX_OPS_PER_CLIENT} store operations (a loop that never ends?)"
            )));
            continue;
        }
        let fault = faults
            .iter()
            .find(|f| f.client == c && f.at == index)
            .map(|f| f.kind);
        if fault == Some(FaultKind::CrashBefore) {
            at.ended[c] = Some(Ended::Crashed);
            crashes.push((c, events.len(), line));
            continue;
        }
        let before = at.version(&stores);
        let (outcome, applied) = apply(&mut stores, &mut sessions[c], &op, fault);
        if matches!(outcome, Outcome::Written(Ok(()))) {
            at.row_writes += 1;
        }
        at.made(c, op.clone(), before, &stores);
        at.got[c].push(outcome.clone());
        events.push(Event {
            client: c,
            op,
            line,
            outcome,
            fault: applied,
        });
    }
    Run {
        events,
        ended: at
            .ended
            .into_iter()
            .map(|e| e.unwrap_or(Ended::Crashed))
            .collect(),
        stores,
        crashes,
    }
}

/// Applies `op` to the stores for the client whose connection is `session`, or the fault
/// planned for it if it applies to that operation. Returns the outcome and the fault that took
/// effect.
fn apply(
    stores: &mut Copies,
    session: &mut Session,
    op: &Op,
    fault: Option<FaultKind>,
) -> (Outcome, Option<FaultKind>) {
    match op {
        Op::Redis(argv) => {
            let adds = access_of(argv) == Some(Access::Write);
            if fault == Some(FaultKind::RedisOutOfMemory) && adds {
                // The server is at maxmemory for this one command, and answers as Redis would
                // (OOM; inside MULTI the command is refused and EXEC aborts; an EXEC that would
                // add data is aborted).
                stores.redis.set_out_of_memory(true);
                let reply = stores.redis.run_in(session, argv);
                stores.redis.set_out_of_memory(false);
                let struck = reply.is_error();
                return (
                    Outcome::Redis(reply),
                    struck.then_some(FaultKind::RedisOutOfMemory),
                );
            }
            (Outcome::Redis(stores.redis.run_in(session, argv)), None)
        }
        Op::DbGet(key) => (Outcome::Row(stores.rows.get(key).cloned()), None),
        Op::DbSet { key, .. } | Op::DbDel(key) if fault == Some(FaultKind::DatabaseWriteFails) => (
            Outcome::Written(Err(refused(key))),
            Some(FaultKind::DatabaseWriteFails),
        ),
        Op::DbSet { key, value } => {
            stores.rows.insert(key.clone(), value.clone());
            (Outcome::Written(Ok(())), None)
        }
        Op::DbDel(key) => {
            stores.rows.remove(key);
            (Outcome::Written(Ok(())), None)
        }
    }
}
