//! The challenges after the lesson (issue #21): each asks the learner to write a function that
//! survives a fault or a race, and is graded by running it under the checker ([`crate::checker`])
//! on products and prices the learner has not seen. This module says what each challenge asks,
//! what it tries and what must hold; the learner's code reaches it as clients made by the
//! caller (the learner's Python, [`crate::python::Client`], in the interpreter's worker).

pub mod progress;

use crate::checker::explore::{exhaustive, random, Check, Failure, Report};
use std::collections::BTreeMap;

use crate::checker::{Ended, Fault, FaultKind, Op, Outcome, Process, Run};
use crate::engine::copies::Copies;
use crate::engine::Writer;

/// A challenge as the learner meets it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Challenge {
    /// Its id in links (`?challenge=two-writers`) and in `lab.check_challenge`.
    pub id: &'static str,
    pub title: &'static str,
    /// The goal, in two or three sentences.
    pub goal: &'static str,
    /// What the editor opens with (the naive code, where that is the trap).
    pub starter: &'static str,
    /// Three hints, each more concrete.
    pub hints: [&'static str; 3],
    /// A solution, offered after three failed checks.
    pub solution: &'static str,
}

/// The lesson's own update_price (database first): where two challenges start.
const TUTORIALS_FUNCTION: &str = concat!(
    crate::tutorial_client!(),
    "\n",
    "def update_price(product, new_price):\n",
    "    database[product] = new_price\n",
    "    redis_client.execute_command(f\"HSET product_prices {product} {new_price}\")\n",
);

/// The challenges, in the order they are offered.
pub const CHALLENGES: [Challenge; 6] = [
    Challenge {
        id: "database-refuses",
        title: "The database refuses a write",
        goal: "The database may refuse a write (it raises DatabaseError). Write update_price so that the cache never holds a price the database does not, and so that a refused write is never a silent success: let the error out, or return one.",
        starter: concat!(
            crate::tutorial_client!(),
            "\n# The tutorial's function, cache first. What if the database refuses?\n",
            "def update_price(product, new_price):\n",
            "    redis_client.execute_command(f\"HSET product_prices {product} {new_price}\")\n",
            "    database[product] = new_price\n",
        ),
        hints: [
            "Which store is the truth? Whatever happens, the cache may only hold what the database holds.",
            "Write the database first: if it raises, the cache has not been touched yet.",
            "database[product] = new_price first, then the HSET; do not catch the DatabaseError (or return it).",
        ],
        solution: concat!(
            crate::tutorial_client!(),
            "\n",
            "def update_price(product, new_price):\n",
            "    database[product] = new_price  # raises DatabaseError if refused: nothing cached\n",
            "    redis_client.execute_command(f\"HSET product_prices {product} {new_price}\")\n",
        ),
    },
    Challenge {
        id: "redis-full",
        title: "Redis is full",
        goal: "Redis may answer OOM to a write, after the database has committed. When update_price returns, the cache must hold no price the database does not, and a cache write that failed must be said (raise, or return an error).",
        starter: TUTORIALS_FUNCTION,
        hints: [
            "After the database write the old price is still in the cache. If the HSET fails, what does a reader get?",
            "A full Redis still deletes: HDEL removes the stale field, and the next read fills it.",
            "Catch redis.ResponseError around the HSET, HDEL the field, then raise (or return) the error.",
        ],
        solution: concat!(
            crate::tutorial_client!(),
            "\n",
            "def update_price(product, new_price):\n",
            "    database[product] = new_price\n",
            "    try:\n",
            "        redis_client.hset('product_prices', product, new_price)\n",
            "    except redis.ResponseError:\n",
            "        redis_client.hdel('product_prices', product)  # no stale price\n",
            "        raise\n",
        ),
    },
    Challenge {
        id: "crash-between",
        title: "A crash between the writes",
        goal: "The process may die at any point of update_price; its memory is lost, the stores keep what they had. Write recover(), which a restarted process runs, so that afterwards the cache and the database agree on every product.",
        starter: concat!(
            crate::tutorial_client!(),
            "\n",
            "def update_price(product, new_price):\n",
            "    redis_client.execute_command(f\"HSET product_prices {product} {new_price}\")\n",
            "    database[product] = new_price\n\n",
            "def recover():\n",
            "    pass  # runs after a restart\n",
        ),
        hints: [
            "A crash after the HSET and before the database write leaves a price only the cache has.",
            "After a restart nothing says which products were being written: trust the database.",
            "In recover(), make the cache agree with the database: DEL the hash (reads refill it), or HSET every row.",
        ],
        solution: concat!(
            crate::tutorial_client!(),
            "\n",
            "def update_price(product, new_price):\n",
            "    database[product] = new_price\n",
            "    redis_client.hset('product_prices', product, new_price)\n\n",
            "def recover():\n",
            "    redis_client.delete('product_prices')  # the database is the truth\n",
        ),
    },
    Challenge {
        id: "two-writers",
        title: "Two writers at once",
        goal: "Two or three clients call update_price for the same product at the same time; their Redis and database operations interleave in every order. After all calls, the cache must equal the database for that product. (WATCH, MULTI and EXEC work, as does redis-py's pipeline(); Lua and redis-py's lock() are not in the lab.)",
        starter: TUTORIALS_FUNCTION,
        hints: [
            "Each writer's two writes are right; the trouble is another writer's writes between them.",
            "Make the two writes one critical section per product (a lock), or make the cache write fail when another writer got in between (WATCH, then MULTI/EXEC: retry if EXEC says a watched key changed).",
            "A lock: loop on redis_client.set('lock:' + product, token, nx=True, px=5000) until it answers True; write both; then delete the lock if it still holds your token. Or: with redis_client.pipeline() as pipe: loop { pipe.watch('product_prices'); write the database; pipe.multi(); pipe.hset(...); pipe.execute() }, retrying on redis.WatchError.",
        ],
        solution: concat!(
            crate::tutorial_client!(),
            "\n",
            "def update_price(product, new_price):\n",
            "    lock, token = 'lock:' + product, str(new_price)\n",
            "    while not redis_client.set(lock, token, nx=True, px=5000):\n",
            "        pass  # another writer holds it\n",
            "    try:\n",
            "        database[product] = new_price\n",
            "        redis_client.hset('product_prices', product, new_price)\n",
            "    finally:\n",
            "        if redis_client.get(lock) == token.encode():  # a checked delete\n",
            "            redis_client.delete(lock)\n",
        ),
    },
    Challenge {
        id: "read-path",
        title: "A reader refills an old price",
        goal: "Cache-aside: get_price reads the cache and, on a miss, reads the database and fills the cache; update_price writes the database, then deletes the cached price. Readers and writers of one product run at once, starting from a miss. After all calls, the cache may not hold a price older than the database's.",
        starter: READ_PATH_STARTER,
        hints: [
            "A reader that missed read the database before a writer changed it. When does its fill reach the cache: before or after the writer's delete?",
            "The fill must not happen if a writer got in between the reader's database read and its fill: make the fill conditional, with WATCH and MULTI/EXEC.",
            "Deleting a field that is not there modifies nothing, so WATCH on product_prices does not see it. Let update_price also INCR a key of its own ('version:' + product); get_price WATCHes that key before its database read and fills in MULTI/EXEC, skipping the fill on redis.WatchError.",
        ],
        solution: concat!(
            crate::tutorial_client!(),
            "\n",
            "def get_price(product):\n",
            "    with redis_client.pipeline() as pipe:\n",
            "        pipe.watch('version:' + product)  # a writer bumps it\n",
            "        cached = pipe.hget('product_prices', product)\n",
            "        if cached is not None:\n",
            "            return cached.decode()\n",
            "        price = database[product]\n",
            "        pipe.multi()\n",
            "        pipe.hset('product_prices', product, price)\n",
            "        try:\n",
            "            pipe.execute()  # fills only if no writer came in between\n",
            "        except redis.WatchError:\n",
            "            pass  # leave it to the next reader\n",
            "        return price\n\n",
            "def update_price(product, new_price):\n",
            "    database[product] = new_price\n",
            "    redis_client.incr('version:' + product)\n",
            "    redis_client.hdel('product_prices', product)\n",
        ),
    },
    Challenge {
        id: "write-behind",
        title: "Write-behind: no acknowledged write lost",
        goal: "Write-behind: update_price only queues the write (and updates the cache); flush() writes the queue to the database later. The process may die at any point of either; a restarted process runs flush() again, twice. No write that update_price acknowledged (returned from) may be lost, and a flush applied twice must change nothing.",
        starter: concat!(
            crate::tutorial_client!(),
            "\n",
            "queue = []  # the writes waiting for flush(), in this process's memory\n\n",
            "def update_price(product, new_price):\n",
            "    redis_client.hset('product_prices', product, new_price)\n",
            "    queue.append((product, new_price))\n\n",
            "def flush():\n",
            "    while queue:\n",
            "        product, new_price = queue.pop(0)\n",
            "        database[product] = new_price\n",
        ),
        hints: [
            "A crash loses the process's memory: where does the queue live after a restart?",
            "Keep the queue in Redis, which outlives the process: a hash of product → price waiting to be written.",
            "update_price: HSET pending_writes product price, then the cache. flush(): for each entry of HGETALL pending_writes, write the database first, then HDEL the entry.",
        ],
        solution: concat!(
            crate::tutorial_client!(),
            "\n",
            "def update_price(product, new_price):\n",
            "    redis_client.hset('pending_writes', product, new_price)  # durable: outlives a crash\n",
            "    redis_client.hset('product_prices', product, new_price)\n\n",
            "def flush():\n",
            "    for product, price in redis_client.hgetall('pending_writes').items():\n",
            "        database[product.decode()] = price.decode()  # first the database...\n",
            "        redis_client.hdel('pending_writes', product)  # ...then the queue\n",
        ),
    },
];

/// Where `read-path` starts: the lesson's cache-aside pair, whose refill may put back an old price.
const READ_PATH_STARTER: &str = concat!(
    crate::tutorial_client!(),
    "\n",
    "def get_price(product):\n",
    "    cached = redis_client.hget('product_prices', product)\n",
    "    if cached is not None:\n",
    "        return cached.decode()\n",
    "    price = database[product]  # a miss: the database has it\n",
    "    redis_client.hset('product_prices', product, price)  # fill the cache\n",
    "    return price\n\n",
    "def update_price(product, new_price):\n",
    "    database[product] = new_price\n",
    "    redis_client.hdel('product_prices', product)  # the next read refills it\n",
);

/// The challenge a link names (`?challenge=two-writers`, among the query's other parameters),
/// if it is one.
pub fn from_query(query: &str) -> Option<&'static Challenge> {
    query
        .trim_start_matches('?')
        .split('&')
        .find_map(|pair| pair.strip_prefix("challenge="))
        .and_then(find)
}

/// The challenge with this id.
pub fn find(id: &str) -> Option<&'static Challenge> {
    CHALLENGES.iter().find(|c| c.id == id)
}

/// What a check found.
pub struct Verdict {
    pub passed: bool,
    /// What to tell the learner: what was tried, and what broke.
    pub message: String,
    pub schedules: usize,
    pub faults: usize,
    /// How many times the learner's code was really run (the rest of the answers were known).
    pub runs: usize,
    /// The smallest failing run.
    pub counterexample: Option<Failure>,
    /// The product and the price (the first writer's) the failing run was about.
    pub product: String,
    pub price: String,
    /// The challenge checked (its start: [`start_of`]).
    pub id: &'static str,
}

impl Verdict {
    /// The failing run drawn as a race on the stores it started from, if the check failed.
    pub fn trace(&self) -> Option<crate::engine::Trace> {
        self.counterexample.as_ref().map(|f| {
            f.run.trace(
                start_of(self.id),
                &self.product,
                &self.price,
                Some(&f.why),
                &f.calls,
            )
        })
    }
}

/// Makes a client that runs `call` (`update_price('product2', 275)`) of the learner's program.
pub type Clients<'a> = &'a dyn Fn(&str) -> Box<dyn Process>;

/// The calls a single-client challenge checks: products and prices the learner has not seen.
const CALLS: [(&str, &str); 2] = [("product2", "275"), ("product3", "330")];

/// Checks the learner's program against challenge `id` (`None`: no such challenge).
pub fn check(id: &str, clients: Clients<'_>) -> Option<Verdict> {
    let id = find(id)?.id;
    let found = match id {
        "database-refuses" => single(clients, FaultKind::DatabaseWriteFails, None),
        "redis-full" => single(clients, FaultKind::RedisOutOfMemory, None),
        "crash-between" => single(clients, FaultKind::CrashBefore, Some("recover()")),
        "two-writers" => writers(clients),
        "read-path" => read_path(clients),
        "write-behind" => write_behind(clients),
        _ => return None,
    };
    Some(Verdict { id, ..found })
}

/// The stores every run of challenge `id` starts from.
pub fn start_of(id: &str) -> Copies {
    match id {
        "read-path" => start_with_a_miss(),
        _ => start(),
    }
}

/// `report`, its failure (if any) told what each client was called to do.
fn calling(mut report: Report, calls: &[String]) -> Report {
    if let Some(failure) = &mut report.failure {
        if failure.calls.is_empty() {
            failure.calls = calls.to_vec();
        }
    }
    report
}

/// The fault plans of one client: none, then `kind` at each of its first operations.
fn plans(kind: FaultKind) -> Vec<Vec<Fault>> {
    std::iter::once(Vec::new())
        .chain((0..6).map(|at| {
            vec![Fault {
                client: 0,
                at,
                kind,
            }]
        }))
        .collect()
}

fn call(product: &str, price: &str) -> String {
    format!("update_price('{product}', {price})")
}

/// The cached fields whose price the database does not hold.
fn stale(stores: &Copies) -> Option<String> {
    stores.cache().into_iter().find_map(|(field, cached)| {
        let row = stores.rows.get(&field);
        (row != Some(&cached)).then(|| {
            format!(
                "the cache holds {field} = {cached}, the database {}",
                row.map_or("no row".to_owned(), |r| format!("{field} = {r}"))
            )
        })
    })
}

/// The price the cache holds for `product`, if it holds one.
fn cached(stores: &Copies, product: &str) -> Option<String> {
    stores
        .cache()
        .into_iter()
        .find(|(f, _)| f == product)
        .map(|(_, v)| v)
}

/// Whether the run left `price` in both stores for `product`.
fn wrote_both(stores: &Copies, product: &str, price: &str) -> Result<(), String> {
    let row = stores.rows.get(product).map(String::as_str);
    let cached = cached(stores, product);
    if row == Some(price) && cached.as_deref() == Some(price) {
        return Ok(());
    }
    Err(format!(
        "with no fault it left the database at {product} = {}, the cache at {}: it must write both",
        row.unwrap_or("no row"),
        cached.map_or("no field".to_owned(), |c| format!("{product} = {c}"))
    ))
}

/// Whether a client said it failed: raised, or returned something that is not a success.
fn said_so(ended: &Ended) -> bool {
    match ended {
        Ended::Raised(_) => true,
        Ended::Returned(value) => value.as_deref().is_some_and(|v| v != "True"),
        Ended::Crashed | Ended::Stopped(_) => false,
    }
}

/// A challenge of one client under faults of one kind, each call of [`CALLS`] checked in turn,
/// `then` run after the client (a restart's `recover()`).
fn single(clients: Clients<'_>, kind: FaultKind, then: Option<&str>) -> Verdict {
    let faults = plans(kind);
    let mut total = Report::default();
    let mut about = CALLS[0];
    for (product, price) in CALLS {
        about = (product, price);
        let the_call = call(product, price);
        let make = || vec![clients(&the_call)];
        let after = |then: &str| vec![clients(then)];
        let follow = then.map(|t| move || after(t));
        let invariant = |run: &Run| -> Result<(), String> {
            let crashed = (!run.crashes.is_empty()).then_some(FaultKind::CrashBefore);
            let fault = run.events.iter().find_map(|e| e.fault).or(crashed);
            if let Some(why) = run.stopped() {
                return Err(format!("{the_call} was stopped: {why}"));
            }
            if fault.is_none() {
                if let Some(Ended::Raised(e)) = run.ended.first() {
                    return Err(format!("{the_call} raised with no fault injected: {e}"));
                }
                // After a restart's recover() the cache may have been emptied: the database
                // must hold the price, and the cache no other (checked below).
                let both = wrote_both(&run.stores, product, price);
                let row_written = run.stores.rows.get(product).map(String::as_str) == Some(price);
                if both.is_err() && (then.is_none() || !row_written) {
                    both.map_err(|e| format!("{the_call}: {e}"))?;
                }
            }
            if let Some(why) = stale(&run.stores) {
                return Err(format!("{}: {why}", described(&the_call, fault, then)));
            }
            if kind != FaultKind::CrashBefore && fault.is_some() {
                let cached_new = run
                    .stores
                    .cache()
                    .iter()
                    .any(|(f, v)| f == product && v == price);
                let failed = fault == Some(FaultKind::DatabaseWriteFails) || !cached_new;
                if failed && !run.ended.first().is_some_and(said_so) {
                    return Err(format!(
                        "{}: it returned as if it had succeeded",
                        described(&the_call, fault, then)
                    ));
                }
            }
            Ok(())
        };
        let follow_ref = follow
            .as_ref()
            .map(|f| f as &dyn Fn() -> Vec<Box<dyn Process>>);
        let calls: Vec<String> = std::iter::once(the_call.clone())
            .chain(then.map(str::to_owned))
            .collect();
        total.add(calling(
            one_call(&make, &faults, &invariant, follow_ref),
            &calls,
        ));
        if total.failure.is_some() {
            break;
        }
    }
    verdict(total, about)
}

/// Every schedule of one call's client (and the clients `then` runs after it) under each fault
/// set, from the seed stores.
fn one_call(
    make: &dyn Fn() -> Vec<Box<dyn Process>>,
    faults: &[Vec<Fault>],
    invariant: &dyn Fn(&Run) -> Result<(), String>,
    then: Option<&dyn Fn() -> Vec<Box<dyn Process>>>,
) -> Report {
    exhaustive(
        &Check {
            clients: make,
            stores: &start,
            faults,
            invariant,
            then,
        },
        1_000,
    )
}

/// A failing call, with the fault it ran under.
fn described(call: &str, fault: Option<FaultKind>, then: Option<&str>) -> String {
    let under = match fault {
        Some(FaultKind::DatabaseWriteFails) => " with the database refusing its write",
        Some(FaultKind::RedisOutOfMemory) => " with Redis answering OOM",
        Some(FaultKind::CrashBefore) => " with a crash in the middle",
        None => "",
    };
    match then {
        Some(then) => format!("{call}{under}, then {then}"),
        None => format!("{call}{under}"),
    }
}

/// Two writers of one product, every schedule; then, only if two cannot break it, three, on
/// seeded random schedules (so a failure is shown with two writers when two are enough).
fn writers(clients: Clients<'_>) -> Verdict {
    let (product, prices) = ("product3", ["310", "320", "330"]);
    let invariant = |run: &Run| -> Result<(), String> {
        if let Some(why) = run.stopped() {
            return Err(format!("a writer was stopped: {why}"));
        }
        if let Some(e) = run.raised() {
            return Err(format!("a writer raised: {e}"));
        }
        let row = run.stores.rows.get(product).cloned();
        let cached = cached(&run.stores, product);
        if row.is_some() && row == cached {
            return Ok(());
        }
        Err(format!(
            "after all calls the cache holds {}, the database {}",
            cached.map_or("no field".to_owned(), |c| format!("{product} = {c}")),
            row.map_or("no row".to_owned(), |r| format!("{product} = {r}"))
        ))
    };
    let none = vec![Vec::new()];
    let two = || {
        prices[..2]
            .iter()
            .map(|p| clients(&call(product, p)))
            .collect()
    };
    let calls: Vec<String> = prices.iter().map(|p| call(product, p)).collect();
    let mut total = calling(
        exhaustive(
            &Check {
                clients: &two,
                stores: &start,
                faults: &none,
                invariant: &invariant,
                then: None,
            },
            2_000,
        ),
        &calls,
    );
    if total.failure.is_none() {
        let three = || prices.iter().map(|p| clients(&call(product, p))).collect();
        total.add(calling(
            random(
                &Check {
                    clients: &three,
                    stores: &start,
                    faults: &none,
                    invariant: &invariant,
                    then: None,
                },
                200,
                21,
            ),
            &calls,
        ));
    }
    verdict(total, (product, prices[0]))
}

/// What the checker's client says between `update_price` returning and `flush()` (a Redis
/// `ECHO`, so that it is one of its operations): that the write was acknowledged.
const ACKNOWLEDGED: &str = "update_price returned: the write is acknowledged";

/// Whether `op` is the acknowledgement [`write_behind`] puts after `update_price`.
fn is_ack(op: &Op) -> bool {
    matches!(op, Op::Redis(argv) if argv.len() == 2 && argv[0] == b"ECHO" && argv[1] == ACKNOWLEDGED.as_bytes())
}

/// The database's rows after the events of clients `..=last` (successful writes and deletes).
fn rows_after(events: &[crate::checker::Event], last: usize) -> BTreeMap<String, String> {
    let mut rows = start().rows;
    for e in events.iter().filter(|e| e.client <= last) {
        match (&e.op, &e.outcome) {
            (Op::DbSet { key, value }, Outcome::Written(Ok(()))) => {
                rows.insert(key.clone(), value.clone());
            }
            (Op::DbDel(key), Outcome::Written(Ok(()))) => {
                rows.remove(key);
            }
            _ => {}
        }
    }
    rows
}

/// `update_price` then `flush()` in one process, crashed before each of its operations in turn
/// (or not at all); then a restarted process's `flush()`, twice. An acknowledged write must be
/// in the database, only `flush()` writes it, and the second flush changes nothing.
fn write_behind(clients: Clients<'_>) -> Verdict {
    let faults: Vec<Vec<Fault>> = std::iter::once(Vec::new())
        .chain((0..10).map(|at| {
            vec![Fault {
                client: 0,
                at,
                kind: FaultKind::CrashBefore,
            }]
        }))
        .collect();
    let mut total = Report::default();
    let mut about = CALLS[0];
    for (product, price) in CALLS {
        about = (product, price);
        let the_call = call(product, price);
        let both = format!("({the_call}, _lab_redis('ECHO', '{ACKNOWLEDGED}'), flush())");
        let make = || vec![clients(&both)];
        let restarted = || vec![clients("flush()"), clients("flush()")];
        let invariant = |run: &Run| -> Result<(), String> {
            let crashed = (!run.crashes.is_empty()).then_some(FaultKind::CrashBefore);
            let under = described(
                &format!("{the_call}, flush()"),
                crashed,
                Some("flush() twice"),
            );
            if let Some(why) = run.stopped() {
                return Err(format!("{under}: it was stopped: {why}"));
            }
            if let Some(e) = run.raised() {
                return Err(format!("{under}: it raised {e}"));
            }
            let mine = || run.events.iter().filter(|e| e.client == 0);
            if mine()
                .take_while(|e| !is_ack(&e.op))
                .any(|e| matches!(e.op, Op::DbSet { .. }))
            {
                return Err(format!(
                    "{the_call} wrote the database itself: in write-behind only flush() does"
                ));
            }
            let row = run.stores.rows.get(product).map(String::as_str);
            if mine().any(|e| is_ack(&e.op)) && row != Some(price) {
                return Err(format!(
                    "{under}: update_price returned, so the write was acknowledged, but the database holds {}: the write was lost",
                    row.map_or("no row".to_owned(), |r| format!("{product} = {r}"))
                ));
            }
            if rows_after(&run.events, 1) != run.stores.rows {
                return Err(format!(
                    "{under}: the second flush() changed the database again"
                ));
            }
            Ok(())
        };
        let calls = [
            format!("{the_call}, then flush()"),
            "flush()".to_owned(),
            "flush()".to_owned(),
        ];
        total.add(calling(
            one_call(&make, &faults, &invariant, Some(&restarted)),
            &calls,
        ));
        if total.failure.is_some() {
            break;
        }
    }
    verdict(total, about)
}

/// The product `read-path` reads and writes, and the price its writers write.
const READ_PATH: (&str, [&str; 2]) = ("product2", ["240", "260"]);

/// The seed stores with `read-path`'s product not cached: its readers start with a miss.
fn start_with_a_miss() -> Copies {
    let mut stores = start();
    stores.redis.run(&[
        b"HDEL".to_vec(),
        b"product_prices".to_vec(),
        READ_PATH.0.as_bytes().to_vec(),
    ]);
    stores
}

/// Whether a reader's return value is `price` (as text, bytes or a number).
fn returned_price(ended: Option<&Ended>, price: &str) -> bool {
    let Some(Ended::Returned(Some(value))) = ended else {
        return false;
    };
    [
        format!("'{price}'"),
        format!("b'{price}'"),
        price.to_owned(),
    ]
    .contains(value)
}

/// Readers (cache-aside `get_price`) and a writer (`update_price`, database then invalidate) of
/// one product, from a miss. First each alone, which must do its job (a reader returns the
/// database's price and fills the cache; a writer leaves the new price in the database and no
/// other in the cache); then a reader and a writer in every schedule; then, if that holds, two
/// readers and a writer, and a reader and two writers, on seeded random schedules. After all
/// calls, the cache may hold no price the database does not.
fn read_path(clients: Clients<'_>) -> Verdict {
    let (product, prices) = READ_PATH;
    let read = format!("get_price('{product}')");
    let write = |i: usize| call(product, prices[i]);
    let seed_price = start().rows.get(product).cloned().unwrap_or_default();
    let ended_well = |run: &Run| -> Result<(), String> {
        if let Some(why) = run.stopped() {
            return Err(format!("a call was stopped: {why}"));
        }
        if let Some(e) = run.raised() {
            return Err(format!("a call raised: {e}"));
        }
        Ok(())
    };
    let no_stale = |run: &Run| -> Result<(), String> {
        ended_well(run)?;
        let row = run.stores.rows.get(product);
        match cached(&run.stores, product) {
            Some(cached) if row != Some(&cached) => Err(format!(
                "after all calls the cache holds {product} = {cached}, the database {}: a reader filled the cache with an old price",
                row.map_or("no row".to_owned(), |r| format!("{product} = {r}"))
            )),
            _ => Ok(()),
        }
    };
    let none = vec![Vec::new()];
    let alone = |make: &dyn Fn() -> Vec<Box<dyn Process>>,
                 invariant: &dyn Fn(&Run) -> Result<(), String>| {
        exhaustive(
            &Check {
                clients: make,
                stores: &start_with_a_miss,
                faults: &none,
                invariant,
                then: None,
            },
            10,
        )
    };
    // A reader alone, on a miss: the database's price, and the cache filled with it.
    let reader = || vec![clients(&read)];
    let mut total = calling(
        alone(&reader, &|run: &Run| {
            ended_well(run)?;
            let cached = cached(&run.stores, product);
            if !returned_price(run.ended.first(), &seed_price) {
                return Err(format!(
                "{read} on a miss, with no writer, must return the database's price {seed_price}"
            ));
            }
            if cached.as_ref() != Some(&seed_price) {
                return Err(format!(
                "{read} on a miss, with no writer, must fill the cache with {product} = {seed_price}"
            ));
            }
            Ok(())
        }),
        std::slice::from_ref(&read),
    );
    // A writer alone: the new price in the database, and no other in the cache.
    if total.failure.is_none() {
        let writer = || vec![clients(&write(0))];
        total.add(calling(
            alone(&writer, &|run: &Run| {
                no_stale(run)?;
                if run.stores.rows.get(product).map(String::as_str) != Some(prices[0]) {
                    return Err(format!("{} must write the database", write(0)));
                }
                Ok(())
            }),
            &[write(0)],
        ));
    }
    if total.failure.is_none() {
        let pair = || vec![clients(&read), clients(&write(0))];
        total.add(calling(
            exhaustive(
                &Check {
                    clients: &pair,
                    stores: &start_with_a_miss,
                    faults: &none,
                    invariant: &no_stale,
                    then: None,
                },
                2_000,
            ),
            &[read.clone(), write(0)],
        ));
    }
    if total.failure.is_none() {
        let readers = || vec![clients(&read), clients(&read), clients(&write(0))];
        let writers = || vec![clients(&read), clients(&write(0)), clients(&write(1))];
        let groups = [
            (
                &readers as &dyn Fn() -> Vec<Box<dyn Process>>,
                31,
                [read.clone(), read.clone(), write(0)],
            ),
            (&writers, 37, [read.clone(), write(0), write(1)]),
        ];
        for (make, seed, calls) in groups {
            total.add(calling(
                random(
                    &Check {
                        clients: make,
                        stores: &start_with_a_miss,
                        faults: &none,
                        invariant: &no_stale,
                        then: None,
                    },
                    100,
                    seed,
                ),
                &calls,
            ));
        }
    }
    verdict(total, (product, prices[0]))
}

/// The race panel's race of the learner's own `update_price`: writer A sets the race's product
/// to 150, writer B to 175, on the seed stores; `order` says whose store operation comes next
/// at each point where both could move (once it is used up, A's). The run, what broke (a call
/// raised or was stopped, or the cache holds a price the database does not for that product),
/// and each writer's call.
pub fn race(clients: Clients<'_>, order: &[Writer]) -> (Run, Option<String>, Vec<String>) {
    let product = crate::engine::race::RACE_PRODUCT;
    let calls = vec![call(product, "150"), call(product, "175")];
    let mut processes: Vec<Box<dyn Process>> = calls.iter().map(|c| clients(c)).collect();
    let mut memo = crate::checker::Memo::default();
    let mut moves = order.iter();
    let run = crate::checker::replay(&mut processes, &mut memo, start(), &[], |ready| {
        let want = moves.next().map(|w| usize::from(*w != Writer::A));
        want.and_then(|c| ready.iter().position(|&r| r == c))
            .unwrap_or(0)
    });
    let row = run.stores.rows.get(product).cloned();
    let cached = cached(&run.stores, product);
    let broken = if let Some(why) = run.stopped() {
        Some(format!("a writer was stopped: {why}"))
    } else if let Some(e) = run.raised() {
        Some(format!("a writer raised: {e}"))
    } else if cached.is_some() && cached != row {
        Some(format!(
            "the cache holds {product} = {}, the database {}",
            cached.unwrap_or_default(),
            row.map_or("no row".to_owned(), |r| format!("{product} = {r}"))
        ))
    } else {
        None
    };
    (run, broken, calls)
}

/// The stores every run of a check starts from: the seed catalog.
pub fn start() -> Copies {
    Copies::seeded(5)
}

fn verdict(report: Report, (product, price): (&str, &str)) -> Verdict {
    let tried = format!(
        "{} schedule{}, {} injected fault{}",
        report.schedules,
        if report.schedules == 1 { "" } else { "s" },
        report.faults,
        if report.faults == 1 { "" } else { "s" },
    );
    match report.failure {
        None => Verdict {
            passed: true,
            message: format!("Passed: {tried}, 0 broken."),
            schedules: report.schedules,
            faults: report.faults,
            runs: report.process_runs,
            counterexample: None,
            product: product.to_owned(),
            price: price.to_owned(),
            id: "",
        },
        Some(failure) => Verdict {
            passed: false,
            message: format!("Broken: {}. (Tried {tried}.)", failure.why),
            schedules: report.schedules,
            faults: report.faults,
            runs: report.process_runs,
            counterexample: Some(failure),
            product: product.to_owned(),
            price: price.to_owned(),
            id: "",
        },
    }
}
