//! SCAN: iterate over the keys of the database with a cursor.

use super::hscan::{parse_options, ScanOptions};
use super::{Access, Args, Argv, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::glob::glob_match;
use crate::emulator::number::parse_cursor;
use crate::emulator::reply::Reply;

/// Name, arity, syntax and summary.
pub const SPEC: Spec = Spec {
    name: "scan",
    arity: -2,
    syntax: "cursor [MATCH pattern] [COUNT count] [TYPE type]",
    summary: "Iterates over the key names in the database.",
    group: "generic",
    denyoom: false,
    access: Access::Read,
};

/// ```text
/// SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]
/// ```
/// Replies with the next cursor (`0` when the walk is over) and the keys of this step. The keys
/// are walked in the order they were created, COUNT per call; MATCH and TYPE filter what was
/// walked, so a step may come back empty with a cursor that is not `0`, as in Redis. (Redis
/// walks its hash table instead: its cursors and order differ, and a client must not read
/// meaning into either.)
#[derive(Debug)]
pub struct Scan<'a> {
    cursor: u64,
    options: Argv<'a>,
}

impl<'a> Command<'a> for Scan<'a> {
    fn parse(args: &mut Args<'a>) -> Result<Self, CommandError> {
        let cursor = parse_cursor(args.next_arg()?).ok_or(CommandError::InvalidCursor)?;
        Ok(Scan {
            cursor,
            options: args.rest(),
        })
    }

    fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        let ScanOptions {
            pattern,
            count,
            kind,
        } = parse_options(&self.options.to_slices(), true)?;
        let len = ctx.keyspace.len();
        let start = usize::try_from(self.cursor).unwrap_or(usize::MAX).min(len);
        let end = start.saturating_add(count).min(len);
        let keys: Vec<Reply> = ctx
            .keyspace
            .iter()
            .skip(start)
            .take(end - start)
            .filter(|(key, value)| {
                pattern.is_none_or(|p| glob_match(p, key))
                    && kind.is_none_or(|k| k.eq_ignore_ascii_case(value.type_name().as_bytes()))
            })
            .map(|(key, _)| Reply::bulk(key.clone()))
            .collect();
        let next = if end >= len { 0 } else { end };
        Ok(Reply::Array(vec![
            Reply::bulk(next.to_string()),
            Reply::Array(keys),
        ]))
    }
}
