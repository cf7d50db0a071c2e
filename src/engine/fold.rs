//! Long programs, folded for the page (issue #22). A learner's loop of 10,000 iterations runs to
//! its end and every store operation it made is applied, but the trace does not show 20,000
//! steps: consecutive iterations that run the same lines become **one folded step** ("lines 3–4
//! ran 9,996 more times"), with the first iterations and the last ones kept in full. What is
//! still too long after folding has its middle **cut** into one folded step too, which says what
//! it left out. Either way the folded statements are run on the stores (see
//! [`crate::engine::program`]), so the stores end exactly as the program left them.
//!
//! "The same lines" is compared on each statement's line and what sort of thing it does (a
//! line that touched no store, a Redis command, a database write or delete, an inner fold),
//! not on values: iteration 17 and iteration 18 of `hset('product1', i)` are the same
//! iteration. Nested loops fold from the inside out: the inner loop first, then the outer loop
//! whose iterations now look alike.

use super::program::{Action, Statement};
use super::scripted::Effect;

/// A loop must repeat at least this often to be folded (and then its first [`KEEP_HEAD`] and
/// last [`KEEP_TAIL`] iterations are kept in full).
pub const MIN_REPEATS: usize = 8;
/// Iterations kept in full before a fold.
pub const KEEP_HEAD: usize = 2;
/// Iterations kept in full after a fold.
pub const KEEP_TAIL: usize = 2;
/// The longest iteration (in statements) that is looked for.
pub const MAX_PERIOD: usize = 48;
/// After folding, a trace longer than this many statements has its middle cut.
pub const MAX_SHOWN: usize = 600;
/// Of a cut trace, the statements kept at its beginning (the rest of [`MAX_SHOWN`] is kept at
/// its end).
pub const CUT_HEAD: usize = 400;

/// Why statements were folded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FoldKind {
    /// Iterations of a loop that ran the same lines.
    Repeats,
    /// The middle of a trace too long to show, even folded.
    Cut,
}

/// Statements shown as one step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fold {
    pub kind: FoldKind,
    /// The first and last line of the learner's code the folded statements ran.
    pub lines: (u32, u32),
    /// How many iterations ([`FoldKind::Repeats`]) or statements ([`FoldKind::Cut`]) it stands
    /// for.
    pub times: usize,
    /// The folded statements that touch a store, in program order (inner folds included).
    pub body: Vec<Statement>,
}

impl Fold {
    /// The store operations the fold stands for, in program order (inner folds opened): the
    /// statement of each, with its effect.
    pub fn effects(&self) -> Vec<(&Statement, &Effect)> {
        let mut out = Vec::new();
        collect_effects(&self.body, &mut out);
        out
    }
}

fn collect_effects<'s>(body: &'s [Statement], out: &mut Vec<(&'s Statement, &'s Effect)>) {
    for statement in body {
        match &statement.action {
            Action::Effect(effect) => out.push((statement, effect)),
            Action::Folded(fold) => collect_effects(&fold.body, out),
            _ => {}
        }
    }
}

/// What "the same" means for two statements of two iterations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Shape {
    line: u32,
    what: u8,
    in_function: bool,
}

fn shape(statement: &Statement) -> Shape {
    let what = match &statement.action {
        Action::Local(_) => 0,
        Action::Line { .. } => 1,
        Action::Effect(Effect::Redis(_)) => 2,
        Action::Effect(Effect::Database { .. }) => 3,
        Action::Effect(Effect::DatabaseDelete { .. }) => 4,
        Action::Raise(_) => 5,
        Action::Folded(_) => 6,
    };
    Shape {
        line: statement.code.python,
        what,
        in_function: statement.in_function,
    }
}

/// `statements` folded for the page: repeated iterations folded (inner loops first), then the
/// middle cut if what is left is longer than [`MAX_SHOWN`]. A short program comes back as it
/// was.
pub fn fold(statements: Vec<Statement>) -> Vec<Statement> {
    let mut out = statements;
    // Each pass folds one more level of nesting; three levels are plenty for a learner's loop.
    for _ in 0..3 {
        let (folded, changed) = fold_repeats(out);
        out = folded;
        if !changed {
            break;
        }
    }
    cut(out)
}

/// One pass: every run of at least [`MIN_REPEATS`] iterations, found from the left with the
/// shortest iteration first, folded.
fn fold_repeats(statements: Vec<Statement>) -> (Vec<Statement>, bool) {
    let shapes: Vec<Shape> = statements.iter().map(shape).collect();
    let n = shapes.len();
    let mut runs = Vec::new();
    let mut i = 0;
    while i < n {
        match repeat_at(&shapes, i) {
            Some((period, times)) => {
                runs.push((i, period, times));
                i += period * times;
            }
            None => i += 1,
        }
    }
    if runs.is_empty() {
        return (statements, false);
    }
    let mut out = Vec::with_capacity(n);
    let mut rest = statements.into_iter();
    let mut at = 0;
    for (start, period, times) in runs {
        out.extend(rest.by_ref().take(start - at));
        out.extend(rest.by_ref().take(period * KEEP_HEAD));
        let folded = times - KEEP_HEAD - KEEP_TAIL;
        let body: Vec<Statement> = rest.by_ref().take(period * folded).collect();
        out.push(folded_statement(FoldKind::Repeats, folded, body));
        out.extend(rest.by_ref().take(period * KEEP_TAIL));
        at = start + period * times;
    }
    out.extend(rest);
    (out, true)
}

/// The shortest iteration that repeats at least [`MIN_REPEATS`] times from `i`, and how often.
fn repeat_at(shapes: &[Shape], i: usize) -> Option<(usize, usize)> {
    let left = shapes.len() - i;
    for period in 1..=MAX_PERIOD.min(left / MIN_REPEATS) {
        let first = &shapes[i..i + period];
        // A raise ends a program: it is never part of an iteration.
        if first.iter().any(|s| s.what == 5) {
            return None;
        }
        let mut times = 1;
        while i + (times + 1) * period <= shapes.len()
            && &shapes[i + times * period..i + (times + 1) * period] == first
        {
            times += 1;
        }
        if times >= MIN_REPEATS {
            return Some((period, times));
        }
    }
    None
}

/// `body` (not empty) as one folded statement, at its first statement's line. Only what the
/// stores must see is kept of it (its store operations and inner folds): a fold of
/// `while True: pass` carries no statement at all to the page.
fn folded_statement(kind: FoldKind, times: usize, body: Vec<Statement>) -> Statement {
    let first = body.iter().map(first_line).filter(|&l| l > 0).min();
    let last = body.iter().map(last_line).max();
    let (in_function, code) = body
        .first()
        .map_or((true, Default::default()), |s| (s.in_function, s.code));
    let body = body
        .into_iter()
        .filter(|s| match &s.action {
            Action::Effect(_) => true,
            Action::Folded(fold) => !fold.body.is_empty(),
            _ => false,
        })
        .collect();
    Statement {
        action: Action::Folded(Box::new(Fold {
            kind,
            lines: (first.unwrap_or(0), last.unwrap_or(0)),
            times,
            body,
        })),
        code,
        in_function,
    }
}

fn first_line(statement: &Statement) -> u32 {
    match &statement.action {
        Action::Folded(fold) => fold.lines.0,
        _ => statement.code.python,
    }
}

fn last_line(statement: &Statement) -> u32 {
    match &statement.action {
        Action::Folded(fold) => fold.lines.1,
        _ => statement.code.python,
    }
}

/// The middle of a trace longer than [`MAX_SHOWN`] statements, as one folded statement.
fn cut(statements: Vec<Statement>) -> Vec<Statement> {
    if statements.len() <= MAX_SHOWN {
        return statements;
    }
    let tail = MAX_SHOWN - CUT_HEAD;
    let n = statements.len();
    let mut rest = statements.into_iter();
    let mut out: Vec<Statement> = rest.by_ref().take(CUT_HEAD).collect();
    let body: Vec<Statement> = rest.by_ref().take(n - CUT_HEAD - tail).collect();
    out.push(folded_statement(FoldKind::Cut, body.len(), body));
    out.extend(rest);
    out
}

/// `100000` as `100,000`.
pub fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::trace::CodeRef;

    fn line(n: u32) -> Statement {
        Statement {
            action: Action::Line {
                text: format!("line {n}"),
                note: String::new(),
            },
            code: CodeRef { python: n, rust: 0 },
            in_function: true,
        }
    }

    fn hset(n: u32, value: usize) -> Statement {
        Statement {
            action: Action::Effect(Effect::Redis(vec![
                b"HSET".to_vec(),
                b"product_prices".to_vec(),
                b"product1".to_vec(),
                value.to_string().into_bytes(),
            ])),
            code: CodeRef { python: n, rust: 0 },
            in_function: true,
        }
    }

    fn loop_of(times: usize) -> Vec<Statement> {
        (0..times).flat_map(|i| [line(1), hset(2, i)]).collect()
    }

    #[test]
    fn a_short_loop_is_shown_in_full() {
        let program = loop_of(MIN_REPEATS - 1);
        assert_eq!(fold(program.clone()), program);
    }

    #[test]
    fn a_long_loop_keeps_its_first_and_last_iterations_and_folds_the_rest_in_order() {
        let program = loop_of(10_000);
        let folded = fold(program.clone());
        assert_eq!(folded.len(), 2 * (KEEP_HEAD + KEEP_TAIL) + 1);
        assert_eq!(folded[..4], program[..4]);
        assert_eq!(folded[5..], program[program.len() - 4..]);
        let Action::Folded(fold) = &folded[4].action else {
            panic!("{:?}", folded[4]);
        };
        assert_eq!(
            (fold.kind, fold.lines, fold.times),
            (FoldKind::Repeats, (1, 2), 9_996)
        );
        // Nothing the stores must see is lost: the folded body is the middle's store
        // operations, in order.
        let middle: Vec<Statement> = program[4..program.len() - 4]
            .iter()
            .filter(|s| matches!(s.action, Action::Effect(_)))
            .cloned()
            .collect();
        assert_eq!(fold.body, middle);
        assert_eq!(fold.effects().len(), 9_996);
    }

    #[test]
    fn nested_loops_fold_inside_out() {
        let mut program = Vec::new();
        for _ in 0..50 {
            program.push(line(1));
            program.extend((0..20).flat_map(|j| [line(2), hset(3, j)]));
        }
        let folded = fold(program);
        // The outer loop: two iterations, a fold, two iterations.
        let folds: Vec<&Fold> = folded
            .iter()
            .filter_map(|s| match &s.action {
                Action::Folded(f) => Some(&**f),
                _ => None,
            })
            .filter(|f| f.times == 46)
            .collect();
        assert_eq!(folds.len(), 1, "{folded:#?}");
        assert_eq!(folds[0].lines, (1, 3));
        assert_eq!(folds[0].effects().len(), 46 * 20);
        assert!(folded.len() < 60, "{}", folded.len());
    }

    #[test]
    fn what_does_not_repeat_is_cut_in_the_middle_and_nothing_is_lost() {
        // No two neighbouring statements alike: nothing folds, the middle is cut.
        let program: Vec<Statement> = (0..5_000)
            .map(|i| hset(1 + (i % 97) as u32 * 2, i))
            .collect();
        let folded = fold(program.clone());
        assert_eq!(folded.len(), MAX_SHOWN + 1);
        let Action::Folded(cut) = &folded[CUT_HEAD].action else {
            panic!("no cut");
        };
        assert_eq!(cut.kind, FoldKind::Cut);
        assert_eq!(cut.times, 5_000 - MAX_SHOWN);
        assert_eq!(cut.effects().len(), 5_000 - MAX_SHOWN);
        assert_eq!(
            folded[CUT_HEAD + 1..],
            program[5_000 - (MAX_SHOWN - CUT_HEAD)..]
        );
    }

    #[test]
    fn a_raise_is_never_folded() {
        let mut program = loop_of(20);
        program.push(Statement {
            action: Action::Raise("RuntimeError: stopped".to_owned()),
            code: CodeRef { python: 2, rust: 0 },
            in_function: true,
        });
        let folded = fold(program.clone());
        assert_eq!(folded.last(), program.last());
    }
}
