//! The trace: what the engine hands the interface, as plain data. The interface renders step
//! *i* from step *i* alone.
//!
//! ## Format
//!
//! A [`Trace`] is one operation (an update, a recovery, a write-behind flush, a race between two
//! writers) as a list of [`Step`]s. Each step is a **complete snapshot**:
//!
//! | field | meaning |
//! |---|---|
//! | `index` | 0-based position in the trace |
//! | `kind` | a closed set ([`StepKind`]): what sort of step this is |
//! | `actor` | who acts: `application`, `cache`, `database`, `queue` ([`Actor`]) |
//! | `writer` | for a race, which writer (`A` or `B`); `null` otherwise |
//! | `action` | what it did, e.g. the Redis command `HSET product_prices product1 150` |
//! | `result` | what came back, printed as redis-cli prints it (`(integer) 0`) or as the database says it (`committed`) |
//! | `ok` | whether the step succeeded |
//! | `code` | the line of the pattern's code this step runs: `python` and `rust`, 1-based (0: none), in the pattern's [`crate::engine::listing::Listing`] |
//! | `narration` | one sentence for the learner |
//! | `cache` | the hash `product_prices` after the step: `[field, value]` pairs in the hash's order |
//! | `database` | the `products` table after the step: `[id, price]` pairs ordered by id |
//! | `queue` | write-behind's pending writes after the step: `[id, price]` pairs in the order queued |
//! | `changes` | what this step changed: store, key, value before, value after |
//! | `consistency` | whether the stores agree after the step, and if not, where |
//!
//! Two stores **agree** when every field the cache holds has the database's price for that
//! product. A field missing from the cache is a miss, not a disagreement (the next read loads
//! it); a cached price that differs from the database, or a cached product the database does
//! not have, is a **divergence**: a read would serve a stale price.
//!
//! The trace ends with an [`Outcome`]. Orders never change from step to step (the cache keeps
//! its hash order, the table is ordered by id), so the picture does not jitter.

use std::rc::Rc;

use serde::{Deserialize, Serialize};

use super::consistency::index;
pub use super::consistency::{Consistency, Divergence};
use super::faults::Faults;
use super::pattern::Pattern;

/// One store's contents in a step: `(key, value)` pairs. Steps that did not change a store share
/// its table, so a trace of a 100,000-product catalog holds one copy per change, not per step.
pub type Table = Rc<Vec<(String, String)>>;

/// Who acts in a step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Actor {
    Application,
    Cache,
    Database,
    Queue,
}

impl Actor {
    /// The actor's name in the trace's JSON and in class names: `application`, `cache`,
    /// `database`, `queue`.
    pub fn id(self) -> &'static str {
        match self {
            Actor::Application => "application",
            Actor::Cache => "cache",
            Actor::Database => "database",
            Actor::Queue => "queue",
        }
    }
}

/// The closed set of step kinds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    /// The application checks the product and the price.
    Validate,
    /// The input was refused; nothing was written.
    Reject,
    /// The application builds the Redis command string.
    BuildCommand,
    /// The application reads the cache (the previous value, or a read in a race).
    CacheRead,
    /// The application reads the database.
    DatabaseRead,
    /// The cache is written (HSET).
    CacheWrite,
    /// The database row is written (one transaction).
    DatabaseWrite,
    /// The cached field is deleted so that the next read loads it from the database.
    CacheInvalidate,
    /// A failed cache write is tried again.
    CacheRetry,
    /// The cache is put back to what it held before (compensating a failed database write).
    CacheRestore,
    /// A write is queued for the database (write-behind).
    Enqueue,
    /// Queued writes are sent to the database (write-behind).
    Flush,
    /// The application stops between two steps, as if the page had crashed.
    Crash,
    /// A restarted application compares the cache with the database.
    Detect,
    /// The cache is set back to the database's value.
    Reconcile,
    /// A writer waits for another writer's lock on the same product.
    Wait,
    /// The learner's code raised an error (as Python would); it stops there.
    Raise,
    /// Another tab's write landed on the shared cache or database between this trace's steps.
    OtherTab,
    /// Many statements of a long program, run and shown as one step ([`Folded`]).
    Folded,
    /// The operation is over.
    Done,
}

/// A line of the pattern's code, in the seed's Python and in Rust (1-based; 0 for none).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeRef {
    pub python: u32,
    pub rust: u32,
}

impl CodeRef {
    /// No line: the step runs no line of the listing (a return, a lock wait).
    pub const NONE: CodeRef = CodeRef { python: 0, rust: 0 };
}

/// One of the writers of a race (two in the race panel; up to three in a challenge's
/// counterexample).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Writer {
    A,
    B,
    C,
}

impl Writer {
    /// All of them, in order.
    pub const ALL: [Writer; 3] = [Writer::A, Writer::B, Writer::C];

    /// `"A"`, `"B"` or `"C"`.
    pub fn label(self) -> &'static str {
        match self {
            Writer::A => "A",
            Writer::B => "B",
            Writer::C => "C",
        }
    }
}

/// Which store a change is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Store {
    Cache,
    Database,
    Queue,
}

/// One value that a step changed (`None`: absent).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub store: Store,
    pub key: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// One step: a complete snapshot (see the module documentation).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub index: usize,
    pub kind: StepKind,
    pub actor: Actor,
    /// Which writer took the step, in a race.
    pub writer: Option<Writer>,
    pub action: String,
    pub result: String,
    pub ok: bool,
    pub code: CodeRef,
    pub narration: String,
    pub cache: Table,
    pub database: Table,
    pub queue: Table,
    pub changes: Vec<Change>,
    pub consistency: Consistency,
    /// A folded step ([`StepKind::Folded`]): what it stands for, to open on demand.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub folded: Option<Rc<Folded>>,
    /// A command that reached Redis: the bytes that travelled ("On the wire"). Written out
    /// for `lab.trace()`; never read back.
    #[serde(default, skip_deserializing, skip_serializing_if = "Option::is_none")]
    pub wire: Option<Rc<Wire>>,
}

/// What travelled between the application and Redis for one command: the argument vector the
/// client made of the line or the call, and Redis's reply. Its frames (the request, the reply in
/// RESP2 and in RESP3 after `HELLO 3`) are written on demand by the emulator's own encoder, the
/// bytes `minired` sends, so a long trace keeps only what it must.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Wire {
    pub argv: Vec<Vec<u8>>,
    pub reply: crate::emulator::Reply,
}

impl Wire {
    /// `argv` and its `reply`.
    pub fn of(argv: Vec<Vec<u8>>, reply: &crate::emulator::Reply) -> Wire {
        Wire {
            argv,
            reply: reply.clone(),
        }
    }

    /// The request frame: `argv` as a RESP array of bulk strings.
    pub fn request(&self) -> Vec<u8> {
        crate::emulator::resp::encode_request(&self.argv)
    }

    /// The reply frame in RESP2.
    pub fn reply2(&self) -> Vec<u8> {
        self.reply_frame(false)
    }

    /// The reply frame in RESP3.
    pub fn reply3(&self) -> Vec<u8> {
        self.reply_frame(true)
    }

    fn reply_frame(&self, resp3: bool) -> Vec<u8> {
        use crate::emulator::resp::{shape_of, write_reply};
        let mut frame = Vec::new();
        write_reply(&mut frame, &self.reply, resp3, shape_of(&self.argv));
        frame
    }

    /// Bytes as text: printable ASCII as it is, `\r` and `\n` written out (in a frame, a real
    /// line break after each `\n`), a backslash doubled, anything else `\xNN`.
    pub fn shown(bytes: &[u8], frame: bool) -> String {
        Self::shown_cut(bytes, frame, usize::MAX)
    }

    /// [`Wire::shown`], at most `max` characters (lines included): past them, what is left out
    /// is counted (`… (1000 more bytes)`) and never written out, so a 64 MiB value costs no more
    /// than what is shown.
    pub fn shown_cut(bytes: &[u8], frame: bool, max: usize) -> String {
        // Escapes bytes while they fit in `budget` characters; how many it wrote out.
        fn escape(bytes: &[u8], frame: bool, budget: usize, out: &mut String) -> usize {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            for (i, &b) in bytes.iter().enumerate() {
                let start = out.len();
                match b {
                    b'\r' => out.push_str("\\r"),
                    b'\n' if frame => out.push_str("\\n\n"),
                    b'\n' => out.push_str("\\n"),
                    b'\\' => out.push_str("\\\\"),
                    0x20..=0x7e => out.push(char::from(b)),
                    _ => {
                        out.push_str("\\x");
                        out.push(char::from(HEX[usize::from(b >> 4)]));
                        out.push(char::from(HEX[usize::from(b & 15)]));
                    }
                }
                // Everything written is ASCII: its length is its count of characters.
                if out.len() > budget {
                    out.truncate(start);
                    return i;
                }
            }
            bytes.len()
        }
        let mut out = String::with_capacity(bytes.len().min(max).saturating_add(16));
        if escape(bytes, frame, max, &mut out) == bytes.len() {
            return out;
        }
        // Too long: again, leaving room to say how much is left out.
        let room = format!("… ({} more bytes)", bytes.len()).chars().count();
        out.clear();
        let shown = escape(bytes, frame, max.saturating_sub(room), &mut out);
        out.push_str(&format!("… ({} more bytes)", bytes.len() - shown));
        out
    }
}

/// `lab.trace()` shows a step's wire as its frames: `argv`, `request`, `reply2`, `reply3`.
impl Serialize for Wire {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut out = serializer.serialize_struct("Wire", 4)?;
        out.serialize_field("argv", &self.argv)?;
        out.serialize_field("request", &self.request())?;
        out.serialize_field("reply2", &self.reply2())?;
        out.serialize_field("reply3", &self.reply3())?;
        out.end()
    }
}

/// What a folded step stands for: repeated iterations of a loop, or the middle of a run too long
/// to show (see [`crate::engine::fold`]). Every operation in it ran on the stores.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Folded {
    /// `true`: the middle of a long run, cut; `false`: iterations that ran the same lines.
    pub cut: bool,
    /// The first and last line of the learner's code it ran.
    pub lines: (u32, u32),
    /// How many iterations (or, cut, statements) it stands for.
    pub times: usize,
    /// Each store operation in it, in program order, as the steps list shows it opened.
    pub rows: Vec<FoldedRow>,
}

/// One store operation inside a folded step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FoldedRow {
    /// The learner's line that made it.
    pub line: u32,
    /// `HSET product_prices product1 7`, `database['product1'] = '7'`.
    pub action: String,
    /// The reply, or what the database said.
    pub result: String,
    pub ok: bool,
}

/// What an operation is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OperationKind {
    UpdatePrice,
    /// The learner's own `update_price` (see [`crate::engine::program`]).
    Program,
    /// The learner's own Python program, from the editor (see [`crate::engine::program`]).
    Python,
    Recovery,
    Flush,
    Race,
    /// The schedule a challenge's checker found breaking the learner's code, one writer per
    /// client (see [`crate::engine::schedule`]).
    Counterexample,
    /// Redis started empty and the application filled it from the database.
    WarmUp,
    /// `get_price(product)`: the cache, and on a miss the database and a fill (see
    /// [`crate::engine::read`]).
    Read,
    /// Cached prices of products the database has no row for, deleted.
    RemoveStrays,
}

impl OperationKind {
    /// Whether its steps are taken by writers (a race, a challenge's counterexample) rather
    /// than by one application.
    pub fn has_writers(&self) -> bool {
        matches!(self, OperationKind::Race | OperationKind::Counterexample)
    }
}

/// How the operation ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "status", content = "message")]
pub enum Outcome {
    /// Everything the pattern does was done.
    Completed,
    /// The input was refused; neither store changed.
    Rejected(String),
    /// A step failed; the message says what, and the trace shows what the engine did about it.
    Failed(String),
    /// The application "crashed" between two steps; the next start recovers.
    Crashed,
}

impl std::fmt::Display for Outcome {
    /// As the interface shows it: `completed`, `rejected: …`, `failed: …`, `crashed`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Outcome::Completed => f.write_str("completed"),
            Outcome::Rejected(m) => write!(f, "rejected: {m}"),
            Outcome::Failed(m) => write!(f, "failed: {m}"),
            Outcome::Crashed => f.write_str("crashed"),
        }
    }
}

/// [`Trace::role_of`] from the clients' calls alone (while the trace is being made).
pub fn role_of(clients: &[String], w: Writer) -> String {
    let i = Writer::ALL.iter().position(|&x| x == w).unwrap_or(0);
    let reader = clients.get(i).is_some_and(|c| c.starts_with("get_price("));
    format!("{} {}", if reader { "Reader" } else { "Writer" }, w.label())
}

/// One operation, step by step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trace {
    pub operation: OperationKind,
    pub pattern: Pattern,
    /// The faults that were on.
    pub faults: Faults,
    /// The product and price asked for (empty for a recovery or a flush).
    pub product: String,
    pub new_price: String,
    pub steps: Vec<Step>,
    pub outcome: Outcome,
    /// In a counterexample, the call each client made (writer A's first): `get_price('product2')`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub clients: Vec<String>,
}

impl Trace {
    /// What writer `w` is called on the stage: "Reader A" for a client of a counterexample
    /// that calls `get_price` (it only reads and refills), "Writer A" otherwise.
    pub fn role_of(&self, w: Writer) -> String {
        role_of(&self.clients, w)
    }

    /// The lines the step at `cursor` ran (the last step's past the end) and the next step
    /// runs: what a listing or the editor marks with ▶ and ▷.
    pub fn lines_at(&self, cursor: usize) -> (CodeRef, CodeRef) {
        let at = |i: usize| self.steps.get(i).map_or(CodeRef::NONE, |s| s.code);
        (
            at(cursor.min(self.steps.len().saturating_sub(1))),
            at(cursor + 1),
        )
    }

    /// The writers shown as lifelines and cards: in a race A and B always (even before they
    /// have taken a step) and C once it has; in a counterexample, the checker's clients that
    /// took a step. None for an operation without writers.
    pub fn writers(&self) -> Vec<Writer> {
        let took = |w: Writer| self.steps.iter().any(|s| s.writer == Some(w));
        match self.operation {
            OperationKind::Race => Writer::ALL
                .into_iter()
                .filter(|&w| w != Writer::C || took(w))
                .collect(),
            OperationKind::Counterexample => Writer::ALL.into_iter().filter(|&w| took(w)).collect(),
            _ => Vec::new(),
        }
    }

    /// The last step's snapshot: where the stores stand after the operation.
    pub fn last(&self) -> Option<&Step> {
        self.steps.last()
    }

    /// What the operation was, as the interface names it: `update_price("product1", "150")`,
    /// `restart and recovery`, `write-behind flush`, `two writers`.
    pub fn title(&self) -> String {
        match self.operation {
            OperationKind::UpdatePrice => {
                format!("update_price({:?}, {:?})", self.product, self.new_price)
            }
            OperationKind::Program => {
                format!(
                    "your update_price({:?}, {:?})",
                    self.product, self.new_price
                )
            }
            OperationKind::Python if self.product.is_empty() => "your Python".to_owned(),
            OperationKind::Python => format!(
                "your Python: update_price({:?}, {:?})",
                self.product, self.new_price
            ),
            OperationKind::Recovery => "restart and recovery".to_owned(),
            OperationKind::Flush => "write-behind flush".to_owned(),
            OperationKind::Race => "two writers".to_owned(),
            OperationKind::Counterexample => {
                format!("the checker's failing schedule for {}", self.product)
            }
            OperationKind::WarmUp => "warming the empty cache".to_owned(),
            OperationKind::Read => format!("get_price({:?})", self.product),
            OperationKind::RemoveStrays => "removing stray fields".to_owned(),
        }
    }

    /// The products whose database rows this operation wrote, in the order first written (a
    /// write that failed changed nothing and is not listed).
    pub fn database_writes(&self) -> Vec<&str> {
        let mut products: Vec<&str> = Vec::new();
        for change in self.steps.iter().flat_map(|s| &s.changes) {
            if change.store == Store::Database && !products.contains(&change.key.as_str()) {
                products.push(&change.key);
            }
        }
        products
    }

    /// Whether the stores agree at the end.
    pub fn ends_in_step(&self) -> bool {
        self.last().is_none_or(|s| s.consistency.in_step)
    }

    /// The kinds of the steps, in order (handy in tests and for a compact view).
    pub fn kinds(&self) -> Vec<StepKind> {
        self.steps.iter().map(|s| s.kind).collect()
    }
}

/// The differences between two snapshots of one store, as changes: the keys of `before` in its
/// order, then the keys only `after` has, in its order.
pub fn diff(store: Store, before: &[(String, String)], after: &[(String, String)]) -> Vec<Change> {
    if std::ptr::eq(before, after) {
        return Vec::new();
    }
    // The common case: the same keys in the same order (a value changed in place). One pass,
    // no hashing.
    if before.len() == after.len() && before.iter().zip(after).all(|(b, a)| b.0 == a.0) {
        return before
            .iter()
            .zip(after)
            .filter(|(b, a)| b.1 != a.1)
            .map(|(b, a)| Change {
                store,
                key: b.0.clone(),
                before: Some(b.1.clone()),
                after: Some(a.1.clone()),
            })
            .collect();
    }
    let (old, new) = (index(before), index(after));
    let change = |key: &str| {
        let (b, a) = (old.get(key).copied(), new.get(key).copied());
        (b != a).then(|| Change {
            store,
            key: key.to_owned(),
            before: b.map(str::to_owned),
            after: a.map(str::to_owned),
        })
    };
    let mut seen = rustc_hash::FxHashSet::default();
    before
        .iter()
        .map(|(k, _)| k.as_str())
        .chain(
            after
                .iter()
                .map(|(k, _)| k.as_str())
                .filter(|k| !old.contains_key(k)),
        )
        .filter(|k| seen.insert(*k))
        .filter_map(change)
        .collect()
}

/// A table as JSON text, `[["key","value"],...]`, exactly as serde would write it, appended
/// to `out` (reserving what it needs at once), for the JavaScript API, which parses it natively.
pub fn table_json_into(out: &mut String, pairs: &[(String, String)]) {
    out.reserve(
        2 + pairs
            .iter()
            .map(|(k, v)| k.len() + v.len() + 8)
            .sum::<usize>(),
    );
    out.push('[');
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('[');
        json_string(out, k);
        out.push(',');
        json_string(out, v);
        out.push(']');
    }
    out.push(']');
}

/// `text` as a JSON string literal, appended to `out`.
fn json_string(out: &mut String, text: &str) {
    use std::fmt::Write as _;
    out.push('"');
    if !text.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\') {
        out.push_str(text);
        out.push('"');
        return;
    }
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::catalog::owned_pairs as pairs;

    #[test]
    fn consistency_and_outcome_read_as_the_stage_shows_them() {
        let db = pairs(&[("product1", "150"), ("product2", "200")]);
        assert_eq!(
            Consistency::of(&pairs(&[("product2", "200")]), &db).to_string(),
            "In step: every cached price is the database's."
        );
        let cache = pairs(&[("product1", "100"), ("product9", "1")]);
        assert_eq!(
            Consistency::of(&cache, &db).to_string(),
            "Diverged: product1 (cache 100, database 150), product9 (cache 1, database none)"
        );
        assert_eq!(Outcome::Crashed.to_string(), "crashed");
        assert_eq!(Outcome::Rejected("No.".into()).to_string(), "rejected: No.");
        for actor in [
            Actor::Application,
            Actor::Cache,
            Actor::Database,
            Actor::Queue,
        ] {
            let json = serde_json::to_string(&actor).unwrap();
            assert_eq!(json, format!("\"{}\"", actor.id()));
        }
    }

    #[test]
    fn a_table_as_json_is_what_serde_writes() {
        let table = pairs(&[
            ("product1", "100"),
            ("say \"hi\"\\", "tab\there\u{1}\u{7f}"),
            ("ünïcödé ☃", "𝄞"),
        ]);
        let json = |pairs: &[(String, String)]| {
            let mut out = String::new();
            table_json_into(&mut out, pairs);
            out
        };
        assert_eq!(json(&table), serde_json::to_string(&table).unwrap());
        assert_eq!(json(&[]), "[]");
    }

    #[test]
    fn diff_lists_added_changed_and_removed_keys() {
        let before = pairs(&[("a", "1"), ("b", "2")]);
        let after = pairs(&[("a", "1"), ("b", "3"), ("c", "4")]);
        let changes = diff(Store::Cache, &before, &after);
        assert_eq!(changes.len(), 2);
        assert_eq!(
            changes[0],
            Change {
                store: Store::Cache,
                key: "b".into(),
                before: Some("2".into()),
                after: Some("3".into())
            }
        );
        assert_eq!(changes[1].before, None);
        assert_eq!(diff(Store::Cache, &after, &before)[1].after, None);
    }
}
