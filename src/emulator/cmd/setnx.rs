//! SETNX: set a key to a string only if it does not exist.

use super::{Access, Args, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::keyspace::Value;
use crate::emulator::reply::Reply;

/// Name, arity, syntax and summary.
pub const SPEC: Spec = Spec {
    name: "setnx",
    arity: 3,
    syntax: "key value",
    summary: "Sets the string value of a key only when the key doesn't exist.",
    group: "string",
    denyoom: true,
    access: Access::Write,
};

/// ```text
/// SETNX key value
/// ```
/// 1 if the key was set, 0 if it exists (of any type).
#[derive(Debug)]
pub struct Setnx<'a> {
    key: &'a [u8],
    value: &'a [u8],
}

impl<'a> Command<'a> for Setnx<'a> {
    fn parse(args: &mut Args<'a>) -> Result<Self, CommandError> {
        Ok(Setnx {
            key: args.next_arg()?,
            value: args.next_arg()?,
        })
    }

    fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        if ctx.keyspace.contains(self.key) {
            return Ok(Reply::Integer(0));
        }
        ctx.keyspace
            .set(self.key, Value::Str(self.value.to_vec()), false);
        Ok(Reply::Integer(1))
    }
}
