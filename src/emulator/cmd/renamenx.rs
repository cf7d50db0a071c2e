//! RENAMENX: give a key a new name, only if that name is free.

use super::{Access, Args, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::reply::Reply;

/// Name, arity, syntax and summary.
pub const SPEC: Spec = Spec {
    name: "renamenx",
    arity: 3,
    syntax: "key newkey",
    summary: "Renames a key only when the target key name doesn't exist.",
    group: "generic",
    denyoom: false,
    access: Access::Write,
};

/// ```text
/// RENAMENX key newkey
/// ```
/// A missing key is `ERR no such key`; 0 if `newkey` exists (of any type, the key itself
/// included); else the value and its expiry move and the reply is 1.
#[derive(Debug)]
pub struct Renamenx<'a> {
    from: &'a [u8],
    to: &'a [u8],
}

impl<'a> Command<'a> for Renamenx<'a> {
    fn parse(args: &mut Args<'a>) -> Result<Self, CommandError> {
        Ok(Renamenx {
            from: args.next_arg()?,
            to: args.next_arg()?,
        })
    }

    fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        if !ctx.keyspace.contains(self.from) {
            return Err(CommandError::NoSuchKey);
        }
        if ctx.keyspace.contains(self.to) {
            return Ok(Reply::Integer(0));
        }
        ctx.keyspace.rename(self.from, self.to);
        Ok(Reply::Integer(1))
    }
}
