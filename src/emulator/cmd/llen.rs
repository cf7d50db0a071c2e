//! LLEN: the length of a list.

use super::{Access, Args, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::keyspace::Value;
use crate::emulator::reply::Reply;

/// Name, arity, syntax and summary.
pub const SPEC: Spec = Spec {
    name: "llen",
    arity: 2,
    syntax: "key",
    summary: "Returns the number of elements in a list.",
    group: "list",
    denyoom: false,
    access: Access::Read,
};

/// ```text
/// LLEN key
/// ```
/// 0 for a missing key, WRONGTYPE for another type.
#[derive(Debug)]
pub struct Llen<'a> {
    key: &'a [u8],
}

impl<'a> Command<'a> for Llen<'a> {
    fn parse(args: &mut Args<'a>) -> Result<Self, CommandError> {
        Ok(Llen {
            key: args.next_arg()?,
        })
    }

    fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        match ctx.keyspace.get(self.key) {
            None => Ok(Reply::Integer(0)),
            Some(Value::List(l)) => Ok(Reply::Integer(l.len() as i64)),
            Some(_) => Err(CommandError::WrongType),
        }
    }
}
