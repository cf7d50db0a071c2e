//! INCR: add one to the integer stored at a key.

use super::{Access, Args, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::keyspace::Value;
use crate::emulator::number::parse_i64;
use crate::emulator::reply::Reply;

/// Name, arity, syntax and summary.
pub const SPEC: Spec = Spec {
    name: "incr",
    arity: 2,
    syntax: "key",
    summary: "Increments the integer value of a key by one.",
    group: "string",
    denyoom: true,
    access: Access::Write,
};

/// ```text
/// INCR key
/// ```
/// A missing key counts as 0; replies with the new value. The key keeps its expiry.
#[derive(Debug)]
pub struct Incr<'a> {
    key: &'a [u8],
}

impl<'a> Command<'a> for Incr<'a> {
    fn parse(args: &mut Args<'a>) -> Result<Self, CommandError> {
        Ok(Incr {
            key: args.next_arg()?,
        })
    }

    fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        add(ctx, self.key, 1)
    }
}

/// INCR, INCRBY, DECR and DECRBY: adds `by` to the integer at `key` (0 if missing); WRONGTYPE
/// for another type, an error for a string that is not an integer or a sum out of range. The
/// key keeps its expiry.
pub(super) fn add(ctx: &mut Ctx<'_>, key: &[u8], by: i64) -> Result<Reply, CommandError> {
    let current = match ctx.keyspace.get(key) {
        None => 0,
        Some(Value::Str(s)) => parse_i64(s).ok_or(CommandError::NotAnInteger)?,
        Some(_) => return Err(CommandError::WrongType),
    };
    let new = current.checked_add(by).ok_or(CommandError::Overflow)?;
    ctx.keyspace
        .set(key, Value::Str(new.to_string().into_bytes()), true);
    Ok(Reply::Integer(new))
}
