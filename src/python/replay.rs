//! A [`Recording`] as the statements the engine runs on the lab's real stores
//! ([`crate::engine::program`]): each line the program ran is a step at that line; a line that
//! wrote or read a store is one step per Redis command or database write, in the order the
//! program made them; an error ends the program at its line. The lab then records the trace,
//! with its faults, its stage, its diagram and its playback, as for a built-in pattern.

use super::{Ending, Event, Recording};
use crate::engine::program::{Action, Statement};
use crate::engine::trace::CodeRef;
use crate::engine::Effect;

/// What `redis.Redis(host=…, port=…)` is told: whatever is written, the client is the lab's.
pub fn connect_note(host: &str, port: &str) -> String {
    format!("redis.Redis(host={host:?}, port={port}) connects to the lab's embedded Redis: in the lab every client does, whatever host and port are written.")
}

fn at(line: u32) -> CodeRef {
    CodeRef {
        python: line,
        rust: 0,
    }
}

/// The statements of `recording`, whose program is `source` (for the text of each line). Only
/// the events from line `from` on are kept (1: all of them; the line of `def update_price` + 1:
/// the function's body, when the module's own lines were run before).
pub fn statements(recording: &Recording, source: &str, from: u32) -> Vec<Statement> {
    let text = |line: u32| {
        source
            .lines()
            .nth(line.saturating_sub(1) as usize)
            .unwrap_or_default()
            .trim()
            .to_owned()
    };
    let mut out = Vec::new();
    // The line running now, and whether it has made a step yet.
    let mut current: Option<(u32, bool)> = None;
    let mut keep = from <= 1;
    // What the line running now printed (or connected to), for its step.
    let mut note = String::new();
    let close =
        |current: Option<(u32, bool)>, out: &mut Vec<Statement>, keep: bool, note: &mut String| {
            if let (Some((line, false)), true) = (current, keep) {
                out.push(Statement {
                    in_function: true,
                    action: if from <= 1 {
                        Action::Line {
                            text: text(line),
                            note: note.trim_end().to_owned(),
                        }
                    } else {
                        Action::Local(text(line))
                    },
                    code: at(line),
                });
            }
            note.clear();
        };
    for event in &recording.events {
        match event {
            Event::Line(line) => {
                close(current, &mut out, keep, &mut note);
                keep = keep || *line >= from;
                current = Some((*line, false));
            }
            Event::Print(printed) => {
                if note.is_empty() {
                    note.push_str("it prints: ");
                }
                note.push_str(printed);
            }
            Event::Connect { host, port, .. } => {
                note.push_str(&connect_note(host, port));
            }
            Event::Redis {
                argv, in_function, ..
            } if keep => {
                let line = current.map_or(0, |(l, _)| l);
                out.push(Statement {
                    in_function: *in_function,
                    action: Action::Effect(Effect::Redis(argv.clone())),
                    code: at(line),
                });
                current = current.map(|(l, _)| (l, true));
            }
            Event::DatabaseWrite {
                key,
                value,
                in_function,
                ..
            } if keep => {
                let line = current.map_or(0, |(l, _)| l);
                out.push(Statement {
                    in_function: *in_function,
                    action: Action::Effect(Effect::Database {
                        key: key.clone(),
                        value: value.clone(),
                    }),
                    code: at(line),
                });
                current = current.map(|(l, _)| (l, true));
            }
            Event::DatabaseDelete { key, in_function } if keep => {
                let line = current.map_or(0, |(l, _)| l);
                out.push(Statement {
                    in_function: *in_function,
                    action: Action::Effect(Effect::DatabaseDelete { key: key.clone() }),
                    code: at(line),
                });
                current = current.map(|(l, _)| (l, true));
            }
            _ => {}
        }
    }
    match &recording.ending {
        Ending::Finished => close(current, &mut out, keep, &mut note),
        Ending::Raised { line, .. } => out.push(Statement {
            in_function: true,
            action: Action::Raise(recording.ending.error().unwrap_or_default()),
            code: at(*line),
        }),
        Ending::Stopped(why) => out.push(Statement {
            in_function: true,
            action: Action::Raise(why.clone()),
            code: at(current.map_or(0, |(l, _)| l)),
        }),
    }
    out
}
