//! The learner's own Python, run on copies of the lab's stores and recorded (issue #13; the
//! interpreter is chosen in `docs/python.md`). RustPython runs the program; a prelude
//! (`prelude.py`) gives it the `redis` module (a redis-py 5 client whose commands go to the
//! lab's emulator), the `database` dictionary (whose writes are the table's), and `print`. A
//! trace function reports every line the learner's code runs. The result is a [`Recording`]:
//! the lines, the Redis commands with their replies, the database writes and the output, in
//! program order, and how the program ended.
//!
//! Python runs here synchronously, on copies ([`Stores`]): the emulator is the lab's own code
//! and the faults are known, so the copies answer as the real stores would. Replaying a
//! recording on the real stores, step by step, is the next layer.
//!
//! Limits: [`Limits::max_ms`] of time measured by the clock the caller gives (and, for a
//! checker's client only, [`Limits::max_steps`] lines); past them every further line raises
//! again (a learner's `except Exception:` cannot keep a runaway loop alive). A program from the
//! editor runs to its end or to its time limit, never to a count of steps: what it did is kept,
//! and long runs are folded for the page ([`fold`]).

pub mod colour;
pub mod editing;
#[cfg(feature = "interpreter")]
mod interpreter;
#[cfg(feature = "interpreter")]
pub mod lesson;
#[cfg(feature = "interpreter")]
pub mod lines;
pub mod programs;
pub mod replay;
#[cfg(feature = "interpreter")]
pub mod stdlib;
pub mod wire;
#[cfg(feature = "interpreter")]
pub mod worker;

use crate::emulator::Reply;

#[cfg(feature = "interpreter")]
pub use interpreter::{resume_client, run};

/// A learner's function called once (`update_price('product7', 340)`), as a client of the
/// challenges' checker: each resume runs the program again (its own setup on throwaway copies
/// of the seed stores), then the call, with its store calls answered by the checker.
#[cfg(feature = "interpreter")]
pub struct Client {
    /// The learner's program (it defines the function).
    pub source: std::rc::Rc<str>,
    /// The call to check.
    pub call: String,
    pub limits: Limits,
    /// The clock for the time limit.
    pub now_ms: fn() -> f64,
}

#[cfg(feature = "interpreter")]
impl crate::checker::Process for Client {
    fn resume(&mut self, got: &[crate::checker::Outcome]) -> crate::checker::Next {
        resume_client(
            &self.source,
            &self.call,
            Stores::seeded(0),
            got,
            self.limits,
            Box::new(self.now_ms),
        )
    }
}

/// The file name the learner's code runs under (in tracebacks).
pub const LEARNER_FILE: &str = "update_price.py";

/// One thing the program did, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// The learner's line `n` (1-based) is about to run.
    Line(u32),
    /// `redis.Redis(host=…, port=…, db=…)`: whatever is written, the client is the lab's Redis.
    Connect {
        host: String,
        port: String,
        db: String,
    },
    /// A Redis command and the emulator's reply. `in_function`, here and below: made inside the
    /// learner's `update_price` (or a challenge's function), where the lab's faults strike.
    Redis {
        argv: Vec<Vec<u8>>,
        reply: Reply,
        in_function: bool,
    },
    /// `database[key] = value`: the row written (the value as the table keeps it, as text).
    DatabaseWrite {
        key: String,
        value: String,
        ok: bool,
        in_function: bool,
    },
    /// `del database[key]`.
    DatabaseDelete { key: String, in_function: bool },
    /// Text the program printed.
    Print(String),
}

/// How the program ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ending {
    /// It ran to its end.
    Finished,
    /// It raised: the exception's class (`NameError`), its line in the learner's code (0 if
    /// none) and the traceback as Python prints it.
    Raised {
        kind: String,
        line: u32,
        traceback: String,
    },
    /// It was stopped: too many steps, or too long.
    Stopped(String),
}

impl Ending {
    /// What went wrong in one line, or `None` if it finished: the traceback's last line
    /// (`ZeroDivisionError: division by zero`), or why it was stopped.
    pub fn error(&self) -> Option<String> {
        match self {
            Ending::Finished => None,
            Ending::Raised {
                kind, traceback, ..
            } => Some(
                traceback
                    .lines()
                    .last()
                    .map_or_else(|| kind.clone(), str::to_owned),
            ),
            Ending::Stopped(why) => Some(why.clone()),
        }
    }
}

/// What a run did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recording {
    pub events: Vec<Event>,
    pub ending: Ending,
}

impl Recording {
    /// Everything the program printed.
    pub fn output(&self) -> String {
        self.events
            .iter()
            .filter_map(|e| match e {
                Event::Print(text) => Some(text.as_str()),
                _ => None,
            })
            .collect()
    }

    /// The lines that ran, in order.
    pub fn lines(&self) -> Vec<u32> {
        self.events
            .iter()
            .filter_map(|e| match e {
                Event::Line(n) => Some(*n),
                _ => None,
            })
            .collect()
    }
}

/// The copies the program runs on ([`Copies`](crate::engine::copies::Copies): the same
/// copies races and the checker use).
pub type Stores = crate::engine::copies::Copies;

/// How far a run may go.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Limits {
    /// Lines: unbounded for a program ([`Limits::default`]); a checker's client, run hundreds
    /// of times, is cut sooner ([`Limits::client`]).
    pub max_steps: usize,
    pub max_ms: f64,
    /// Python's recursion limit: deeper calls raise `RecursionError`. Lower than CPython's 1000
    /// because in the browser the JavaScript engine's stack (about 1 MB in a worker) runs out
    /// at a depth between 400 and 600 of RustPython's frames (measured), which would end the
    /// interpreter instead of raising.
    pub max_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_steps: usize::MAX,
            max_ms: 1_000.0,
            max_depth: 200,
        }
    }
}

impl Limits {
    /// A checker's client: a function called hundreds of times, so a runaway loop is cut at
    /// 10,000 lines rather than after a second each time.
    pub fn client() -> Limits {
        Limits {
            max_steps: 10_000,
            ..Limits::default()
        }
    }
}

/// A traceback with a run of identical frames shown three times, then
/// `[Previous line repeated N more times]`, as CPython prints deep recursion.
pub fn collapse_repeats(traceback: &str) -> String {
    let lines: Vec<&str> = traceback.lines().collect();
    let mut out = String::with_capacity(traceback.len().min(4096));
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        // A frame is its `File …` line and, if present, the indented source line below it.
        let frame_len = if line.trim_start().starts_with("File ")
            && lines.get(i + 1).is_some_and(|next| {
                next.starts_with("    ") && !next.trim_start().starts_with("File ")
            }) {
            2
        } else {
            1
        };
        let frame = &lines[i..(i + frame_len).min(lines.len())];
        let mut repeats = 1;
        while lines.get(i + repeats * frame_len..i + (repeats + 1) * frame_len) == Some(frame) {
            repeats += 1;
        }
        let shown = repeats.min(3);
        for _ in 0..shown {
            for l in frame {
                out.push_str(l);
                out.push('\n');
            }
        }
        if repeats > 3 {
            out.push_str(&format!(
                "  [Previous line repeated {} more times]\n",
                repeats - 3
            ));
        }
        i += repeats * frame_len;
    }
    out
}
