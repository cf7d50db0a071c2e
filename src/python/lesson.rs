//! The lesson's steps 2 to 4 checked by **running** the learner's Python (issue #13): step 2
//! runs the program and looks at the table it made; steps 3 and 4 call the learner's
//! `update_price` on `("product1", 150)` **and** on calls the learner did not see, each on
//! fresh copies of the seed stores, so an answer written for the one call the tutorial shows
//! fails, with a message saying which call went wrong. Step 4 also wants the cache write to go
//! through `redis_client.execute_command(redis_command)`, the line the tutorial teaches.

use std::collections::BTreeMap;

use super::programs::CLIENT;
use super::{run, Ending, Event, Limits, Recording, Stores};
use crate::catalog::PRICES_KEY;
use crate::emulator::{Emulator, Reply};

/// The calls step 3 and 4 make: the tutorial's, then two the learner did not see.
pub const CALLS: [(&str, &str); 3] = [
    ("product1", "150"),
    ("product2", "275"),
    ("product3", "99.5"),
];

/// The seed stores: the hash and the table both hold the seed prices.
fn seed_stores() -> Stores {
    Stores::seeded(1)
}

fn cached(stores: &mut Stores, product: &str) -> Option<String> {
    match stores.redis.run(&[
        b"HGET".to_vec(),
        PRICES_KEY.as_bytes().to_vec(),
        product.as_bytes().to_vec(),
    ]) {
        Reply::Bulk(b) => Some(String::from_utf8_lossy(&b).into_owned()),
        _ => None,
    }
}

fn failure(call: &str, recording: &Recording) -> Option<String> {
    match &recording.ending {
        Ending::Finished => None,
        Ending::Raised { kind, line, .. } => Some(format!(
            "{call} raised {kind} at line {line}: {}",
            recording.ending.error().unwrap_or_default()
        )),
        Ending::Stopped(why) => Some(format!("{call}: {why}")),
    }
}

/// Step 1: `line`, a Redis command run on an empty Redis, makes the hash with the three prices.
pub fn check_step1(line: &str) -> Result<(), String> {
    let mut redis = Emulator::new(Box::new(|| 0), 1);
    match redis.execute_command(line) {
        Err(e) => return Err(e.to_string()),
        Ok(Reply::Error(e)) => {
            return Err(format!(
                "Redis answers: (error) {}",
                String::from_utf8_lossy(&e)
            ))
        }
        Ok(_) => {}
    }
    let mut hash = Vec::new();
    if let Reply::Array(items) = redis.run(&[b"HGETALL".to_vec(), PRICES_KEY.as_bytes().to_vec()]) {
        for pair in items.chunks(2) {
            if let [Reply::Bulk(f), Reply::Bulk(v)] = pair {
                hash.push((
                    String::from_utf8_lossy(f).into_owned(),
                    String::from_utf8_lossy(v).into_owned(),
                ));
            }
        }
    }
    crate::lesson::check_hash(&hash)
}

/// Step 2: `source` makes `database` with exactly the seed entries, and the lab's table gets
/// them.
pub fn check_step2(source: &str) -> Result<(), String> {
    database_of(source).map(|_| ())
}

/// Step 2, and the rows the learner's `database` holds when it passes.
pub fn database_of(source: &str) -> Result<Vec<(String, String)>, String> {
    let empty = Stores {
        rows: BTreeMap::new(),
        ..seed_stores()
    };
    let (recording, stores) = run(source, None, empty, Limits::client(), Box::new(|| 0.0));
    if let Some(why) = failure("Your code", &recording) {
        return Err(why);
    }
    let rows: Vec<(String, String)> = stores.rows.into_iter().collect();
    if rows.is_empty() {
        return Err(
            "There is no dictionary called database yet: write database = {...}.".to_owned(),
        );
    }
    crate::lesson::check_database(&rows).map(|()| rows)
}

/// What a passed step is told (steps 2 to 4, as the lesson panel says it).
pub fn passed_message(step: u8) -> &'static str {
    match step {
        1 => "Right: the hash holds the three prices.",
        2 => "Right: the database holds the same three rows as the cache.",
        3 => "Right: update_price writes the new price to the database and builds the HSET to send, for every call we tried.",
        _ => "Right: update_price sends the HSET through redis_client.execute_command(redis_command) and writes the database, for every call we tried.",
    }
}

/// Steps 3 (`execute` false: the database written and `redis_command` built) and 4 (`execute`
/// true: the cache written too, through `redis_client.execute_command(redis_command)`), on
/// every call of [`CALLS`].
pub fn check_update(source: &str, execute: bool) -> Result<(), String> {
    let program = if source.contains("redis_client =") {
        source.to_owned()
    } else {
        format!("{CLIENT}{source}")
    };
    if !program.contains("def update_price") {
        return Err("Write the function: def update_price(product, new_price):".to_owned());
    }
    for (product, price) in CALLS {
        let call = format!("update_price({product:?}, {price})");
        // After the call, the probe prints the function's redis_command (kept by the trace
        // function when update_price returned) behind a marker no program prints.
        let probe = format!(
            "{call}\nif 'redis_command' in _lab_locals:\n    print('\\x00redis_command=' + str(_lab_locals['redis_command']))\n"
        );
        let (recording, mut stores) = run(
            &program,
            Some(&probe),
            seed_stores(),
            Limits::client(),
            Box::new(|| 0.0),
        );
        if let Some(why) = failure(&call, &recording) {
            return Err(why);
        }
        let row = stores.rows.get(product).cloned().unwrap_or_default();
        if row != price {
            return Err(format!(
                "After {call} the database holds {product}: {row}, not {price}. Assign the new price in the dictionary: database[product] = new_price."
            ));
        }
        let expected = format!("HSET {PRICES_KEY} {product} {price}");
        match recording.command() {
            Some(c) if c == expected => {}
            Some(c) => {
                return Err(format!(
                    "After {call} redis_command is \"{c}\", but updating the hash needs \"{expected}\"."
                ))
            }
            None => {
                return Err(format!(
                    "After {call} there is no redis_command: build the Redis command string in a variable called redis_command."
                ))
            }
        }
        if !execute {
            continue;
        }
        let in_cache = cached(&mut stores, product);
        if in_cache.as_deref() != Some(price) {
            return Err(format!(
                "After {call} the cache still has {product}: {}: the command string was built but not sent to Redis.",
                in_cache.unwrap_or_else(|| "nothing".to_owned())
            ));
        }
        if !recording.sent_through_execute_command(&program) {
            return Err("The cache was written, but not with redis_client.execute_command(redis_command), the line this step teaches.".to_owned());
        }
    }
    Ok(())
}

impl Recording {
    /// The value the learner's `redis_command` had when `update_price` returned (the probe the
    /// lesson runs after the call prints it into the recording).
    fn command(&self) -> Option<String> {
        self.events.iter().rev().find_map(|e| match e {
            Event::Print(text) => text
                .strip_prefix("\u{0}redis_command=")
                .map(|c| c.trim_end().to_owned()),
            _ => None,
        })
    }

    /// Whether the HSET of the call was sent by a line that reads
    /// `redis_client.execute_command(redis_command)`.
    fn sent_through_execute_command(&self, program: &str) -> bool {
        let mut line = 0;
        for event in &self.events {
            match event {
                Event::Line(n) => line = *n,
                Event::Redis { argv, .. }
                    if argv
                        .first()
                        .is_some_and(|a| a.eq_ignore_ascii_case(b"HSET")) =>
                {
                    let text = program
                        .lines()
                        .nth(line.saturating_sub(1) as usize)
                        .unwrap_or_default();
                    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
                    if compact.contains("redis_client.execute_command(redis_command)") {
                        return true;
                    }
                }
                _ => {}
            }
        }
        false
    }
}
