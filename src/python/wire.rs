//! What the page and the interpreter's worker say to each other (`src/bin/python_worker.rs`):
//! a [`Request`] in, a [`Response`] out, as bytes in the hub's codec ([`crate::hub::codec`]:
//! length-prefixed strings and lists, a tag byte per variant), not JSON: the page's bundle
//! carries the decoder, and this one adds about no code to it. The worker runs Python on copies
//! of the stores the page sends with the request ([`Request::Run`]), or checks a lesson step on
//! fresh seed stores ([`Request::Check`]); the page replays the recording on the real stores.

use std::collections::BTreeMap;

use super::replay::{connect_note, statements};
use super::{lesson, run, Ending, Event, Limits, Recording, Stores};
use crate::emulator::Emulator;
use crate::engine::program::{Action, Statement};
use crate::engine::trace::CodeRef;
use crate::engine::Effect;
use crate::hub::codec::{Reader, Writer};

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
        /// The time limit (the step limit is [`Limits::default`]'s).
        max_ms: f64,
    },
    /// Check lesson step `step` (2 to 4) by running `answer` (Python source).
    Check { step: u8, answer: String },
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
    Refused { message: String },
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
    /// The trace's name: the last database write's product and price (empty if none).
    pub product: String,
    pub price: String,
}

impl Ran {
    /// `recording` of `source`, prepared.
    pub fn of(recording: &Recording, source: &str) -> Ran {
        let error = match &recording.ending {
            Ending::Finished => None,
            Ending::Raised {
                traceback, kind, ..
            } => Some(
                traceback
                    .lines()
                    .last()
                    .map_or_else(|| kind.clone(), str::to_owned),
            ),
            Ending::Stopped(why) => Some(why.clone()),
        };
        let (product, price) = recording
            .events
            .iter()
            .rev()
            .find_map(|e| match e {
                Event::DatabaseWrite { key, value, .. } => Some((key.clone(), value.clone())),
                _ => None,
            })
            .unwrap_or_default();
        Ran {
            program: statements(recording, source, 1),
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
    let response = match decode_request(request) {
        None => Response::Refused {
            message: "The interpreter could not read the request.".to_owned(),
        },
        Some(request) => answer(request, now_ms),
    };
    encode_response(&response)
}

fn text(w: &mut Writer, s: &str) {
    w.bytes(s.as_bytes());
}

fn read_text(r: &mut Reader<'_>) -> Option<String> {
    String::from_utf8(r.bytes()?).ok()
}

fn pairs(w: &mut Writer, rows: &[(String, String)]) {
    w.len(rows.len());
    for (k, v) in rows {
        text(w, k);
        text(w, v);
    }
}

fn read_pairs(r: &mut Reader<'_>) -> Option<Vec<(String, String)>> {
    let n = r.count()?;
    (0..n)
        .map(|_| Some((read_text(r)?, read_text(r)?)))
        .collect()
}

fn flag(w: &mut Writer, on: bool) {
    w.u8(u8::from(on));
}

/// A request as bytes.
pub fn encode_request(request: &Request) -> Vec<u8> {
    let mut w = Writer(Vec::new());
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
            w.u8(0);
            text(&mut w, source);
            flag(&mut w, call.is_some());
            text(&mut w, call.as_deref().unwrap_or_default());
            w.len(cache.len());
            for argv in cache {
                w.argv(argv);
            }
            pairs(&mut w, rows);
            flag(&mut w, *database_fails);
            flag(&mut w, *cache_full);
            w.i64(*max_ms as i64);
        }
        Request::Check { step, answer } => {
            w.u8(1);
            w.u8(*step);
            text(&mut w, answer);
        }
    }
    w.0
}

/// A request from bytes.
pub fn decode_request(bytes: &[u8]) -> Option<Request> {
    let mut r = Reader(bytes);
    let request = match r.u8()? {
        0 => {
            let source = read_text(&mut r)?;
            let has_call = r.u8()? != 0;
            let call = read_text(&mut r)?;
            let n = r.count()?;
            let cache = (0..n).map(|_| r.argv()).collect::<Option<Vec<_>>>()?;
            let rows = read_pairs(&mut r)?;
            Request::Run {
                source,
                call: has_call.then_some(call),
                cache,
                rows,
                database_fails: r.u8()? != 0,
                cache_full: r.u8()? != 0,
                max_ms: r.i64()? as f64,
            }
        }
        1 => Request::Check {
            step: r.u8()?,
            answer: read_text(&mut r)?,
        },
        _ => return None,
    };
    r.done(request)
}

/// A response as bytes.
pub fn encode_response(response: &Response) -> Vec<u8> {
    let mut w = Writer(Vec::new());
    match response {
        Response::Ran(ran) => {
            w.u8(0);
            w.len(ran.program.len());
            for statement in &ran.program {
                w.u32(statement.code.python);
                w.u32(statement.code.rust);
                match &statement.action {
                    Action::Local(t) => {
                        w.u8(0);
                        text(&mut w, t);
                    }
                    Action::Effect(Effect::Redis(command)) => {
                        w.u8(1);
                        text(&mut w, command);
                    }
                    Action::Effect(Effect::Database { key, value }) => {
                        w.u8(2);
                        text(&mut w, key);
                        text(&mut w, value);
                    }
                    Action::Raise(why) => {
                        w.u8(3);
                        text(&mut w, why);
                    }
                    Action::Line { text: t, note } => {
                        w.u8(4);
                        text(&mut w, t);
                        text(&mut w, note);
                    }
                    Action::Delete(key) => {
                        w.u8(5);
                        text(&mut w, key);
                    }
                }
            }
            text(&mut w, &ran.output);
            flag(&mut w, ran.error.is_some());
            text(&mut w, ran.error.as_deref().unwrap_or_default());
            text(&mut w, &ran.product);
            text(&mut w, &ran.price);
        }
        Response::Checked {
            passed,
            message,
            rows,
        } => {
            w.u8(1);
            flag(&mut w, *passed);
            text(&mut w, message);
            pairs(&mut w, rows);
        }
        Response::Refused { message } => {
            w.u8(2);
            text(&mut w, message);
        }
    }
    w.0
}

/// A response from bytes.
pub fn decode_response(bytes: &[u8]) -> Option<Response> {
    let mut r = Reader(bytes);
    let response = match r.u8()? {
        0 => {
            let n = r.count()?;
            let mut program = Vec::with_capacity(n);
            for _ in 0..n {
                let code = CodeRef {
                    python: r.u32()?,
                    rust: r.u32()?,
                };
                let action = match r.u8()? {
                    0 => Action::Local(read_text(&mut r)?),
                    1 => Action::Effect(Effect::Redis(read_text(&mut r)?)),
                    2 => Action::Effect(Effect::Database {
                        key: read_text(&mut r)?,
                        value: read_text(&mut r)?,
                    }),
                    3 => Action::Raise(read_text(&mut r)?),
                    4 => Action::Line {
                        text: read_text(&mut r)?,
                        note: read_text(&mut r)?,
                    },
                    5 => Action::Delete(read_text(&mut r)?),
                    _ => return None,
                };
                program.push(Statement { action, code });
            }
            let output = read_text(&mut r)?;
            let has_error = r.u8()? != 0;
            let error = read_text(&mut r)?;
            Response::Ran(Ran {
                program,
                output,
                error: has_error.then_some(error),
                product: read_text(&mut r)?,
                price: read_text(&mut r)?,
            })
        }
        1 => Response::Checked {
            passed: r.u8()? != 0,
            message: read_text(&mut r)?,
            rows: read_pairs(&mut r)?,
        },
        2 => Response::Refused {
            message: read_text(&mut r)?,
        },
        _ => return None,
    };
    r.done(response)
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
