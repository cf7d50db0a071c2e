//! What the page and the interpreter's worker say to each other (`src/bin/python_worker.rs`):
//! a [`Request`] as JSON in, a [`Response`] as JSON out. The worker runs Python on copies of the
//! stores the page sends with the request ([`Request::Run`]), or checks a lesson step on fresh
//! seed stores ([`Request::Check`]); the page replays the recording on the real stores.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{lesson, run, Ending, Limits, Recording, Stores};
use crate::emulator::Emulator;

/// What the page asks.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Request {
    /// Run `source`, then `call` if given, on copies of the page's stores.
    Run {
        source: String,
        #[serde(default)]
        call: Option<String>,
        /// The cache's keyspace as commands ([`crate::hub::rewrite`]).
        cache: Vec<Vec<Vec<u8>>>,
        /// The database's rows, `id → price`.
        rows: Vec<(String, String)>,
        /// The "database write fails" fault.
        #[serde(default)]
        database_fails: bool,
        /// The "cache write fails" fault (Redis out of memory).
        #[serde(default)]
        cache_full: bool,
        /// The time limit (the step limit is [`Limits::default`]'s).
        max_ms: f64,
    },
    /// Check lesson step `step` (2 to 4) by running `answer` (Python source).
    Check { step: u8, answer: String },
}

/// What the worker answers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Response {
    /// The run's recording, and the database's rows on the copy afterwards.
    Ran {
        recording: Recording,
        rows: Vec<(String, String)>,
    },
    /// A lesson step's verdict; for step 2, the rows the learner's `database` holds.
    Checked {
        passed: bool,
        message: String,
        rows: Vec<(String, String)>,
    },
    /// The request could not be read.
    Refused { message: String },
}

/// The copies a [`Request::Run`] describes, on the worker's clock.
fn stores(
    cache: &[Vec<Vec<u8>>],
    rows: Vec<(String, String)>,
    database_fails: bool,
    cache_full: bool,
    clock: impl Fn() -> i64 + 'static,
) -> Stores {
    let mut redis = Emulator::new(Box::new(clock), 1);
    for argv in cache {
        redis.run(argv);
    }
    redis.set_out_of_memory(cache_full);
    Stores {
        redis,
        rows: rows.into_iter().collect::<BTreeMap<_, _>>(),
        database_fails,
    }
}

/// Answers one request; `now_ms` is the worker's clock (milliseconds since the epoch).
pub fn handle(request: &str, now_ms: fn() -> f64) -> String {
    let response = match serde_json::from_str::<Request>(request) {
        Err(e) => Response::Refused {
            message: format!("The interpreter could not read the request: {e}"),
        },
        Ok(request) => answer(request, now_ms),
    };
    serde_json::to_string(&response).unwrap_or_else(|e| {
        format!("{{\"kind\":\"refused\",\"message\":\"could not write the answer: {e}\"}}")
    })
}

/// Answers one request.
pub fn answer(request: Request, now_ms: fn() -> f64) -> Response {
    match request {
        Request::Run {
            source,
            call,
            cache,
            rows,
            database_fails,
            cache_full,
            max_ms,
        } => {
            let copies = stores(&cache, rows, database_fails, cache_full, move || {
                now_ms() as i64
            });
            let limits = Limits {
                max_ms,
                ..Limits::default()
            };
            let (recording, after) =
                run(&source, call.as_deref(), copies, limits, Box::new(now_ms));
            Response::Ran {
                recording,
                rows: after.rows.into_iter().collect(),
            }
        }
        Request::Check { step, answer } => {
            let verdict = match step {
                2 => lesson::database_of(&answer),
                3 => lesson::check_update(&answer, false).map(|()| Vec::new()),
                4 => lesson::check_update(&answer, true).map(|()| Vec::new()),
                n => Err(format!(
                    "Step {n} is not checked by running Python (steps 2 to 4 are)."
                )),
            };
            match verdict {
                Ok(rows) => Response::Checked {
                    passed: true,
                    message: lesson::passed_message(step).to_owned(),
                    rows,
                },
                Err(message) => Response::Checked {
                    passed: false,
                    message,
                    rows: Vec::new(),
                },
            }
        }
    }
}

impl Recording {
    /// Whether the program ran to its end.
    pub fn finished(&self) -> bool {
        self.ending == Ending::Finished
    }
}
