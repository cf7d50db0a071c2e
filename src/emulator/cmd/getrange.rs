//! GETRANGE: a substring of the string stored at a key.

use super::{Access, Args, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::keyspace::Value;
use crate::emulator::number::parse_i64;
use crate::emulator::reply::Reply;

/// Name, arity, syntax and summary.
pub const SPEC: Spec = Spec {
    name: "getrange",
    arity: 4,
    syntax: "key start end",
    summary: "Returns a substring of the string stored at a key.",
    group: "string",
    denyoom: false,
    access: Access::Read,
};

/// ```text
/// GETRANGE key start end
/// ```
/// Both ends inclusive, negative ones counted from the end, as Redis 7.0's `getrangeCommand`
/// clamps them: both negative with start after end, or an empty result, is the empty string; a
/// missing key is the empty string too; WRONGTYPE for a hash.
#[derive(Debug)]
pub struct Getrange<'a> {
    key: &'a [u8],
    start: i64,
    end: i64,
}

/// GETRANGE's, SUBSTR's and LRANGE's arguments: a key and two integers.
pub(super) fn parse_range<'a>(args: &mut Args<'a>) -> Result<(&'a [u8], i64, i64), CommandError> {
    let key = args.next_arg()?;
    let start = parse_i64(args.next_arg()?).ok_or(CommandError::NotAnInteger)?;
    let end = parse_i64(args.next_arg()?).ok_or(CommandError::NotAnInteger)?;
    Ok((key, start, end))
}

/// The bytes of the string at `key` from `start` to `end`, clamped as Redis clamps them.
pub(super) fn range(
    ctx: &Ctx<'_>,
    key: &[u8],
    start: i64,
    end: i64,
) -> Result<Reply, CommandError> {
    let s = match ctx.keyspace.get(key) {
        None => return Ok(Reply::bulk(Vec::new())),
        Some(Value::Str(s)) => s,
        Some(_) => return Err(CommandError::WrongType),
    };
    let len = s.len() as i64;
    if start < 0 && end < 0 && start > end {
        return Ok(Reply::bulk(Vec::new()));
    }
    let mut start = if start < 0 {
        len.saturating_add(start)
    } else {
        start
    };
    let mut end = if end < 0 {
        len.saturating_add(end)
    } else {
        end
    };
    start = start.max(0);
    end = end.max(0);
    if end >= len {
        end = len - 1;
    }
    if start > end || len == 0 {
        return Ok(Reply::bulk(Vec::new()));
    }
    Ok(Reply::bulk(s[start as usize..=end as usize].to_vec()))
}

impl<'a> Command<'a> for Getrange<'a> {
    fn parse(args: &mut Args<'a>) -> Result<Self, CommandError> {
        let (key, start, end) = parse_range(args)?;
        Ok(Getrange { key, start, end })
    }

    fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        range(ctx, self.key, self.start, self.end)
    }
}
