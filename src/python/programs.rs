//! Whole programs for the editor: the starter the editor holds before the learner writes
//! (steps 1 and 2 done, `update_price` to write), the tutorial's finished code, and each built-in pattern's listing made runnable ("Edit this
//! code"): the listing's lines unchanged, between the lines that make its names exist and a
//! call of `update_price`.

use crate::engine::patterns;
use crate::engine::Pattern;

/// The tutorial's client, as a literal for `concat!` (`import redis` and `redis_client`).
#[macro_export]
macro_rules! tutorial_client {
    () => {
        "import redis\n\nredis_client = redis.Redis(host='localhost', port=6379, db=0)\n"
    };
}

/// The tutorial's steps 1 and 2 done, after its client: the hash and the `database` dictionary.
#[macro_export]
macro_rules! steps_1_and_2 {
    () => {
        concat!(
            $crate::tutorial_client!(),
            "\n# Step 1: the hash with the three prices\n",
            "redis_client.execute_command(\"HMSET product_prices product1 100 product2 200 product3 300\")\n",
            "\n# Step 2: the database, a dictionary with the same entries\n",
            "database = {'product1': 100, 'product2': 200, 'product3': 300}\n",
        )
    };
}

/// The tutorial's four steps as one program: the client, the hash, the `database` dictionary,
/// `update_price`, and a call of it.
pub const TUTORIAL: &str = concat!(
    crate::steps_1_and_2!(),
    r#"
# Steps 3 and 4: write-through, the cache and the database together
def update_price(product, new_price):
    redis_command = f"HSET product_prices {product} {new_price}"
    redis_client.execute_command(redis_command)
    database[product] = new_price

update_price("product1", 150)
"#,
);

/// What the editor holds on a first visit: the tutorial's steps 1 and 2 done (the client, the
/// hash, the `database` dictionary) and `update_price` to write: its body says what it must do,
/// no line of the answer (steps 3 and 4 pass only with the learner's own lines).
pub const STARTER: &str = concat!(
    crate::steps_1_and_2!(),
    r#"
# Steps 3 and 4: write-through. Make update_price
#   - put new_price in the database dictionary,
#   - build the Redis command that sets the product's field of the hash, in redis_command,
#   - send it to Redis with redis_client.execute_command.
def update_price(product, new_price):
    pass  # your code here

update_price("product1", 150)
"#,
);

/// The call a pattern's program ends with.
pub const CALL: &str = "update_price(\"product1\", 150)";

/// `pattern`'s listing as a program for the editor: run unchanged, it makes the same cache and
/// database operations in the same order as the built-in engine's `update_price("product1",
/// "150")` (a host test proves it for all four).
pub fn pattern_program(pattern: Pattern) -> String {
    let names = match pattern {
        Pattern::WriteThrough | Pattern::CacheAside => "check",
        Pattern::WriteThroughCacheFirst => "check, restore, DatabaseError",
        Pattern::WriteBehind => "check, queue, FLUSH_SIZE",
    };
    let mut out = format!(
        "# {} — the lab's listing. Change it and press Run.\nimport redis\nfrom lab import {names}  # the lab's input check and helpers\n\nredis_client = redis.Redis(host='localhost', port=6379, db=0)\n\n",
        pattern.title()
    );
    for line in patterns::listing(pattern).python {
        out.push_str(line.text);
        out.push('\n');
    }
    out.push('\n');
    out.push_str(CALL);
    out.push('\n');
    out
}

/// What the tutorial's redis client is made of, put in front of steps 3 and 4 when the
/// learner's answer is only the function.
pub const CLIENT: &str =
    "import redis\nredis_client = redis.Redis(host='localhost', port=6379, db=0)\n";

/// The learner's answer to step 3 or 4 as a whole program that calls it once, as the lab runs
/// it on its stores after the check passed: the tutorial's client in front if the answer does
/// not make one, and `update_price("product1", 150)` after it if it does not call it.
pub fn as_program(source: &str) -> String {
    let mut program = if source.contains("redis_client =") {
        source.to_owned()
    } else {
        format!("{CLIENT}{source}")
    };
    if !program.lines().any(|l| l.starts_with("update_price(")) {
        if !program.ends_with('\n') {
            program.push('\n');
        }
        program.push_str("\nupdate_price(\"product1\", 150)\n");
    }
    program
}
