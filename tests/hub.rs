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
use write_through_lab::hub::codec::{
    decode_from_hub, decode_to_hub, encode_from_hub, encode_to_hub,
};
use write_through_lab::hub::shared::SharedCache;
use write_through_lab::hub::{rewrite, FromHub, Hub, Recipient, ToHub};

/// Messages from tab `i` to the hub, in the order sent.
type Uplink = Rc<RefCell<VecDeque<(usize, Vec<u8>)>>>;

/// The hub, the tabs connected to it, and the messages on their way (as bytes).
struct Net {
    hub: RefCell<Hub>,
    clock: Rc<Cell<i64>>,
    tabs: RefCell<Vec<Rc<SharedCache>>>,
    up: Uplink,
    /// Hub id of tab `i` (known once it was welcomed).
    ids: RefCell<Vec<Option<u32>>>,
}

impl Net {
    fn new() -> Net {
        let clock = Rc::new(Cell::new(1_700_000_000_000));
        let (c1, c2) = (Rc::clone(&clock), Rc::clone(&clock));
        Net {
            hub: RefCell::new(Hub::new(
                Emulator::new(Box::new(move || c1.get()), 7),
                Box::new(move || c2.get()),
            )),
            clock,
            tabs: RefCell::default(),
            up: Rc::default(),
            ids: RefCell::default(),
        }
    }

    /// Opens a tab and connects it.
    fn open_tab(&self) -> usize {
        let index = self.tabs.borrow().len();
        let up = Rc::clone(&self.up);
        let cache = Rc::new(SharedCache::new(Box::new(move |m: ToHub| {
            up.borrow_mut().push_back((index, encode_to_hub(&m)));
        })));
        self.tabs.borrow_mut().push(Rc::clone(&cache));
        self.ids.borrow_mut().push(None);
        let connected = self.drive(cache.connect());
        self.ids.borrow_mut()[index] = Some(connected.unwrap().tab);
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
            let message = decode_to_hub(&bytes).expect("a tab's message decodes");
            let sender = self.ids.borrow()[from];
            let out = self.hub.borrow_mut().handle(sender, message);
            for (to, message) in out {
                let bytes = encode_from_hub(&message);
                let decoded = decode_from_hub(&bytes).expect("the hub's message decodes");
                assert_eq!(decoded, message, "the codec keeps every message");
                let tabs = self.tabs.borrow().clone();
                for (i, tab) in tabs.iter().enumerate() {
                    let welcomed = self.ids.borrow()[i].is_some();
                    let deliver = match to {
                        Recipient::Sender => i == from,
                        Recipient::Others => i != from && welcomed,
                    };
                    if deliver {
                        tab.receive(decoded.clone());
                    }
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
        self.drive(self.tab(i).run(argv, 1, false)).unwrap()
    }

    fn assert_replicas_agree(&self) {
        let hub = rewrite(self.hub.borrow().emulator());
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
            net.hub.borrow().emulator().keyspace().get(b"p")
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
    assert!(!net.hub.borrow().emulator().keyspace().contains(b"short"));
    net.assert_replicas_agree();
    // A tab connecting now rebuilds the same keyspace, deadlines included.
    let c = net.open_tab();
    assert_eq!(
        net.tab(c).replica().keyspace().expires_at(b"t"),
        net.hub.borrow().emulator().keyspace().expires_at(b"t")
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
    let replies = net.drive(net.tab(a).run(argv, 1, true)).unwrap();
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
        net.drive(net.tab(a).run(argv, 1, true)).unwrap(),
        [Reply::Integer(1)]
    );
    net.assert_replicas_agree();
}

#[test]
fn a_repeated_command_runs_as_one_unit_on_every_replica() {
    let net = Net::new();
    let (a, b) = (net.open_tab(), net.open_tab());
    let argv = split_args(b"INCR n").unwrap();
    let replies = net.drive(net.tab(a).run(argv, 3, false)).unwrap();
    assert_eq!(replies, [1, 2, 3].map(Reply::Integer));
    let writes = net.tab(b).take_other_writes();
    assert_eq!(writes[0].line(), "3 INCR n");
    net.assert_replicas_agree();
}

#[test]
fn malformed_messages_decode_to_nothing() {
    let good = encode_to_hub(&ToHub::Command {
        id: 1,
        argv: vec![b"PING".to_vec()],
        repeat: 1,
        refuse_writes: false,
    });
    for cut in 0..good.len() {
        assert_eq!(decode_to_hub(&good[..cut]), None, "cut at {cut}");
    }
    let mut long = good.clone();
    long.push(0);
    assert_eq!(decode_to_hub(&long), None, "trailing bytes");
    assert_eq!(decode_to_hub(&[9]), None, "unknown tag");
    // A count of four billion arguments in a six-byte message.
    assert_eq!(decode_to_hub(&[1, 0, 0, 0, 0, 255, 255, 255, 255]), None);
    let reply = encode_from_hub(&FromHub::Reply {
        id: 2,
        replies: vec![Reply::Array(vec![
            Reply::Nil,
            bulk("x"),
            Reply::Integer(-5),
        ])],
        wrote: Some(42),
    });
    for cut in 0..reply.len() {
        assert_eq!(decode_from_hub(&reply[..cut]), None, "cut at {cut}");
    }
}
