//! One Redis for every tab, on the host: the hub (the emulator core `minired` serves, behind a
//! message transport), tabs' connections with their replicas, and the messages as bytes. The
//! "network" here is a queue the test pumps: it delivers messages in the order they were sent,
//! as a `MessagePort` does, so every interleaving of two tabs can be written down.
#![cfg(not(target_arch = "wasm32"))]

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use write_through_lab::emulator::{split_args, Emulator, Reply};
use write_through_lab::hub::router::Router;
use write_through_lab::hub::shared::SharedCache;
use write_through_lab::hub::{rewrite, FromHub, Hub, Recipient, ToHub};
use write_through_lab::wire;

/// Messages from tab `i` to the hub, in the order sent.
type Uplink = Rc<RefCell<VecDeque<(usize, Vec<u8>)>>>;

/// The hub, the tabs connected to it, and the messages on their way (as bytes).
struct Net {
    /// The hub, with tab `i`'s connection known by `i` (the SharedWorker's and the leader
    /// tab's router).
    hub: RefCell<Router<usize>>,
    clock: Rc<Cell<i64>>,
    tabs: RefCell<Vec<Rc<SharedCache>>>,
    up: Uplink,
}

impl Net {
    fn new() -> Net {
        let clock = Rc::new(Cell::new(1_700_000_000_000));
        let (c1, c2) = (Rc::clone(&clock), Rc::clone(&clock));
        Net {
            hub: RefCell::new(Router::new(Hub::new(
                Emulator::new(Box::new(move || c1.get()), 7),
                Box::new(move || c2.get()),
                "run-1".to_owned(),
            ))),
            clock,
            tabs: RefCell::default(),
            up: Rc::default(),
        }
    }

    /// Opens a tab and connects it.
    fn open_tab(&self) -> usize {
        let index = self.tabs.borrow().len();
        let up = Rc::clone(&self.up);
        let cache = Rc::new(SharedCache::new(Box::new(move |m: ToHub| {
            up.borrow_mut().push_back((index, wire::encode(&m)));
        })));
        self.tabs.borrow_mut().push(Rc::clone(&cache));
        self.drive(cache.connect()).unwrap();
        index
    }

    fn tab(&self, i: usize) -> Rc<SharedCache> {
        Rc::clone(&self.tabs.borrow()[i])
    }

    /// Delivers every message on its way, through the codec both ways.
    fn pump(&self) {
        loop {
            let Some((from, bytes)) = self.up.borrow_mut().pop_front() else {
                return;
            };
            let message = wire::decode::<ToHub>(&bytes).expect("a tab's message decodes");
            let out = self.hub.borrow_mut().handle(from, message);
            for (to, message) in out {
                let bytes = wire::encode(&message);
                let decoded = wire::decode::<FromHub>(&bytes).expect("the hub's message decodes");
                assert_eq!(decoded, message, "the codec keeps every message");
                let to: Vec<usize> = match to {
                    Recipient::Sender => vec![from],
                    Recipient::Others => self.hub.borrow().others(from).collect(),
                };
                let tabs = self.tabs.borrow().clone();
                for i in to {
                    tabs[i].receive(decoded.clone());
                }
            }
        }
    }

    /// Polls `future` (which sends), delivers the messages, and polls it again: it must be done.
    fn drive<F: Future>(&self, future: F) -> F::Output {
        let mut future = Box::pin(future);
        let mut cx = Context::from_waker(Waker::noop());
        if let Poll::Ready(v) = Pin::as_mut(&mut future).poll(&mut cx) {
            return v;
        }
        self.pump();
        match Pin::as_mut(&mut future).poll(&mut cx) {
            Poll::Ready(v) => v,
            Poll::Pending => panic!("no answer came back"),
        }
    }

    /// Runs `line` from tab `i`; the replies.
    fn run(&self, i: usize, line: &str) -> Vec<Reply> {
        let argv = split_args(line.as_bytes()).unwrap();
        self.drive(self.tab(i).run(argv, 1, false)).unwrap().replies
    }

    fn assert_replicas_agree(&self) {
        let hub = rewrite(self.hub.borrow().hub().emulator());
        for (i, tab) in self.tabs.borrow().iter().enumerate() {
            assert_eq!(
                rewrite(&tab.replica()),
                hub,
                "tab {i}'s replica is the hub's keyspace"
            );
        }
    }
}

fn bulk(s: &str) -> Reply {
    Reply::Bulk(s.as_bytes().to_vec())
}

#[test]
fn a_command_goes_in_and_its_reply_comes_out() {
    let net = Net::new();
    let a = net.open_tab();
    assert_eq!(
        net.run(a, "HSET product_prices product1 100"),
        [Reply::Integer(1)]
    );
    assert_eq!(net.run(a, "HGET product_prices product1"), [bulk("100")]);
    assert_eq!(
        net.run(a, "HGET product_prices"),
        [Reply::Error(
            b"ERR wrong number of arguments for 'hget' command".to_vec()
        )]
    );
    assert_eq!(net.run(a, "PING"), [Reply::Status("PONG")]);
}

#[test]
fn the_first_tab_finds_a_cold_server_and_later_tabs_find_its_keys() {
    let net = Net::new();
    let a = net.open_tab();
    assert_eq!(net.tab(a).connected().map(|c| c.cold), Some(true));
    assert_eq!(net.tab(a).connected().unwrap().run_id, "run-1");
    net.run(a, "HSET product_prices product1 100 product2 200");
    let b = net.open_tab();
    let welcome = net.tab(b).connected().unwrap();
    assert!(!welcome.cold, "the server was already running");
    assert_eq!(net.run(b, "HGETALL product_prices").len(), 1);
    net.assert_replicas_agree();
}

#[test]
fn a_write_from_one_tab_reaches_every_other_tab_and_a_read_does_not() {
    let net = Net::new();
    let (a, b, c) = (net.open_tab(), net.open_tab(), net.open_tab());
    net.run(a, "HSET product_prices product3 333");
    for tab in [b, c] {
        let writes = net.tab(tab).take_other_writes();
        assert_eq!(writes.len(), 1);
        assert_eq!(writes[0].line(), "HSET product_prices product3 333");
        assert_eq!(writes[0].reply, Reply::Integer(1));
    }
    assert!(
        net.tab(a).take_other_writes().is_empty(),
        "a tab is not told its own write"
    );
    net.run(b, "HGET product_prices product3");
    assert!(
        net.tab(a).take_other_writes().is_empty(),
        "reads are not propagated"
    );
    net.assert_replicas_agree();
}

#[test]
fn two_tabs_interleaved_see_the_writes_in_the_servers_order() {
    let net = Net::new();
    let (a, b) = (net.open_tab(), net.open_tab());
    // Both send before either hears back: the hub runs A's, then B's.
    let (ta, tb) = (net.tab(a), net.tab(b));
    let mut fa = Box::pin(ta.run(split_args(b"HSET p x 1").unwrap(), 1, false));
    let mut fb = Box::pin(tb.run(split_args(b"HSET p x 2").unwrap(), 1, false));
    let mut cx = Context::from_waker(Waker::noop());
    assert!(Pin::as_mut(&mut fa).poll(&mut cx).is_pending());
    assert!(Pin::as_mut(&mut fb).poll(&mut cx).is_pending());
    net.pump();
    assert!(Pin::as_mut(&mut fa).poll(&mut cx).is_ready());
    assert!(Pin::as_mut(&mut fb).poll(&mut cx).is_ready());
    for tab in [&ta, &tb] {
        assert_eq!(
            tab.replica().keyspace().get(b"p"),
            net.hub.borrow().hub().emulator().keyspace().get(b"p")
        );
    }
    assert_eq!(net.run(a, "HGET p x"), [bulk("2")]);
    net.assert_replicas_agree();
}

#[test]
fn replicas_keep_the_servers_deadlines_and_orders_through_every_kind_of_write() {
    let net = Net::new();
    let (a, b) = (net.open_tab(), net.open_tab());
    let script = [
        (a, "HSET h f1 1 f2 2 f3 3"),
        (b, "HDEL h f1"),
        (a, "HSET h f1 9"),
        (b, "HINCRBYFLOAT h f2 0.1"),
        (a, "SET s hello EX 10"),
        (b, "EXPIRE h 100"),
        (a, "APPEND s !"),
        (b, "RENAME s t"),
        (a, "MSET m1 1 m2 2"),
        (b, "INCRBY m1 41"),
        (a, "PERSIST h"),
        (b, "SETEX short 1 x"),
    ];
    for (tab, line) in script {
        net.clock.set(net.clock.get() + 250);
        net.run(tab, line);
        net.assert_replicas_agree();
    }
    // `short` expires on the server when time has passed and a command runs; the replicas run
    // that command at the same time and drop it too.
    net.clock.set(net.clock.get() + 2_000);
    net.run(a, "DEL nothing");
    assert!(!net
        .hub
        .borrow()
        .hub()
        .emulator()
        .keyspace()
        .contains(b"short"));
    net.assert_replicas_agree();
    // A tab connecting now rebuilds the same keyspace, deadlines included.
    let c = net.open_tab();
    assert_eq!(
        net.tab(c).replica().keyspace().expires_at(b"t"),
        net.hub
            .borrow()
            .hub()
            .emulator()
            .keyspace()
            .expires_at(b"t")
    );
    net.run(b, "FLUSHALL");
    net.assert_replicas_agree();
    assert!(net.tab(c).replica().keyspace().is_empty());
}

#[test]
fn a_tab_whose_cache_refuses_writes_gets_oom_and_no_replica_diverges() {
    let net = Net::new();
    let (a, b) = (net.open_tab(), net.open_tab());
    net.run(a, "HSET product_prices product1 100");
    let argv = split_args(b"HSET product_prices product1 150").unwrap();
    let replies = net.drive(net.tab(a).run(argv, 1, true)).unwrap().replies;
    assert!(
        matches!(&replies[0], Reply::Error(e) if e.starts_with(b"OOM command not allowed")),
        "{replies:?}"
    );
    // Only that tab's writes are refused.
    assert_eq!(
        net.run(b, "HSET product_prices product1 160"),
        [Reply::Integer(0)]
    );
    // A delete still works under the fault, and is propagated as such.
    let argv = split_args(b"HDEL product_prices product1").unwrap();
    assert_eq!(
        net.drive(net.tab(a).run(argv, 1, true)).unwrap().replies,
        [Reply::Integer(1)]
    );
    net.assert_replicas_agree();
}

#[test]
fn a_repeated_command_runs_as_one_unit_on_every_replica() {
    let net = Net::new();
    let (a, b) = (net.open_tab(), net.open_tab());
    let argv = split_args(b"INCR n").unwrap();
    let replies = net.drive(net.tab(a).run(argv, 3, false)).unwrap().replies;
    assert_eq!(replies, [1, 2, 3].map(Reply::Integer));
    let writes = net.tab(b).take_other_writes();
    assert_eq!(writes[0].line(), "3 INCR n");
    net.assert_replicas_agree();
}

#[test]
fn malformed_messages_decode_to_nothing() {
    let good = wire::encode(&ToHub::Command {
        id: 1,
        argv: vec![b"PING".to_vec()],
        repeat: 1,
        refuse_writes: false,
    });
    for cut in 0..good.len() {
        assert_eq!(wire::decode::<ToHub>(&good[..cut]), None, "cut at {cut}");
    }
    let mut long = good.clone();
    long.push(0);
    assert_eq!(wire::decode::<ToHub>(&long), None, "trailing bytes");
    assert_eq!(wire::decode::<ToHub>(&[9]), None, "unknown tag");
    // A count of four billion arguments in a six-byte message.
    assert_eq!(
        wire::decode::<ToHub>(&[1, 0, 0, 0, 0, 255, 255, 255, 255]),
        None
    );
    let reply = wire::encode(&FromHub::Reply {
        id: 2,
        replies: vec![Reply::Array(vec![
            Reply::Nil,
            bulk("x"),
            Reply::Integer(-5),
        ])],
        wrote: Some(42),
        ran: vec![vec![b"HSET".to_vec(), b"h".to_vec()]],
    });
    for cut in 0..reply.len() {
        assert_eq!(wire::decode::<FromHub>(&reply[..cut]), None, "cut at {cut}");
    }
}

// ---- Two labs (two tabs) on one hub and one database ----

use write_through_lab::db::{Database, DbError, MemoryDb, PriceWrite, ProductRecord};
use write_through_lab::engine::trace::OperationKind;
use write_through_lab::engine::{Lab, StepKind};

/// One database both tabs open (IndexedDB is one per browser profile).
#[derive(Clone, Default)]
struct SharedDb(Rc<MemoryDb>);

impl Database for SharedDb {
    async fn get(&self, id: &str) -> Result<Option<ProductRecord>, DbError> {
        self.0.get(id).await
    }
    async fn all(&self) -> Result<Vec<ProductRecord>, DbError> {
        self.0.all().await
    }
    async fn put_price(&self, write: PriceWrite) -> Result<ProductRecord, DbError> {
        self.0.put_price(write).await
    }
    async fn delete(&self, id: &str) -> Result<bool, DbError> {
        self.0.delete(id).await
    }
    async fn clear(&self) -> Result<(), DbError> {
        self.0.clear().await
    }
    async fn replace_all(&self, rows: &[ProductRecord]) -> Result<(), DbError> {
        self.0.replace_all(rows).await
    }
}

impl Net {
    /// A lab in a new tab, on the hub and on `db`; started (the warm-up trace, if it warmed).
    fn open_lab(&self, db: &SharedDb) -> (Lab<SharedDb>, Option<write_through_lab::engine::Trace>) {
        let tab = self.open_tab();
        let clock = Rc::clone(&self.clock);
        let lab = Lab::shared(
            self.tab(tab),
            db.clone(),
            Box::new(move || clock.get() as f64),
        );
        let warm = self.finish(lab.start()).unwrap();
        (lab, warm)
    }

    /// Polls `future` and delivers messages until it is done.
    fn finish<F: Future>(&self, future: F) -> F::Output {
        let mut future = Box::pin(future);
        let mut cx = Context::from_waker(Waker::noop());
        for _ in 0..1_000 {
            if let Poll::Ready(v) = Pin::as_mut(&mut future).poll(&mut cx) {
                return v;
            }
            self.pump();
        }
        panic!("the future never finished");
    }
}

fn seeded_db() -> SharedDb {
    let db = SharedDb::default();
    let Poll::Ready(Ok(())) = Box::pin(db.reset(0.0))
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    else {
        panic!("the in-memory database answers at once")
    };
    db
}

fn price_in(table: &[(String, String)], product: &str) -> Option<String> {
    table
        .iter()
        .find(|(k, _)| k == product)
        .map(|(_, v)| v.clone())
}

#[test]
fn the_first_tab_warms_the_empty_cache_as_a_trace_and_the_next_tab_does_not() {
    let net = Net::new();
    let db = seeded_db();
    let (a, warm) = net.open_lab(&db);
    let warm = warm.expect("Redis started empty: the first tab warms it");
    assert_eq!(warm.operation, OperationKind::WarmUp);
    assert_eq!(
        warm.steps.iter().map(|s| s.kind).collect::<Vec<_>>(),
        [
            StepKind::CacheRead,
            StepKind::DatabaseRead,
            StepKind::CacheWrite,
            StepKind::CacheWrite,
            StepKind::Done
        ]
    );
    assert_eq!(
        warm.steps[3].action,
        "RENAMENX product_prices:warm-up product_prices"
    );
    assert!(warm.steps[0]
        .narration
        .contains("Redis started with an empty cache"));
    assert_eq!(
        price_in(&a.stores().cache(), "product2").as_deref(),
        Some("200")
    );
    let (b, warm) = net.open_lab(&db);
    assert!(
        warm.is_none(),
        "a later tab finds the cache as the others left it"
    );
    assert_eq!(b.stores().cache(), a.stores().cache());
    net.assert_replicas_agree();
}

#[test]
fn a_write_through_update_in_one_tab_leaves_no_stale_cache_in_another() {
    let net = Net::new();
    let db = seeded_db();
    let (a, _) = net.open_lab(&db);
    let (b, _) = net.open_lab(&db);
    let trace = net.finish(a.update_price("product3", "333"));
    assert!(trace.steps.last().unwrap().consistency.in_step);
    // B's cache is the same Redis: it has the new price at once.
    assert_eq!(
        price_in(&b.stores().cache(), "product3").as_deref(),
        Some("333")
    );
    // B hears of the database row from A's tab (the page's BroadcastChannel), and agrees.
    let record = net.finish(db.get("product3")).unwrap().unwrap();
    b.other_tab_wrote(record);
    assert_eq!(
        price_in(&b.stores().database(), "product3").as_deref(),
        Some("333")
    );
    assert!(
        b.stores().consistency().in_step,
        "{:?}",
        b.stores().consistency()
    );
}

#[test]
fn a_trace_shows_another_tabs_cache_write_where_the_server_ran_it() {
    let net = Net::new();
    let db = seeded_db();
    let (a, _) = net.open_lab(&db);
    let (b, _) = net.open_lab(&db);
    let mut cx = Context::from_waker(Waker::noop());
    // A's update writes the database (at once, in memory) and sends its HSET; then B's HSET of
    // the same product goes out: the server runs A's, then B's.
    let mut update = Box::pin(a.update_price("product3", "333"));
    assert!(Pin::as_mut(&mut update).poll(&mut cx).is_pending());
    let mut other = Box::pin(b.execute_command("HSET product_prices product3 999"));
    assert!(Pin::as_mut(&mut other).poll(&mut cx).is_pending());
    net.pump();
    let Poll::Ready(trace) = Pin::as_mut(&mut update).poll(&mut cx) else {
        panic!("A's update is answered")
    };
    let kinds: Vec<_> = trace.steps.iter().map(|s| s.kind).collect();
    assert_eq!(
        kinds,
        [
            StepKind::Validate,
            StepKind::DatabaseWrite,
            StepKind::BuildCommand,
            StepKind::CacheWrite,
            StepKind::OtherTab,
            StepKind::Done
        ]
    );
    let other_step = &trace.steps[4];
    assert_eq!(other_step.action, "HSET product_prices product3 999");
    // The badge tells the truth about the shared stores: B's cache write left them apart.
    assert!(!trace.steps.last().unwrap().consistency.in_step);
    assert_eq!(
        price_in(&a.stores().cache(), "product3").as_deref(),
        Some("999")
    );
}

#[test]
fn another_tabs_write_that_the_server_ran_first_comes_before_this_tabs_step() {
    let net = Net::new();
    let db = seeded_db();
    let (a, _) = net.open_lab(&db);
    let (b, _) = net.open_lab(&db);
    let mut cx = Context::from_waker(Waker::noop());
    let mut other = Box::pin(b.execute_command("HSET product_prices product3 999"));
    assert!(Pin::as_mut(&mut other).poll(&mut cx).is_pending());
    let mut update = Box::pin(a.update_price("product3", "333"));
    assert!(Pin::as_mut(&mut update).poll(&mut cx).is_pending());
    net.pump();
    let Poll::Ready(trace) = Pin::as_mut(&mut update).poll(&mut cx) else {
        panic!("A's update is answered")
    };
    let kinds: Vec<_> = trace.steps.iter().map(|s| s.kind).collect();
    assert_eq!(kinds[3], StepKind::OtherTab, "{kinds:?}");
    assert_eq!(kinds[4], StepKind::CacheWrite, "{kinds:?}");
    // Each step shows the hash as it was then: B's price, then A's over it.
    assert_eq!(
        price_in(&trace.steps[3].cache, "product3").as_deref(),
        Some("999")
    );
    assert_eq!(
        price_in(&trace.steps[4].cache, "product3").as_deref(),
        Some("333")
    );
}

// ---- Per-key ordering across tabs ----

use std::collections::HashSet;
use write_through_lab::engine::key_lock::{Held, KeyLocks, LockFuture};

/// Locks shared by the tabs, in memory: what the Web Locks API is to the page.
#[derive(Default)]
struct MemLocks(Rc<RefCell<HashSet<String>>>);

struct Guard(Rc<RefCell<HashSet<String>>>, String);

impl Drop for Guard {
    fn drop(&mut self) {
        self.0.borrow_mut().remove(&self.1);
    }
}

impl KeyLocks for MemLocks {
    fn try_lock(&self, name: &str) -> LockFuture {
        let (held, name) = (Rc::clone(&self.0), name.to_owned());
        Box::pin(async move {
            let taken = held.borrow_mut().insert(name.clone());
            taken.then(|| Box::new(Guard(held, name)) as Held)
        })
    }
    fn lock(&self, name: &str) -> LockFuture {
        let (held, name) = (Rc::clone(&self.0), name.to_owned());
        Box::pin(std::future::poll_fn(move |_| {
            if held.borrow_mut().insert(name.clone()) {
                Poll::Ready(Some(Box::new(Guard(Rc::clone(&held), name.clone())) as Held))
            } else {
                Poll::Pending
            }
        }))
    }
}

impl Net {
    /// Delivers only the messages tab `from` has sent so far.
    fn pump_from(&self, from: usize) {
        let (mine, rest): (VecDeque<_>, VecDeque<_>) = self
            .up
            .borrow_mut()
            .drain(..)
            .partition(|(i, _)| *i == from);
        *self.up.borrow_mut() = mine;
        self.pump();
        *self.up.borrow_mut() = rest;
    }
}

/// Two tabs update product3 at once; tab B's cache write reaches Redis before tab A's.
fn crossed_updates(ordering: bool) -> (Lab<SharedDb>, Lab<SharedDb>, Vec<StepKind>) {
    let net = Net::new();
    let db = seeded_db();
    let locks = Rc::new(MemLocks::default());
    let (a, _) = net.open_lab(&db);
    let (b, _) = net.open_lab(&db);
    for lab in [&a, &b] {
        lab.set_key_locks(Rc::new(MemLocks(Rc::clone(&locks.0))));
        lab.set_per_key_ordering(ordering);
    }
    let mut cx = Context::from_waker(Waker::noop());
    let mut ua = Box::pin(a.update_price("product3", "301"));
    let mut ub = Box::pin(b.update_price("product3", "302"));
    assert!(Pin::as_mut(&mut ua).poll(&mut cx).is_pending());
    assert!(Pin::as_mut(&mut ub).poll(&mut cx).is_pending());
    net.pump_from(1);
    let mut b_trace = match Pin::as_mut(&mut ub).poll(&mut cx) {
        Poll::Ready(t) => Some(t),
        Poll::Pending => None,
    };
    net.pump();
    let mut a_done = false;
    for _ in 0..100 {
        if !a_done {
            a_done = Pin::as_mut(&mut ua).poll(&mut cx).is_ready();
        }
        if b_trace.is_none() {
            if let Poll::Ready(t) = Pin::as_mut(&mut ub).poll(&mut cx) {
                b_trace = Some(t);
            }
        }
        net.pump();
    }
    drop(ua);
    let kinds = b_trace
        .expect("B finished")
        .steps
        .iter()
        .map(|s| s.kind)
        .collect();
    drop(ub);
    for lab in [&a, &b] {
        net.finish(lab.refresh()).unwrap();
    }
    (a, b, kinds)
}

#[test]
fn without_per_key_ordering_two_tabs_can_leave_the_cache_stale_and_the_badge_says_so() {
    let (a, b, _) = crossed_updates(false);
    assert_eq!(
        price_in(&a.stores().database(), "product3").as_deref(),
        Some("302")
    );
    assert_eq!(
        price_in(&a.stores().cache(), "product3").as_deref(),
        Some("301")
    );
    for lab in [&a, &b] {
        assert!(
            !lab.stores().consistency().in_step,
            "the badge tells the truth"
        );
    }
}

#[test]
fn with_per_key_ordering_the_second_tab_waits_and_the_stores_agree() {
    let (a, b, b_kinds) = crossed_updates(true);
    assert!(
        b_kinds.iter().filter(|k| **k == StepKind::Wait).count() >= 2,
        "{b_kinds:?}"
    );
    for lab in [&a, &b] {
        assert_eq!(lab.stores().cache(), lab.stores().database());
        assert!(lab.stores().consistency().in_step);
    }
}

#[test]
fn a_warm_up_never_puts_its_older_copy_over_a_price_another_tab_wrote_meanwhile() {
    let net = Net::new();
    let db = seeded_db();
    // Tab A connects first: Redis is cold, so A will warm it.
    let a_tab = net.open_tab();
    let clock = Rc::clone(&net.clock);
    let a = Lab::shared(
        net.tab(a_tab),
        db.clone(),
        Box::new(move || clock.get() as f64),
    );
    let mut cx = Context::from_waker(Waker::noop());
    let mut warming = Box::pin(a.start());
    assert!(
        Pin::as_mut(&mut warming).poll(&mut cx).is_pending(),
        "A sent EXISTS"
    );
    net.pump();
    assert!(
        Pin::as_mut(&mut warming).poll(&mut cx).is_pending(),
        "A sent its HMSET"
    );
    // Meanwhile tab B writes product3 through (database, then cache).
    let (b, _) = net.open_lab(&db);
    let trace = net.finish(b.update_price("product3", "333"));
    assert!(trace.steps.last().unwrap().consistency.in_step);
    let warm = net.finish(warming).unwrap().expect("A warmed");
    let kinds: Vec<_> = warm.steps.iter().map(|s| s.action.as_str()).collect();
    assert!(kinds.contains(&"DEL product_prices:warm-up"), "{kinds:?}");
    // The newer price stays; the rest are misses, not stale prices.
    assert_eq!(
        price_in(&a.stores().cache(), "product3").as_deref(),
        Some("333")
    );
    assert_eq!(price_in(&a.stores().cache(), "product1"), None);
    // A hears of B's row (the page's BroadcastChannel): the stores agree.
    a.other_tab_wrote(net.finish(db.get("product3")).unwrap().unwrap());
    assert!(a.stores().consistency().in_step);
    assert!(!net
        .hub
        .borrow()
        .hub()
        .emulator()
        .keyspace()
        .contains(b"product_prices:warm-up"));
}

#[test]
fn a_committed_row_is_told_before_the_cache_write_so_other_tabs_see_the_writes_in_order() {
    let net = Rc::new(Net::new());
    let db = seeded_db();
    let (a, _) = net.open_lab(&db);
    // Each row told, and the cached price at that moment.
    type Told = Vec<(String, Option<Vec<u8>>)>;
    let told: Rc<RefCell<Told>> = Rc::default();
    let (seen, hub_net) = (Rc::clone(&told), Rc::clone(&net));
    a.stores().set_on_commit(Box::new(move |record| {
        // What the shared cache holds for the product at the moment the row is told.
        let cached = match hub_net
            .hub
            .borrow()
            .hub()
            .emulator()
            .keyspace()
            .get(b"product_prices")
        {
            Some(write_through_lab::emulator::Value::Hash(h)) => {
                h.get(record.id.as_bytes()).cloned()
            }
            _ => None,
        };
        seen.borrow_mut()
            .push((format!("{}={}", record.id, record.price), cached));
    }));
    net.finish(a.update_price("product3", "333"));
    assert_eq!(
        *told.borrow(),
        [("product3=333".to_owned(), Some(b"300".to_vec()))],
        "told once, while the cache still had the old price"
    );
}

/// Each tab is one connection: its MULTI queues only its own commands, its WATCH sees another
/// tab's write, and a transaction reaches the other tabs' replicas as the commands EXEC ran.
#[test]
fn each_tab_has_its_own_transaction_and_the_replicas_get_what_exec_ran() {
    let net = Net::new();
    let (a, b) = (net.open_tab(), net.open_tab());
    net.run(a, "HSET product_prices product1 100");
    assert_eq!(net.run(a, "WATCH product_prices"), [Reply::ok()]);
    assert_eq!(net.run(a, "MULTI"), [Reply::ok()]);
    assert_eq!(
        net.run(a, "HSET product_prices product1 150"),
        [Reply::Status("QUEUED")]
    );
    // B is not in A's transaction: its write runs at once, and spoils A's WATCH.
    assert_eq!(
        net.run(b, "HSET product_prices product1 120"),
        [Reply::Integer(0)]
    );
    assert_eq!(net.run(a, "EXEC"), [Reply::NilArray]);
    assert_eq!(net.run(b, "HGET product_prices product1"), [bulk("120")]);
    net.tab(b).take_other_writes();

    net.run(a, "MULTI");
    net.run(a, "HSET product_prices product1 150");
    net.run(a, "HGET product_prices product1");
    net.run(a, "HINCRBY product_prices product2 5");
    assert_eq!(
        net.run(a, "EXEC"),
        [Reply::Array(vec![
            Reply::Integer(0),
            bulk("150"),
            Reply::Integer(5)
        ])]
    );
    let told: Vec<String> = net
        .tab(b)
        .take_other_writes()
        .iter()
        .map(|w| format!("{} -> {:?}", w.line(), w.reply))
        .collect();
    assert_eq!(
        told,
        [
            "HSET product_prices product1 150 -> Integer(0)",
            "HGET product_prices product1 -> Bulk([49, 53, 48])",
            "HINCRBY product_prices product2 5 -> Integer(5)",
        ]
    );
    net.assert_replicas_agree();
}

#[test]
fn a_pipeline_sends_a_window_of_commands_before_any_reply_and_keeps_their_order() {
    use write_through_lab::hub::shared::PIPELINE_WINDOW;
    let net = Net::new();
    let (a, b) = (net.open_tab(), net.open_tab());
    let n = PIPELINE_WINDOW * 2 + 10;
    let commands: Vec<Vec<Vec<u8>>> = (0..n)
        .map(|i| split_args(format!("HSET h f {i}").as_bytes()).unwrap())
        .chain([split_args(b"HGET h f").unwrap()])
        .collect();
    let tab = net.tab(a);
    let mut pipeline = Box::pin(tab.run_pipelined(commands, false));
    let mut cx = Context::from_waker(Waker::noop());
    assert!(Pin::as_mut(&mut pipeline).poll(&mut cx).is_pending());
    // A whole window is on its way before the hub has answered one of them.
    assert_eq!(net.up.borrow().len(), PIPELINE_WINDOW);
    let mut windows = 1;
    let (replies, _) = loop {
        net.pump();
        match Pin::as_mut(&mut pipeline).poll(&mut cx) {
            Poll::Ready(answer) => break answer.unwrap(),
            Poll::Pending => windows += 1,
        }
    };
    assert_eq!(windows, 3);
    assert_eq!(replies.len(), n + 1);
    assert_eq!(replies[0], Reply::Integer(1));
    assert_eq!(replies[1], Reply::Integer(0));
    assert_eq!(replies[n], bulk(&(n - 1).to_string()));
    assert_eq!(net.tab(b).take_other_writes().len(), n);
    net.assert_replicas_agree();
}
