//! The seed tutorial's four steps as a checked lesson. Answers are checked by **running** them
//! against the cache and the database, not by comparing text. Pure Rust: the page supplies the
//! stores' contents and carries out the writes an answer makes.
//!
//! Steps 3 and 4 are Parsons problems: the learner builds `update_price` from given lines (some
//! of them wrong), in order; the lab runs the result on `update_price("product1", 150)`.

use crate::catalog::{PRICES_KEY, SEED};
use crate::engine::program::{Action, Statement};
use crate::engine::trace::CodeRef;
pub use crate::engine::Effect;

/// One step of the lesson, as the tutorial words it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LessonStep {
    pub title: &'static str,
    pub task: &'static str,
    pub hint: &'static str,
}

/// The tutorial's four steps.
pub const STEPS: [LessonStep; 4] = [
    LessonStep {
        title: "Create a Redis hash with product prices",
        task: "In the Redis console, create a hash called product_prices with exactly these entries: product1: 100, product2: 200, product3: 300.",
        hint: "Use the HMSET command to create a hash with multiple fields and values.",
    },
    LessonStep {
        title: "Simulate the database with a dictionary",
        task: "Create a variable called database as a dictionary with exactly these entries: 'product1': 100, 'product2': 200, 'product3': 300. The lab writes it to the database (IndexedDB).",
        hint: "Use Python dictionary syntax: database = {'key': value, ...}.",
    },
    LessonStep {
        title: "Write the update function for write-through",
        task: "Build the body of update_price(product, new_price) so that it builds the Redis command that updates the hash product_prices and updates the price in the database dictionary.",
        hint: "Use the HSET command to update Redis, and assign the new price in the dictionary.",
    },
    LessonStep {
        title: "Complete the write-through update with Redis command execution",
        task: "Inside update_price, add the line that executes the Redis command string stored in redis_command with the Redis client method execute_command.",
        hint: "Call redis_client.execute_command(redis_command) to send the update to Redis.",
    },
];

/// The seed rows as `(product, price)` pairs.
fn seed_pairs() -> Vec<(String, String)> {
    SEED.iter()
        .map(|p| (p.id.to_owned(), p.price.to_owned()))
        .collect()
}

fn sorted(mut pairs: Vec<(String, String)>) -> Vec<(String, String)> {
    pairs.sort();
    pairs
}

/// Step 1: the hash `product_prices` holds exactly the seed entries (in any order).
pub fn check_hash(hash: &[(String, String)]) -> Result<(), String> {
    if hash.is_empty() {
        return Err(format!(
            "There is no hash called {PRICES_KEY} yet. Type the command in the Redis console."
        ));
    }
    let (have, want) = (sorted(hash.to_vec()), sorted(seed_pairs()));
    if have == want {
        return Ok(());
    }
    let extra: Vec<String> = have
        .iter()
        .filter(|p| !want.contains(p))
        .map(|(f, v)| format!("{f}: {v}"))
        .collect();
    let missing: Vec<String> = want
        .iter()
        .filter(|p| !have.contains(p))
        .map(|(f, v)| format!("{f}: {v}"))
        .collect();
    let mut message = format!("The hash {PRICES_KEY} is not quite right.");
    if !missing.is_empty() {
        message.push_str(&format!(" Missing: {}.", missing.join(", ")));
    }
    if !extra.is_empty() {
        message.push_str(&format!(" Not expected: {}.", extra.join(", ")));
    }
    Err(message)
}

/// Step 2: reads a Python assignment `database = {'product1': 100, ...}` into `(key, value)`
/// pairs (strings and numbers as Python would print them).
pub fn parse_database(source: &str) -> Result<Vec<(String, String)>, String> {
    let source = source.trim();
    let Some((name, value)) = source.split_once('=') else {
        return Err("Write an assignment: database = {...}".to_owned());
    };
    if name.trim() != "database" {
        return Err(format!(
            "The variable must be called database, not {}.",
            name.trim()
        ));
    }
    let body = value.trim();
    let inner = body
        .strip_prefix('{')
        .and_then(|b| b.strip_suffix('}'))
        .ok_or("A dictionary is written between braces: {'product1': 100, ...}")?;
    let mut pairs = Vec::new();
    for item in inner.split(',').map(str::trim).filter(|i| !i.is_empty()) {
        let (k, v) = item
            .split_once(':')
            .ok_or_else(|| format!("Each entry is key: value; {item:?} has no colon."))?;
        let key = python_string(k.trim()).ok_or_else(|| {
            format!(
                "Keys are strings in quotes, like 'product1'; {} is not.",
                k.trim()
            )
        })?;
        let value = python_value(v.trim())
            .ok_or_else(|| format!("{} is not a number or a string.", v.trim()))?;
        pairs.push((key, value));
    }
    Ok(pairs)
}

fn python_string(s: &str) -> Option<String> {
    let quoted =
        (s.starts_with('\'') && s.ends_with('\'')) || (s.starts_with('"') && s.ends_with('"'));
    (quoted && s.len() >= 2).then(|| s[1..s.len() - 1].to_owned())
}

fn python_value(s: &str) -> Option<String> {
    if let Some(text) = python_string(s) {
        return Some(text);
    }
    let number = s.parse::<f64>().ok()?;
    (number.is_finite()
        && s.bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-'))
    .then(|| s.to_owned())
}

/// Step 2: the database holds exactly the seed rows.
pub fn check_database(rows: &[(String, String)]) -> Result<(), String> {
    if sorted(rows.to_vec()) == sorted(seed_pairs()) {
        Ok(())
    } else {
        Err(
            "The database should hold exactly product1: 100, product2: 200 and product3: 300."
                .to_owned(),
        )
    }
}

/// A line the learner can put in `update_price` (steps 3 and 4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Line {
    BuildCommand,
    BuildCommandSwapped,
    BuildCommandHget,
    AssignDatabase,
    AssignDatabaseSwapped,
    Execute,
    ExecuteLiteral,
    ExecuteHget,
}

impl Line {
    /// The line as Python.
    pub fn code(self) -> &'static str {
        match self {
            Line::BuildCommand => "redis_command = f\"HSET product_prices {product} {new_price}\"",
            Line::BuildCommandSwapped => {
                "redis_command = f\"HSET product_prices {new_price} {product}\""
            }
            Line::BuildCommandHget => "redis_command = f\"HGET product_prices {product}\"",
            Line::AssignDatabase => "database[product] = new_price",
            Line::AssignDatabaseSwapped => "database[new_price] = product",
            Line::Execute => "redis_client.execute_command(redis_command)",
            Line::ExecuteLiteral => "redis_client.execute_command(\"redis_command\")",
            Line::ExecuteHget => "redis_client.execute_command(f\"HGET product_prices {product}\")",
        }
    }
}

/// The lines offered at step 3 (building the command and writing the database).
pub const STEP3_LINES: [Line; 5] = [
    Line::BuildCommandSwapped,
    Line::AssignDatabase,
    Line::BuildCommand,
    Line::AssignDatabaseSwapped,
    Line::BuildCommandHget,
];

/// The lines offered at step 4 (sending the command), on top of step 3's.
pub const STEP4_LINES: [Line; 3] = [Line::ExecuteHget, Line::Execute, Line::ExecuteLiteral];

/// The learner's function run on `(product, new_price)`: the effects in order, and the value
/// of `redis_command` at the end — or the Python error it would raise.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Run {
    pub effects: Vec<Effect>,
    pub redis_command: Option<String>,
}

/// The body `lines` of `update_price(product, new_price)` as the engine runs it: what each
/// line does, and where it is in [`listing`] (line 1 is the `def`). A line that sends
/// `redis_command` before any line built it raises `NameError`, and nothing after it runs.
pub fn program(lines: &[Line], product: &str, new_price: &str) -> Vec<Statement> {
    interpret(lines, product, new_price).0
}

/// [`program`], and the value `redis_command` holds at the end.
fn interpret(lines: &[Line], product: &str, new_price: &str) -> (Vec<Statement>, Option<String>) {
    let mut out = Vec::new();
    let mut redis_command: Option<String> = None;
    for (i, line) in lines.iter().enumerate() {
        let action = match line {
            Line::BuildCommand | Line::BuildCommandSwapped | Line::BuildCommandHget => {
                let command = match line {
                    Line::BuildCommand => format!("HSET {PRICES_KEY} {product} {new_price}"),
                    Line::BuildCommandSwapped => format!("HSET {PRICES_KEY} {new_price} {product}"),
                    _ => format!("HGET {PRICES_KEY} {product}"),
                };
                let text = format!("redis_command = {command:?}");
                redis_command = Some(command);
                Action::Local(text)
            }
            Line::AssignDatabase => Action::Effect(Effect::Database { key: product.to_owned(), value: new_price.to_owned() }),
            Line::AssignDatabaseSwapped => Action::Effect(Effect::Database { key: new_price.to_owned(), value: product.to_owned() }),
            Line::Execute => match &redis_command {
                Some(command) => Action::Effect(Effect::execute_command(command)),
                None => Action::Raise("NameError: name 'redis_command' is not defined — the line that sends the command runs before the line that builds it.".to_owned()),
            },
            Line::ExecuteLiteral => Action::Effect(Effect::execute_command("redis_command")),
            Line::ExecuteHget => Action::Effect(Effect::execute_command(&format!("HGET {PRICES_KEY} {product}"))),
        };
        let raises = matches!(action, Action::Raise(_));
        out.push(Statement {
            action,
            code: CodeRef {
                python: i as u32 + 2,
                rust: 0,
            },
            in_function: true,
        });
        if raises {
            break;
        }
    }
    (out, redis_command)
}

/// The learner's `update_price` as Python, one line each (the `def` first).
pub fn listing(lines: &[Line]) -> Vec<&'static str> {
    let mut out = vec!["def update_price(product, new_price):"];
    out.extend(lines.iter().map(|l| l.code()));
    if lines.is_empty() {
        out.push("pass");
    }
    out
}

/// Runs the body `lines` of `update_price(product, new_price)`.
pub fn run(lines: &[Line], product: &str, new_price: &str) -> Result<Run, String> {
    let (statements, redis_command) = interpret(lines, product, new_price);
    let mut effects = Vec::new();
    for statement in statements {
        match statement.action {
            Action::Local(_) | Action::Line { .. } => {}
            Action::Effect(effect) => effects.push(effect),
            Action::Folded(fold) => {
                effects.extend(fold.effects().into_iter().map(|(_, e)| e.clone()));
            }
            Action::Raise(error) => return Err(error),
        }
    }
    Ok(Run {
        effects,
        redis_command,
    })
}

/// Step 3's verdict on the stores after the run of `update_price("product1", "150")`: the
/// database has the new price, and `redis_command` is the HSET that would update the cache.
pub fn check_step3(run: &Run, database: &[(String, String)]) -> Result<(), String> {
    let expected = format!("HSET {PRICES_KEY} product1 150");
    let db_ok = database.iter().any(|(k, v)| k == "product1" && v == "150");
    let stray = database.iter().any(|(k, _)| k == "150");
    if stray {
        return Err("The database got a row called 150: the dictionary assignment has product and new_price swapped.".to_owned());
    }
    if !db_ok {
        return Err("After update_price(\"product1\", 150) the database still does not hold product1: 150. Assign the new price in the dictionary.".to_owned());
    }
    match run.redis_command.as_deref() {
        Some(c) if c == expected => Ok(()),
        Some(c) => Err(format!(
            "redis_command ends up as \"{c}\", but updating the hash needs \"{expected}\"."
        )),
        None => {
            Err("Build the Redis command string in a variable called redis_command.".to_owned())
        }
    }
}

/// Step 4's verdict: after the run, both stores hold product1: 150.
pub fn check_step4(
    cache: &[(String, String)],
    database: &[(String, String)],
    errors: &[String],
) -> Result<(), String> {
    let has = |pairs: &[(String, String)]| pairs.iter().any(|(k, v)| k == "product1" && v == "150");
    if let Some(error) = errors.first() {
        return Err(format!(
            "Redis answered {error} — the command sent was not the HSET."
        ));
    }
    match (has(cache), has(database)) {
        (true, true) => Ok(()),
        (false, true) => Err("The database has product1: 150 but the cache does not: the command string was built but never sent to Redis.".to_owned()),
        (true, false) => Err("The cache has product1: 150 but the database does not.".to_owned()),
        (false, false) => Err("Neither store holds product1: 150 after the update.".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::catalog::owned_pairs as pairs;

    #[test]
    fn step1_accepts_the_seed_hash_in_any_order_and_explains_mistakes() {
        assert!(check_hash(&pairs(&[
            ("product3", "300"),
            ("product1", "100"),
            ("product2", "200")
        ]))
        .is_ok());
        let wrong = check_hash(&pairs(&[("product1", "100"), ("product2", "250")])).unwrap_err();
        assert!(
            wrong.contains("Missing: product2: 200, product3: 300")
                && wrong.contains("Not expected: product2: 250"),
            "{wrong}"
        );
        assert!(check_hash(&[]).unwrap_err().contains("no hash"));
    }

    #[test]
    fn step2_reads_a_python_dictionary() {
        let d = parse_database("database = {'product1': 100, \"product2\": 200, 'product3': 300}")
            .unwrap();
        assert!(check_database(&d).is_ok());
        assert!(parse_database("db = {}")
            .unwrap_err()
            .contains("called database"));
        assert!(parse_database("database = {product1: 100}")
            .unwrap_err()
            .contains("strings in quotes"));
        assert!(check_database(&parse_database("database = {'product1': 100}").unwrap()).is_err());
    }

    #[test]
    fn step3_checks_by_running_the_lines() {
        let good = run(
            &[Line::BuildCommand, Line::AssignDatabase],
            "product1",
            "150",
        )
        .unwrap();
        let db_after = pairs(&[("product1", "150")]);
        assert!(check_step3(&good, &db_after).is_ok());
        let swapped = run(
            &[Line::BuildCommandSwapped, Line::AssignDatabase],
            "product1",
            "150",
        )
        .unwrap();
        assert!(check_step3(&swapped, &db_after)
            .unwrap_err()
            .contains("HSET product_prices 150 product1"));
        let no_db = run(&[Line::BuildCommand], "product1", "150").unwrap();
        assert!(check_step3(&no_db, &pairs(&[("product1", "100")])).is_err());
        assert!(
            check_step3(&good, &pairs(&[("product1", "100"), ("150", "product1")]))
                .unwrap_err()
                .contains("swapped")
        );
    }

    #[test]
    fn step4_needs_the_command_sent_after_it_is_built() {
        let early = run(
            &[Line::Execute, Line::BuildCommand, Line::AssignDatabase],
            "product1",
            "150",
        );
        assert!(early.unwrap_err().starts_with("NameError"));
        let ok = run(
            &[Line::BuildCommand, Line::Execute, Line::AssignDatabase],
            "product1",
            "150",
        )
        .unwrap();
        assert_eq!(
            ok.effects[0],
            Effect::execute_command("HSET product_prices product1 150")
        );
        let both = pairs(&[("product1", "150")]);
        assert!(check_step4(&both, &both, &[]).is_ok());
        assert!(check_step4(&pairs(&[("product1", "100")]), &both, &[])
            .unwrap_err()
            .contains("never sent"));
        assert!(check_step4(&both, &both, &["(error) ERR unknown command".into()]).is_err());
    }
}
