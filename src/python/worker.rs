//! What the interpreter's worker does with a request (`src/bin/python_worker.rs`): run the
//! learner's Python on copies of the stores the page sent, or check a lesson step, and answer
//! ([`super::wire`]). Only builds with the `interpreter` feature have it.

use std::collections::BTreeMap;

use super::wire::{Challenged, Ran, Request, Response};
use super::{lesson, run, Limits, Stores};
use crate::emulator::Emulator;
use crate::wire;

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

/// Answers one request (bytes) with a response (bytes); `now_ms` is the worker's clock
/// (milliseconds since the epoch).
pub fn handle(request: &[u8], now_ms: fn() -> f64) -> Vec<u8> {
    let response = match wire::decode::<Request>(request) {
        None => Response::Refused {
            message: "The interpreter could not read the request.".to_owned(),
        },
        Some(request) => answer(request, now_ms),
    };
    wire::encode(&response)
}

/// The checker's clients of the learner's program `source`: each runs one call of it.
fn clients_of(
    source: String,
    now_ms: fn() -> f64,
) -> impl Fn(&str) -> Box<dyn crate::checker::Process> {
    let source: std::rc::Rc<str> = std::rc::Rc::from(source);
    move |call: &str| -> Box<dyn crate::checker::Process> {
        Box::new(super::Client {
            source: std::rc::Rc::clone(&source),
            call: call.to_owned(),
            limits: Limits::client(),
            now_ms,
        })
    }
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
            let (recording, _) = run(&source, call.as_deref(), copies, limits, Box::new(now_ms));
            Response::Ran(Ran::of(&recording, &source))
        }
        Request::Race { source, order } => {
            let clients = clients_of(source, now_ms);
            let (run, broken, calls) = crate::challenges::race(&clients, &order);
            Response::Challenged(Challenged::of_race(&run, broken, calls))
        }
        Request::Challenge { id, source } => {
            let clients = clients_of(source, now_ms);
            match crate::challenges::check(&id, &clients) {
                Some(verdict) => Response::Challenged(Challenged::of(&verdict)),
                None => Response::Refused {
                    message: format!("There is no challenge {id:?}."),
                },
            }
        }
        Request::Check { step, answer } => {
            let verdict = match step {
                1 => lesson::check_step1(&answer).map(|()| Vec::new()),
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
