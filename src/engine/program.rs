//! Code written outside the engine — the learner's own `update_price` from the lesson — run on
//! the lab's stores as a trace, line by line, with the lab's faults switched on as they are. The
//! caller turns its code into [`Statement`]s (what each line does, and where it is); the engine
//! runs them in order, so that the stage, the diagram and playback work for the learner's code
//! exactly as for the built-in patterns.

use std::collections::BTreeMap;
use std::rc::Rc;

use super::faults::Faults;
use super::fold::{grouped, Fold, FoldKind};
use super::lab::Lab;
use super::recorder::StepText;
use super::scripted::{command_line, Effect};
use super::trace::{
    diff, Actor, CodeRef, Folded, FoldedRow, OperationKind, Outcome, StepKind, Store, Trace,
};
use crate::db::Database;
use crate::emulator::cmd::{access_of, Access};
use crate::emulator::Reply;

/// What one line of the program does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// It changes only the program's own variables: `redis_command = "HSET …"` (the text is
    /// the assignment with its value).
    Local(String),
    /// It writes or reads a store.
    Effect(Effect),
    /// It raises, as Python would (`NameError: …`): the program stops there.
    Raise(String),
    /// A line of a recorded Python program that touched no store: its text, and what it
    /// printed or what the learner should know about it (empty if nothing).
    Line { text: String, note: String },
    /// Many statements of a long program, run on the stores and shown as one step
    /// ([`super::fold`]).
    Folded(Box<Fold>),
}

/// A line of the program: what it does, and the line of its listing (1-based) it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement {
    pub action: Action,
    pub code: CodeRef,
    /// Made inside the learner's function (`update_price`, or a challenge's `get_price`,
    /// `flush`, `recover`): the lab's fault switches strike it. A program's own setup of the
    /// stores (`database = {…}`, the `HSET` of step 1) they leave alone.
    pub in_function: bool,
}

/// The kind of step a Redis command is: what its [`Spec`](crate::emulator::cmd::Spec) says it
/// does to the data (a command the emulator does not know is drawn as a write: Redis will
/// refuse it, and the step shows the error).
pub(super) fn cache_kind(argv: &[Vec<u8>]) -> StepKind {
    match access_of(argv) {
        Some(Access::Read) => StepKind::CacheRead,
        Some(Access::Remove) => StepKind::CacheInvalidate,
        Some(Access::Write) | None => StepKind::CacheWrite,
    }
}

impl<D: Database> Lab<D> {
    /// Runs `program`, the learner's `update_price(product, new_price)`, on the lab's stores
    /// as a trace ([`OperationKind::Program`]). A database write goes through the faults (a
    /// failure raises and stops the program, as `DatabaseError` would); "crash between the
    /// writes" stops it after its first write to a store.
    pub async fn run_program(
        &self,
        program: &[Statement],
        product: &str,
        new_price: &str,
    ) -> Trace {
        self.run_statements(program, product, new_price, OperationKind::Program)
            .await
    }

    /// Runs the statements of a recorded Python program ([`crate::python::replay`]) on the
    /// lab's stores as a trace ([`OperationKind::Python`]). Unlike [`Lab::run_program`], a
    /// failed database write does not end it: the recording goes on as the program did (it may
    /// catch the `DatabaseError`), and ends with the program's own `raise` if it did not.
    pub async fn run_recorded(
        &self,
        program: &[Statement],
        product: &str,
        new_price: &str,
    ) -> Trace {
        self.run_statements(program, product, new_price, OperationKind::Python)
            .await
    }

    async fn run_statements(
        &self,
        program: &[Statement],
        product: &str,
        new_price: &str,
        operation: OperationKind,
    ) -> Trace {
        let recorded = operation == OperationKind::Python;
        let _guard = self.lock.lock().await;
        let mut rec = self.recorder(operation, product, new_price);
        if self.crashed.get() {
            let message = "The application is down after a crash: restart it first (it recovers, then serves).".to_owned();
            self.reject(&mut rec, CodeRef::NONE, message);
            return rec.trace;
        }
        let mut writes = 0;
        let switched_on = self.faults();
        for (i, statement) in program.iter().enumerate() {
            // The faults strike the function's writes only: the setup runs with them off.
            if !statement.in_function {
                self.set_faults(Faults::default());
            }
            let before = writes;
            let ended = self
                .run_statement(&mut rec, statement, recorded, &mut writes)
                .await;
            if !statement.in_function {
                self.set_faults(switched_on);
                writes = before;
            }
            if ended {
                return rec.trace;
            }
            if writes == 1 && before == 0 && self.crash_if_on(&mut rec, program.get(i + 1).map_or(CodeRef::NONE, |next| next.code), || {
                "The page crashes after your function's first write and before the rest of it ran.".to_owned()
            }) {
                return rec.trace;
            }
        }
        // One verdict: what other tabs wrote meanwhile goes first, so that the closing words
        // and the closing step's badge are about the same stores.
        self.record_other_tabs(&mut rec);
        let consistency = self.stores.consistency();
        self.done(
            &mut rec,
            match (recorded, consistency.in_step) {
                (true, true) => {
                    "Your program ran to its end; the cache and the database agree.".to_owned()
                }
                (true, false) => {
                    format!("Your program ran to its end, but the stores disagree: {consistency}")
                }
                (false, true) => format!("Your function returned; the stores agree on {product}."),
                (false, false) => {
                    format!("Your function returned, but the stores disagree: {consistency}")
                }
            },
        );
        rec.trace
    }

    /// Runs one statement into `rec`, counting the store writes it made in `writes`. Whether
    /// the program ended there (it raised, or a database write failed in a lesson's function).
    async fn run_statement(
        &self,
        rec: &mut super::recorder::Recorder,
        statement: &Statement,
        recorded: bool,
        writes: &mut usize,
    ) -> bool {
        let code = statement.code;
        match &statement.action {
            Action::Local(text) => self.record(
                rec,
                StepText {
                    kind: StepKind::BuildCommand,
                    actor: Actor::Application,
                    action: text.clone(),
                    result: String::new(),
                    ok: true,
                    code,
                    narration: format!("Your function sets {text}: nothing is sent yet."),
                },
            ),
            Action::Line { text, note } => self.record(
                rec,
                StepText {
                    kind: StepKind::BuildCommand,
                    actor: Actor::Application,
                    action: text.clone(),
                    result: note.clone(),
                    ok: true,
                    code,
                    narration: if note.is_empty() {
                        format!("Line {} runs: {text} (no store is touched).", code.python)
                    } else {
                        format!("Line {} runs: {text} — {note}", code.python)
                    },
                },
            ),
            Action::Effect(effect @ Effect::DatabaseDelete { key }) => {
                let action = effect.action();
                let (ok, result, narration) = match self.delete_row(key).await {
                    Ok(()) => {
                        *writes += 1;
                        (true, "deleted".to_owned(), format!("The database deletes the row {key}: the cache may still have a price for it."))
                    }
                    Err(e) => (
                        false,
                        e.to_string(),
                        format!("The database refuses the delete. {e}"),
                    ),
                };
                self.record(
                    rec,
                    StepText {
                        kind: StepKind::DatabaseWrite,
                        actor: Actor::Database,
                        action,
                        result,
                        ok,
                        code,
                        narration,
                    },
                );
            }
            Action::Raise(error) => {
                self.record(
                    rec,
                    StepText {
                        kind: StepKind::Raise,
                        actor: Actor::Application,
                        action: "raise".to_owned(),
                        result: error.clone(),
                        ok: false,
                        code,
                        narration: format!("Python stops here: {error}"),
                    },
                );
                rec.trace.outcome = Outcome::Failed(error.clone());
                self.done(
                    rec,
                    "Your function raised, so the lines after it never ran.".to_owned(),
                );
                return true;
            }
            Action::Effect(Effect::Redis(argv)) => {
                let kind = cache_kind(argv);
                let command = command_line(argv);
                let ok = self
                    .cache_step_argv(rec, kind, argv.clone(), code, |ok, printed| {
                        if ok {
                            format!("Redis runs {command} and answers {printed}.")
                        } else {
                            format!("Redis answers with an error: {printed}")
                        }
                    })
                    .await;
                if ok && kind != StepKind::CacheRead {
                    *writes += 1;
                }
            }
            Action::Folded(fold) => *writes += self.run_fold(rec, fold, code).await,
            Action::Effect(Effect::Database { key, value }) => {
                if let Err(e) = self
                    .database_step(
                        rec,
                        key,
                        value,
                        if recorded {
                            "your_python"
                        } else {
                            "your_update_price"
                        },
                        code,
                    )
                    .await
                {
                    if !recorded {
                        rec.trace.outcome = Outcome::Failed(e.to_string());
                        self.done(rec, "The database write raised, so your function stopped there; whatever it wrote before stays written.".to_owned());
                        return true;
                    }
                } else {
                    *writes += 1;
                }
            }
        }
        false
    }
}

/// A folded database write that a later one in the same fold replaced (only each row's last
/// write is sent).
const REPLACED: &str = "replaced by a later write in this fold";

/// `lines 3–4`, `line 3`.
fn lines_text((first, last): (u32, u32)) -> String {
    if first == last {
        format!("line {first}")
    } else {
        format!("lines {first}–{last}")
    }
}

impl<D: Database> Lab<D> {
    /// Deletes the row `key` from the database (`del database[key]`).
    async fn delete_row(&self, key: &str) -> Result<(), crate::db::DbError> {
        self.stores.db.delete(key).await?;
        self.stores.deleted(key);
        Ok(())
    }

    /// Runs a folded statement's operations on the stores, in order, and records them as one
    /// step that can be opened ([`Folded`]). Redis runs every command. The database is sent the
    /// last write of each row only: the rows end as the program left them, without one
    /// transaction per iteration. Returns the writes that succeeded.
    async fn run_fold(
        &self,
        rec: &mut super::recorder::Recorder,
        fold: &Fold,
        code: CodeRef,
    ) -> usize {
        let (cache_before, database_before) = (self.stores.cache(), self.stores.database());
        let mut rows = Vec::new();
        let mut writes = 0;
        let mut failed = 0;
        // Each row's last write, and the index of its row in `rows`.
        let mut last_of: BTreeMap<String, (Option<String>, usize)> = BTreeMap::new();
        // The Redis commands go as one pipeline (a shared server answers them all in one round
        // trip's wait); the database's writes are gathered per row.
        let effects = fold.effects();
        let commands: Vec<Vec<Vec<u8>>> = effects
            .iter()
            .filter_map(|(_, e)| match e {
                Effect::Redis(argv) => Some(argv.clone()),
                _ => None,
            })
            .collect();
        let (replies, other_tabs) = self
            .stores
            .cache
            .run_pipelined(commands, self.faults().cache_write)
            .await;
        let mut replies = replies.into_iter();
        for (statement, effect) in effects {
            let (line, action) = (statement.code.python, effect.action());
            let (result, ok) = match effect {
                Effect::Redis(argv) => {
                    let reply = replies.next().unwrap_or(Reply::Nil);
                    let ok = !reply.is_error();
                    if ok && cache_kind(argv) != StepKind::CacheRead {
                        writes += 1;
                    }
                    failed += usize::from(!ok);
                    (reply.to_cli_string().trim_end().to_owned(), ok)
                }
                Effect::Database { key, value } => {
                    last_of.insert(key.clone(), (Some(value.clone()), rows.len()));
                    (REPLACED.to_owned(), true)
                }
                Effect::DatabaseDelete { key } => {
                    last_of.insert(key.clone(), (None, rows.len()));
                    (REPLACED.to_owned(), true)
                }
            };
            rows.push(FoldedRow {
                line,
                action,
                result,
                ok,
            });
        }
        for (key, (value, row)) in last_of {
            let done = match value {
                Some(value) => self
                    .write_database(&key, &value, "your_python")
                    .await
                    .map(|record| format!("committed (revision {})", record.revision)),
                None => self.delete_row(&key).await.map(|()| "deleted".to_owned()),
            };
            let row = &mut rows[row];
            match done {
                Ok(result) => {
                    writes += 1;
                    row.result = result;
                }
                Err(e) => {
                    failed += 1;
                    row.ok = false;
                    row.result = e.to_string();
                }
            }
        }
        self.record_other_writes(rec, other_tabs);
        let mut changes = diff(Store::Cache, &cache_before, &self.stores.cache());
        changes.extend(diff(
            Store::Database,
            &database_before,
            &self.stores.database(),
        ));
        let changed = match changes.as_slice() {
            [] => "nothing changed".to_owned(),
            shown => {
                let mut text: Vec<String> = shown
                    .iter()
                    .take(3)
                    .map(|c| {
                        format!(
                            "{} {} {} → {}",
                            if c.store == Store::Cache {
                                "cache"
                            } else {
                                "database"
                            },
                            c.key,
                            c.before.as_deref().unwrap_or("(none)"),
                            c.after.as_deref().unwrap_or("(none)")
                        )
                    })
                    .collect();
                if shown.len() > 3 {
                    text.push(format!("and {} more", shown.len() - 3));
                }
                text.join("; ")
            }
        };
        let operations = rows.len();
        let (action, narration) = match fold.kind {
            FoldKind::Repeats if operations == 0 => (
                format!("{} ran {} more times", lines_text(fold.lines), grouped(fold.times)),
                format!(
                    "{} ran {} more times, folded into this step; they touched no store.",
                    upper(&lines_text(fold.lines)),
                    grouped(fold.times),
                ),
            ),
            FoldKind::Repeats => (
                format!("{} ran {} more times", lines_text(fold.lines), grouped(fold.times)),
                format!(
                    "{} ran {} more times, folded into this step: {} store operations, all applied{}. Open the step to see each one.",
                    upper(&lines_text(fold.lines)),
                    grouped(fold.times),
                    grouped(operations),
                    if failed == 0 { String::new() } else { format!(", {} of them failed", grouped(failed)) }
                ),
            ),
            FoldKind::Cut => (
                format!("{} steps not drawn", grouped(fold.times)),
                format!(
                    "This run is long: {} of its steps ({}) are not drawn one by one. They ran, and their {} store operations were applied{}. Open the step to see each one.",
                    grouped(fold.times),
                    lines_text(fold.lines),
                    grouped(operations),
                    if failed == 0 { String::new() } else { format!(" ({} failed)", grouped(failed)) }
                ),
            ),
        };
        self.record(
            rec,
            StepText {
                kind: StepKind::Folded,
                actor: Actor::Application,
                action,
                result: changed,
                ok: failed == 0,
                code,
                narration,
            },
        );
        if let Some(step) = rec.trace.steps.last_mut() {
            step.folded = Some(Rc::new(Folded {
                cut: fold.kind == FoldKind::Cut,
                lines: fold.lines,
                times: fold.times,
                rows,
            }));
        }
        writes
    }
}

/// `lines 3–4` as `Lines 3–4`.
fn upper(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}
