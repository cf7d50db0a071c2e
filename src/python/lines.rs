//! Which statement a line belongs to. Python's trace function reports the line of each
//! instruction: a statement written over several lines (a dictionary literal, a call with one
//! argument per line) reports several lines, not always its first one first. The learner thinks
//! in statements, so every reported line is mapped to the first line of the innermost statement
//! (or `elif`/`else`/`except` clause) that contains it, using the parser's positions, and a run
//! of reports for the same statement becomes one step.

use ruff_text_size::Ranged;
use rustpython_vm::compiler::ast::statement_visitor::{
    walk_elif_else_clause, walk_except_handler, walk_stmt, StatementVisitor,
};
use rustpython_vm::compiler::ast::visitor::{self, Visitor};
use rustpython_vm::compiler::ast::{ElifElseClause, ExceptHandler, Expr, Stmt};
use rustpython_vm::compiler::parser::parse_module;

/// The statements of a program, by line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Statements {
    /// `(first line, last line)` of every statement and clause, 1-based.
    spans: Vec<(u32, u32)>,
}

struct Collect<'s> {
    line_starts: &'s [usize],
    spans: Vec<(u32, u32)>,
}

impl Collect<'_> {
    fn line_of(&self, offset: usize) -> u32 {
        let line = self.line_starts.partition_point(|&start| start <= offset);
        u32::try_from(line).unwrap_or(u32::MAX)
    }

    fn add(&mut self, node: &impl Ranged) {
        let range = node.range();
        let start = self.line_of(usize::from(range.start()));
        // The end offset is just past the last character.
        let end = self.line_of(usize::from(range.end()).saturating_sub(1));
        self.spans.push((start, end.max(start)));
    }
}

impl<'a> StatementVisitor<'a> for Collect<'_> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        self.add(stmt);
        walk_stmt(self, stmt);
    }

    fn visit_elif_else_clause(&mut self, clause: &'a ElifElseClause) {
        self.add(clause);
        walk_elif_else_clause(self, clause);
    }

    fn visit_except_handler(&mut self, handler: &'a ExceptHandler) {
        self.add(handler);
        walk_except_handler(self, handler);
    }
}

/// The offset at which each line of `source` starts.
fn line_starts(source: &str) -> Vec<usize> {
    let mut starts = vec![0];
    starts.extend(
        source
            .bytes()
            .enumerate()
            .filter(|&(_, b)| b == b'\n')
            .map(|(i, _)| i + 1),
    );
    starts
}

/// The lines that can run for ever without Python reporting a new line: a loop whose body is on
/// its header's line (`for i in range(n): total += i`, `while True: pass`) and a comprehension
/// written on one line. Python's trace function hears of a line only when the line changes, so
/// on these lines the lab also listens to each instruction, to keep its time limit.
pub fn busy_lines(source: &str) -> Vec<u32> {
    let Ok(parsed) = parse_module(source) else {
        return Vec::new();
    };
    let starts = line_starts(source);
    let mut busy = Busy {
        collect: Collect {
            line_starts: &starts,
            spans: Vec::new(),
        },
        lines: Vec::new(),
    };
    for stmt in parsed.suite() {
        busy.visit_stmt(stmt);
    }
    busy.lines.sort_unstable();
    busy.lines.dedup();
    busy.lines
}

struct Busy<'s> {
    collect: Collect<'s>,
    lines: Vec<u32>,
}

impl<'a> Visitor<'a> for Busy<'_> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        let body = match stmt {
            Stmt::For(s) => s.body.first(),
            Stmt::While(s) => s.body.first(),
            _ => None,
        };
        if let Some(first) = body {
            let header = self.collect.line_of(usize::from(stmt.range().start()));
            if self.collect.line_of(usize::from(first.range().start())) == header {
                self.lines.push(header);
            }
        }
        visitor::walk_stmt(self, stmt);
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        if matches!(
            expr,
            Expr::ListComp(_) | Expr::SetComp(_) | Expr::DictComp(_) | Expr::Generator(_)
        ) {
            let range = expr.range();
            let first = self.collect.line_of(usize::from(range.start()));
            let last = self
                .collect
                .line_of(usize::from(range.end()).saturating_sub(1));
            self.lines.extend(first..=last.max(first));
        }
        visitor::walk_expr(self, expr);
    }
}

impl Statements {
    /// The statements of `source`; none if it does not parse (Python reports that error).
    pub fn of(source: &str) -> Statements {
        let Ok(parsed) = parse_module(source) else {
            return Statements::default();
        };
        let line_starts = line_starts(source);
        let mut collect = Collect {
            line_starts: &line_starts,
            spans: Vec::new(),
        };
        collect.visit_body(parsed.suite());
        Statements {
            spans: collect.spans,
        }
    }

    /// The first line of the innermost statement that contains `line` (`line` itself if none
    /// does).
    pub fn statement_at(&self, line: u32) -> u32 {
        self.spans
            .iter()
            .filter(|(start, end)| *start <= line && line <= *end)
            .map(|(start, _)| *start)
            .max()
            .unwrap_or(line)
    }
}
