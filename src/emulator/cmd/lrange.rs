//! LRANGE: a range of a list's elements.

use super::getrange::parse_range;
use super::{Access, Args, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::keyspace::Value;
use crate::emulator::reply::Reply;

/// Name, arity, syntax and summary.
pub const SPEC: Spec = Spec {
    name: "lrange",
    arity: 4,
    syntax: "key start stop",
    summary: "Returns the elements from start to stop, both included (negative counts from the end: -1 is the last).",
    group: "list",
    denyoom: false,
    access: Access::Read,
};

/// ```text
/// LRANGE key start stop
/// ```
/// Indices as Redis reads them: negative from the end, clamped to the list, an empty array
/// when the range holds nothing or there is no key.
#[derive(Debug)]
pub struct Lrange<'a> {
    key: &'a [u8],
    start: i64,
    stop: i64,
}

impl<'a> Command<'a> for Lrange<'a> {
    fn parse(args: &mut Args<'a>) -> Result<Self, CommandError> {
        let (key, start, stop) = parse_range(args)?;
        Ok(Lrange { key, start, stop })
    }

    fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        let list = match ctx.keyspace.get(self.key) {
            None => return Ok(Reply::Array(Vec::new())),
            Some(Value::List(l)) => l,
            Some(_) => return Err(CommandError::WrongType),
        };
        let len = list.len() as i64;
        let start = if self.start < 0 {
            (len + self.start).max(0)
        } else {
            self.start
        };
        let stop = if self.stop < 0 {
            len + self.stop
        } else {
            self.stop.min(len - 1)
        };
        if start > stop || start >= len {
            return Ok(Reply::Array(Vec::new()));
        }
        Ok(Reply::Array(
            list.range(start as usize..=stop as usize)
                .map(|e| Reply::Bulk(e.clone()))
                .collect(),
        ))
    }
}
