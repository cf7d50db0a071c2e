//! What the page and the interpreter's worker say to each other (`src/bin/python_worker.rs`):
//! a [`Request`] in, a [`Response`] out, as bytes in the lab's one message format
//! ([`crate::wire`]; each message's tag and fields are named once below). The worker runs Python on copies
//! of the stores the page sends with the request ([`Request::Run`]), or checks a lesson step on
//! fresh seed stores ([`Request::Check`]); the page replays the recording on the real stores.

use super::replay::{connect_note, statements};
use super::{Ending, Event, Recording};
use crate::engine::fold::{fold, Fold, FoldKind};
use crate::engine::program::{Action, Statement};
use crate::engine::schedule::Scheduled;
use crate::engine::trace::CodeRef;
use crate::engine::{Effect, Writer};
use crate::wire::{wire_enum, wire_struct};

/// What the page asks.
#[derive(Clone, Debug, PartialEq)]
pub enum Request {
    /// Run `source`, then `call` if given, on copies of the page's stores.
    Run {
        source: String,
        call: Option<String>,
        /// The cache's keyspace as commands ([`crate::hub::rewrite`]).
        cache: Vec<Vec<Vec<u8>>>,
        /// The database's rows, `id → price`.
        rows: Vec<(String, String)>,
        /// The "database write fails" fault.
        database_fails: bool,
        /// The "cache write fails" fault (Redis out of memory).
        cache_full: bool,
        /// The time limit (a program has no step limit).
        max_ms: f64,
    },
    /// Check lesson step `step` (2 to 4) by running `answer` (Python source).
    Check { step: u8, answer: String },
    /// A challenge's check of the learner's program (`crate::challenges`).
    Challenge { id: String, source: String },
    /// The race panel's race of the learner's `update_price`, its store operations in `order`
    /// ([`crate::challenges::race`]); answered as a [`Response::Challenged`] to draw.
    Race { source: String, order: Vec<Writer> },
}

/// What the worker answers.
#[derive(Clone, Debug, PartialEq)]
pub enum Response {
    /// The run, ready for the page: what to replay on the real stores, what to show.
    Ran(Ran),
    /// A lesson step's verdict; for step 2, the rows the learner's `database` holds.
    Checked {
        passed: bool,
        message: String,
        rows: Vec<(String, String)>,
    },
    /// The request could not be read.
    Refused {
        message: String,
    },
    Challenged(Challenged),
}

/// What a challenge's check found; a failure's schedule travels as its steps, which the page
/// draws on the stores the check started from ([`crate::challenges::start_of`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Challenged {
    pub passed: bool,
    pub message: String,
    pub schedules: u64,
    pub faults: u64,
    pub runs: u64,
    pub product: String,
    pub price: String,
    /// What broke, and the schedule that broke it.
    pub broken: Option<String>,
    /// Each step by its writer, with the line of the learner's code that made it.
    pub steps: Vec<(Writer, Scheduled, u32)>,
    /// The challenge's id (the failing schedule is drawn on its start).
    pub challenge: String,
    /// What each client of the failing run was called to do, client A first.
    pub calls: Vec<String>,
}

impl Challenged {
    pub fn of(verdict: &crate::challenges::Verdict) -> Challenged {
        let failure = verdict.counterexample.as_ref();
        Challenged {
            passed: verdict.passed,
            message: verdict.message.clone(),
            schedules: verdict.schedules as u64,
            faults: verdict.faults as u64,
            runs: verdict.runs as u64,
            product: verdict.product.clone(),
            price: verdict.price.clone(),
            broken: failure.map(|f| f.why.clone()),
            steps: failure.map(|f| f.run.schedule()).unwrap_or_default(),
            challenge: verdict.id.to_owned(),
            calls: failure.map(|f| f.calls.clone()).unwrap_or_default(),
        }
    }

    /// A race of the learner's `update_price` ([`crate::challenges::race`]), to draw.
    pub fn of_race(run: &crate::checker::Run, broken: Option<String>, calls: Vec<String>) -> Self {
        Challenged {
            passed: broken.is_none(),
            message: broken
                .clone()
                .unwrap_or_else(|| "the stores agree".to_owned()),
            schedules: 1,
            faults: 0,
            runs: 0,
            product: crate::engine::race::RACE_PRODUCT.to_owned(),
            price: "150".to_owned(),
            broken,
            steps: run.schedule(),
            challenge: String::new(),
            calls,
        }
    }

    /// The run drawn on the stores it started from ([`crate::challenges::start_of`] its
    /// challenge; a race's is the seed), each lifeline named by its call.
    fn drawn(&self) -> crate::engine::Trace {
        crate::engine::schedule::schedule_trace(
            &self.product,
            &self.price,
            crate::challenges::start_of(&self.challenge),
            &self.steps,
            self.broken.as_deref(),
            &self.calls,
        )
    }

    /// A race of the learner's `update_price` as the race panel shows it: both writers' store
    /// operations as they interleaved.
    pub fn race_trace(&self) -> crate::engine::Trace {
        crate::engine::Trace {
            operation: crate::engine::trace::OperationKind::Race,
            ..self.drawn()
        }
    }

    /// The failing schedule as a trace, if the check failed.
    pub fn trace(&self) -> Option<crate::engine::Trace> {
        self.broken.is_some().then(|| self.drawn())
    }
}

/// A run as the page needs it ([`Ran::of`]): the worker does the rest, so that the page's
/// bundle carries none of it.
#[derive(Clone, Debug, PartialEq)]
pub struct Ran {
    /// The statements to replay on the real stores ([`super::replay::statements`]).
    pub program: Vec<Statement>,
    /// The output pane's text: what it printed, where it connected, its traceback.
    pub output: String,
    /// Its error's last line, if it raised or was stopped.
    pub error: Option<String>,
    /// The trace's name: the product and price of the last row the learner's function wrote
    /// (else the program's last; empty if none).
    pub product: String,
    pub price: String,
}

impl Ran {
    /// `recording` of `source`, prepared.
    pub fn of(recording: &Recording, source: &str) -> Ran {
        let error = recording.ending.error();
        // Named by the call that was made: the last row the learner's function wrote (or, if
        // it wrote none, the program's last).
        let last_write = |in_function_only: bool| {
            recording.events.iter().rev().find_map(|e| match e {
                Event::DatabaseWrite {
                    key,
                    value,
                    in_function,
                    ..
                } if *in_function || !in_function_only => Some((key.clone(), value.clone())),
                _ => None,
            })
        };
        let (product, price) = last_write(true)
            .or_else(|| last_write(false))
            .unwrap_or_default();
        Ran {
            // Folded here, in the worker: the page gets a few dozen statements to draw for a
            // loop of 10,000 iterations, each one still applied to its stores.
            program: fold(statements(recording, source, 1)),
            output: output_of(recording),
            error,
            product,
            price,
        }
    }
}

/// The output pane's text for `recording`.
pub fn output_of(recording: &Recording) -> String {
    let mut out = String::new();
    let line = |out: &mut String, text: &str| {
        if !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
        out.push_str(text);
        out.push('\n');
    };
    for event in &recording.events {
        match event {
            Event::Print(text) => out.push_str(text),
            Event::Connect { host, port, .. } => {
                line(&mut out, &format!("[lab] {}", connect_note(host, port)));
            }
            _ => {}
        }
    }
    match &recording.ending {
        Ending::Finished => {}
        Ending::Raised { traceback, .. } => line(&mut out, traceback.trim_end()),
        Ending::Stopped(why) => line(&mut out, &format!("[lab] {why}")),
    }
    out
}

wire_enum!(Request {
    0 => Run { source, call, cache, rows, database_fails, cache_full, max_ms },
    1 => Check { step, answer },
    2 => Challenge { id, source },
    3 => Race { source, order },
});

wire_enum!(Response {
    0 => Ran(ran),
    1 => Checked { passed, message, rows },
    2 => Refused { message },
    3 => Challenged(challenged),
});

wire_struct!(Challenged {
    passed,
    message,
    schedules,
    faults,
    runs,
    product,
    price,
    broken,
    steps,
    challenge,
    calls
});

wire_enum!(Writer {
    0 => A,
    1 => B,
    2 => C,
});

wire_enum!(Scheduled {
    0 => Redis { argv, refused },
    1 => DatabaseRead { key },
    2 => DatabaseWrite { key, value, refused },
    3 => DatabaseDelete { key, refused },
    4 => Crash,
});

wire_struct!(Ran {
    program,
    output,
    error,
    product,
    price
});
wire_struct!(Statement {
    action,
    code,
    in_function
});
wire_struct!(CodeRef { python, rust });

wire_enum!(Action {
    0 => Local(text),
    1 => Effect(effect),
    2 => Raise(why),
    3 => Line { text, note },
    4 => Folded(fold),
});

wire_struct!(Fold {
    kind,
    lines,
    times,
    body
});

wire_enum!(FoldKind {
    0 => Repeats,
    1 => Cut,
});

wire_enum!(Effect {
    0 => Redis(argv),
    1 => Database { key, value },
    2 => DatabaseDelete { key },
});
