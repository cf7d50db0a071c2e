//! PERSIST: remove a key's expiry.

use super::{Access, Args, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::reply::Reply;

/// Name, arity, syntax and summary.
pub const SPEC: Spec = Spec {
    name: "persist",
    arity: 2,
    syntax: "key",
    summary: "Removes the expiration time of a key.",
    group: "generic",
    denyoom: false,
    access: Access::Write,
};

/// ```text
/// PERSIST key
/// ```
/// 1 if the key had an expiry and no longer has one, 0 otherwise.
#[derive(Debug)]
pub struct Persist<'a> {
    key: &'a [u8],
}

impl<'a> Command<'a> for Persist<'a> {
    fn parse(args: &mut Args<'a>) -> Result<Self, CommandError> {
        Ok(Persist {
            key: args.next_arg()?,
        })
    }

    fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        Ok(Reply::Integer(i64::from(
            ctx.keyspace.clear_expiry(self.key),
        )))
    }
}
