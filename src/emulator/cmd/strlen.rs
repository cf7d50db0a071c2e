//! STRLEN: the length of the string stored at a key.

use super::{Access, Args, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::keyspace::Value;
use crate::emulator::reply::Reply;

/// Name, arity, syntax and summary.
pub const SPEC: Spec = Spec {
    name: "strlen",
    arity: 2,
    syntax: "key",
    summary: "Returns the length of a string value.",
    group: "string",
    denyoom: false,
    access: Access::Read,
};

/// ```text
/// STRLEN key
/// ```
/// 0 for a missing key, WRONGTYPE for a hash.
#[derive(Debug)]
pub struct Strlen<'a> {
    key: &'a [u8],
}

impl<'a> Command<'a> for Strlen<'a> {
    fn parse(args: &mut Args<'a>) -> Result<Self, CommandError> {
        Ok(Strlen {
            key: args.next_arg()?,
        })
    }

    fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        match ctx.keyspace.get(self.key) {
            None => Ok(Reply::Integer(0)),
            Some(Value::Str(s)) => Ok(Reply::Integer(s.len() as i64)),
            Some(_) => Err(CommandError::WrongType),
        }
    }
}
