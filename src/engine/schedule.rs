//! A schedule of store operations by several writers (what the challenges' checker found
//! breaking a learner's code) drawn as a trace: one step per operation, each by its writer, on
//! copies of the stores, so that the stage and the sequence diagram show it like a race.

use super::copies::Copies;
use super::faults::Faults;
use super::pattern::Pattern;
use super::program::cache_kind;
use super::recorder::{Recorder, StepText};
use super::trace::{role_of, Actor, CodeRef, OperationKind, Outcome, StepKind, Trace, Writer};
use crate::emulator::{quote_arg, Session};

/// One operation of a schedule, as the engine draws it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scheduled {
    /// A Redis command; `refused`: Redis answered `OOM` (an injected fault).
    Redis {
        argv: Vec<Vec<u8>>,
        refused: bool,
    },
    DatabaseRead {
        key: String,
    },
    /// A row written; `refused`: the database refused it (an injected fault).
    DatabaseWrite {
        key: String,
        value: String,
        refused: bool,
    },
    DatabaseDelete {
        key: String,
        refused: bool,
    },
    /// The writer's process dies here (an injected fault).
    Crash,
}

/// The schedule `steps` run on `start` as a trace about `product`, ending with `broken` (what
/// the checker found), or completed if it is `None`.
pub fn schedule_trace(
    product: &str,
    price: &str,
    start: Copies,
    steps: &[(Writer, Scheduled, u32)],
    broken: Option<&str>,
    calls: &[String],
) -> Trace {
    let mut stores = start;
    let trace = Trace {
        operation: OperationKind::Counterexample,
        pattern: Pattern::WriteThrough,
        faults: Faults::default(),
        product: product.to_owned(),
        new_price: price.to_owned(),
        steps: Vec::new(),
        outcome: Outcome::Completed,
        clients: calls.to_vec(),
    };
    let mut rec = Recorder::new(trace, (stores.cache(), stores.database(), Vec::new()));
    // Each writer is one connection to Redis, as each of the checker's clients was.
    let mut sessions: [Session; 3] = Default::default();
    for (writer, step, line) in steps {
        rec.writer = Some(*writer);
        let session = &mut sessions[Writer::ALL.iter().position(|w| w == writer).unwrap_or(0)];
        let who = role_of(calls, *writer);
        let mut text = step_text(&mut stores, session, &who, step);
        text.code = CodeRef {
            python: *line,
            rust: 0,
        };
        rec.push(text, stores.cache(), stores.database(), Vec::new());
    }
    rec.writer = None;
    let mut trace = rec.trace;
    if let Some(broken) = broken {
        trace.outcome = Outcome::Failed(broken.to_owned());
    }
    trace
}

/// A write or delete of a row: applied unless `refused`.
fn row_change(
    stores: &mut Copies,
    action: String,
    refused: bool,
    done: &str,
    apply: impl FnOnce(&mut std::collections::BTreeMap<String, String>),
) -> (StepKind, Actor, String, String, bool) {
    let result = if refused {
        format!("refused{FAULT}")
    } else {
        apply(&mut stores.rows);
        done.to_owned()
    };
    (
        StepKind::DatabaseWrite,
        Actor::Database,
        action,
        result,
        !refused,
    )
}

/// Said of a step the checker made fail.
const FAULT: &str = " (fault injected by the checker)";

/// Applies `step` to the copies and says what happened.
fn step_text(stores: &mut Copies, session: &mut Session, who: &str, step: &Scheduled) -> StepText {
    let (kind, actor, action, result, ok) = match step {
        Scheduled::Redis { argv, refused } => {
            let action = argv
                .iter()
                .map(|a| quote_arg(a))
                .collect::<Vec<_>>()
                .join(" ");
            let kind = cache_kind(argv);
            // A refused command ran on a server at maxmemory, as the checker ran it (inside
            // MULTI, the refusal also spoils the transaction).
            stores.redis.set_out_of_memory(*refused);
            let reply = stores.redis.run_in(session, argv);
            stores.redis.set_out_of_memory(false);
            let ok = !reply.is_error();
            let mut result = reply.to_cli_string().trim_end().to_owned();
            if *refused {
                result.push_str(FAULT);
            }
            (kind, Actor::Cache, action, result, ok)
        }
        Scheduled::DatabaseRead { key } => {
            let row = stores.rows.get(key).cloned();
            let result = row.unwrap_or_else(|| "(no row)".to_owned());
            let action = format!("database[{key:?}]");
            (
                StepKind::DatabaseRead,
                Actor::Database,
                action,
                result,
                true,
            )
        }
        Scheduled::DatabaseWrite {
            key,
            value,
            refused,
        } => {
            let action = format!("database[{key:?}] = {value:?}");
            row_change(stores, action, *refused, "committed", |rows| {
                rows.insert(key.clone(), value.clone());
            })
        }
        Scheduled::DatabaseDelete { key, refused } => {
            let action = format!("del database[{key:?}]");
            row_change(stores, action, *refused, "deleted", |rows| {
                rows.remove(key);
            })
        }
        Scheduled::Crash => {
            let result = format!("the process died{FAULT}");
            (
                StepKind::Crash,
                Actor::Application,
                "crash".to_owned(),
                result,
                false,
            )
        }
    };
    StepText {
        narration: format!("{who}: {action} → {result}"),
        kind,
        actor,
        action,
        result,
        ok,
        code: CodeRef::NONE,
    }
}
