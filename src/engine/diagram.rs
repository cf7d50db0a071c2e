//! A trace as a sequence diagram: who sends what to whom, in order, what comes back, where a
//! step failed, where the application crashed, and the windows in which the two stores
//! disagree. Derived from the trace alone (no layout written per pattern); the interface draws
//! it as SVG.

use super::pattern::Pattern;
use super::trace::{Actor, OperationKind, Outcome, Step, StepKind, Trace, Wire, Writer};

/// A participant of the diagram, drawn as a vertical line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lifeline {
    Application,
    /// One of the two writers of a race.
    Writer(Writer),
    /// Another tab of the lab, writing the same shared stores.
    OtherTab,
    /// Write-behind's queue of pending database writes.
    Queue,
    Cache,
    Database,
}

impl Lifeline {
    /// Its heading.
    pub fn title(self) -> &'static str {
        match self {
            Lifeline::Application => "Application",
            Lifeline::Writer(Writer::A) => "Writer A",
            Lifeline::Writer(Writer::B) => "Writer B",
            Lifeline::Writer(Writer::C) => "Writer C",
            Lifeline::OtherTab => "Another tab",
            Lifeline::Queue => "Write-behind queue",
            Lifeline::Cache => "Redis cache",
            Lifeline::Database => "Database",
        }
    }

    /// Its heading in `trace` (a writer of a counterexample that only reads is a reader).
    pub fn title_in(self, trace: &Trace) -> String {
        match self {
            Lifeline::Writer(w) => trace.role_of(w),
            other => other.title().to_owned(),
        }
    }

    /// A short name for class names and `data-` attributes.
    pub fn id(self) -> &'static str {
        match self {
            Lifeline::Application => "application",
            Lifeline::Writer(Writer::A) => "writer-a",
            Lifeline::Writer(Writer::B) => "writer-b",
            Lifeline::Writer(Writer::C) => "writer-c",
            Lifeline::OtherTab => "other-tab",
            Lifeline::Queue => "queue",
            Lifeline::Cache => "cache",
            Lifeline::Database => "database",
        }
    }
}

/// One step as an arrow: a message from one lifeline to another (with the reply that comes
/// back), or an action of a lifeline on its own (`from == to`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Arrow {
    /// The step's index in the trace.
    pub step: usize,
    pub from: Lifeline,
    pub to: Lifeline,
    /// What is sent: the Redis command, the database write, `check(...)`.
    pub label: String,
    /// What comes back (`(integer) 0`, `committed (revision 2)`, `OOM ...`), if anything does.
    pub reply: Option<String>,
    /// Whether the step succeeded; a failed one is drawn with a cross.
    pub ok: bool,
    /// The application stopped here: its lifeline ends.
    pub crash: bool,
    /// The arrow in words, for screen readers and the arrow's title.
    pub description: String,
}

/// A run of steps after which the cache and the database disagree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Window {
    /// The first step after which they disagree.
    pub from: usize,
    /// The last step after which they still disagree.
    pub to: usize,
    /// Whether they still disagree at the end of the trace.
    pub lasting: bool,
    /// Whether the pattern means it: write-through's brief window between its two writes.
    pub expected: bool,
    /// One sentence for the learner.
    pub label: String,
}

/// The diagram of a trace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagram {
    /// Left to right.
    pub lifelines: Vec<Lifeline>,
    /// One per step, in order.
    pub arrows: Vec<Arrow>,
    pub windows: Vec<Window>,
}

impl Diagram {
    /// The diagram of `trace`.
    pub fn of(trace: &Trace) -> Diagram {
        let race = trace.operation.has_writers();
        let queue = (trace.pattern == Pattern::WriteBehind
            && matches!(
                trace.operation,
                OperationKind::UpdatePrice | OperationKind::Flush
            ))
            || trace
                .steps
                .iter()
                .any(|s| s.actor == Actor::Queue || s.kind == StepKind::Flush);
        let mut lifelines = if race {
            trace.writers().into_iter().map(Lifeline::Writer).collect()
        } else {
            vec![Lifeline::Application]
        };
        if trace.steps.iter().any(|s| s.kind == StepKind::OtherTab) {
            lifelines.push(Lifeline::OtherTab);
        }
        if queue {
            lifelines.push(Lifeline::Queue);
        }
        lifelines.extend([Lifeline::Cache, Lifeline::Database]);
        Diagram {
            lifelines,
            arrows: trace.steps.iter().map(|s| arrow(trace, s)).collect(),
            windows: windows(trace),
        }
    }

    /// The index of `lifeline` from the left.
    pub fn column(&self, lifeline: Lifeline) -> usize {
        self.lifelines
            .iter()
            .position(|l| *l == lifeline)
            .unwrap_or(0)
    }

    /// The step at which the application's lifeline ends (a crash), if it does.
    pub fn crash_step(&self) -> Option<usize> {
        self.arrows.iter().find(|a| a.crash).map(|a| a.step)
    }

    /// The disagreement window `step` is in, if any.
    pub fn window_at(&self, step: usize) -> Option<&Window> {
        self.windows
            .iter()
            .find(|w| (w.from..=w.to).contains(&step))
    }
}

/// What one step's command put on the wire, as lines of text: a note of the downloaded diagram
/// (the page shows the same in "On the wire").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WireNote {
    /// The step's index in the trace (the diagram numbers it one more).
    pub step: usize,
    /// `3. HSET product_prices product1 150`.
    pub title: String,
    /// The arguments, then each frame's lines with `\r\n` written out; none longer than the
    /// width asked for.
    pub lines: Vec<String>,
}

/// The notes of every step of `trace` whose command reached Redis, each line at most `width`
/// characters (at least 40): a long argument or value is cut, saying how much was left out, and
/// only what is shown is written out.
pub fn wire_notes(trace: &Trace, width: usize) -> Vec<WireNote> {
    let width = width.max(40);
    // Text (a title, a label) cut to `max` characters, saying how many were left out.
    let clip = |text: &str, max: usize| -> String {
        let count = text.chars().count();
        if count <= max {
            return text.to_owned();
        }
        let keep = max.saturating_sub(format!("… ({count} more)").chars().count());
        let kept: String = text.chars().take(keep).collect();
        format!("{kept}… ({} more)", count - keep)
    };
    let frame = |label: &str, bytes: &[u8], lines: &mut Vec<String>| {
        lines.push(clip(label, width));
        for line in bytes.split_inclusive(|&b| b == b'\n') {
            lines.push(format!("  {}", Wire::shown_cut(line, false, width - 2)));
        }
    };
    trace
        .steps
        .iter()
        .enumerate()
        .filter_map(|(i, step)| {
            let wire = step.wire.as_ref()?;
            let mut arguments = format!("{} arguments:", wire.argv.len());
            for arg in &wire.argv {
                let room = width.saturating_sub(arguments.chars().count() + 3);
                let shown = Wire::shown_cut(arg, false, room.max(24));
                if shown.chars().count() > room {
                    arguments.push_str(" …");
                    break;
                }
                arguments.push_str(&format!(" [{shown}]"));
            }
            let mut lines = vec![arguments];
            let (reply2, reply3) = (wire.reply2(), wire.reply3());
            frame("Request (RESP2 and RESP3):", &wire.request(), &mut lines);
            frame("Reply, RESP2:", &reply2, &mut lines);
            if reply3 == reply2 {
                lines.push(clip("Reply, RESP3 (after HELLO 3): the same bytes.", width));
            } else {
                frame("Reply, RESP3 (after HELLO 3):", &reply3, &mut lines);
            }
            let number = format!("{}. ", i + 1);
            let title = number.clone() + &clip(&step.action, width - number.len());
            Some(WireNote {
                step: i,
                title,
                lines,
            })
        })
        .collect()
}

/// Who runs the application's side of `step`.
fn sender(step: &Step) -> Lifeline {
    match step.writer {
        Some(w) => Lifeline::Writer(w),
        None => Lifeline::Application,
    }
}

fn arrow(trace: &Trace, step: &Step) -> Arrow {
    let me = sender(step);
    let (from, to, reply) = match step.kind {
        StepKind::CacheRead
        | StepKind::CacheWrite
        | StepKind::CacheInvalidate
        | StepKind::CacheRetry
        | StepKind::CacheRestore
        | StepKind::Reconcile => (me, Lifeline::Cache, Some(step.result.clone())),
        StepKind::DatabaseWrite | StepKind::DatabaseRead => {
            (me, Lifeline::Database, Some(step.result.clone()))
        }
        StepKind::Enqueue => (me, Lifeline::Queue, Some(step.result.clone())),
        StepKind::OtherTab => (
            Lifeline::OtherTab,
            if step.actor == Actor::Database {
                Lifeline::Database
            } else {
                Lifeline::Cache
            },
            Some(step.result.clone()),
        ),
        // Queued writes go from the queue to the database.
        StepKind::Flush => (
            Lifeline::Queue,
            Lifeline::Database,
            Some(step.result.clone()),
        ),
        StepKind::Validate
        | StepKind::Reject
        | StepKind::BuildCommand
        | StepKind::Crash
        | StepKind::Detect
        | StepKind::Wait
        | StepKind::Raise
        | StepKind::Folded
        | StepKind::Done => (me, me, None),
    };
    let label = match step.kind {
        StepKind::Done => match &trace.outcome {
            Outcome::Completed => "return".to_owned(),
            other => format!("return ({other})"),
        },
        _ => step.action.clone(),
    };
    let description = if from == to {
        format!(
            "Step {}: {} — {}{}",
            step.index + 1,
            from.title_in(trace),
            label,
            if step.ok { "" } else { " (failed)" }
        )
    } else {
        format!(
            "Step {}: {} sends {} to {}; {} answers {}",
            step.index + 1,
            from.title_in(trace),
            label,
            to.title_in(trace),
            to.title_in(trace),
            reply.as_deref().unwrap_or("nothing")
        )
    };
    Arrow {
        step: step.index,
        from,
        to,
        label,
        reply: reply.filter(|r| !r.is_empty()),
        ok: step.ok,
        crash: step.kind == StepKind::Crash,
        description,
    }
}

/// The runs of steps after which the stores disagree, each labelled for the learner.
pub fn windows(trace: &Trace) -> Vec<Window> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let last = trace.steps.len().saturating_sub(1);
    for step in &trace.steps {
        match (step.consistency.in_step, start) {
            (false, None) => start = Some(step.index),
            (true, Some(from)) => {
                out.push(window(trace, from, step.index - 1, false));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(from) = start {
        out.push(window(trace, from, last, true));
    }
    out
}

fn window(trace: &Trace, from: usize, to: usize, lasting: bool) -> Window {
    let steps = |a: usize, b: usize| {
        if a == b {
            format!("step {}", a + 1)
        } else {
            format!("steps {}–{}", a + 1, b + 1)
        }
    };
    let expected = !lasting
        && trace.operation == OperationKind::UpdatePrice
        && matches!(
            trace.pattern,
            Pattern::WriteThrough | Pattern::WriteThroughCacheFirst
        );
    let label = if !lasting {
        let closed_by = trace.steps.get(to + 1).map_or(0, |s| s.index + 1);
        format!(
            "The stores disagree after {}: {}; step {closed_by} brings them back in step.",
            steps(from, to),
            if expected {
                "expected between the two writes, and brief"
            } else {
                "brief"
            }
        )
    } else if trace.outcome == Outcome::Crashed {
        format!(
            "The stores disagree from step {} on: the crash left the cache stale until the application restarts and recovers.",
            from + 1
        )
    } else if trace.pattern == Pattern::WriteBehind && !trace.operation.has_writers() {
        format!(
            "The stores disagree from step {} on: the database is behind until the queue is flushed.",
            from + 1
        )
    } else {
        format!(
            "The stores disagree from step {} on, and still at the end: a read now gets a stale price.",
            from + 1
        )
    };
    Window {
        from,
        to,
        lasting,
        expected,
        label,
    }
}
