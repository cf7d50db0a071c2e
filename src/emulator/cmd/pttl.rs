//! PTTL: how many milliseconds a key has left to live.

use super::{Access, Args, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::reply::Reply;

/// Name, arity, syntax and summary.
pub const SPEC: Spec = Spec {
    name: "pttl",
    arity: 2,
    syntax: "key",
    summary: "Returns the expiration time in milliseconds of a key.",
    group: "generic",
    denyoom: false,
    access: Access::Read,
};

/// ```text
/// PTTL key
/// ```
/// -2 for a missing key, -1 for a key without an expiry, else the milliseconds left.
#[derive(Debug)]
pub struct Pttl<'a> {
    key: &'a [u8],
}

impl<'a> Command<'a> for Pttl<'a> {
    fn parse(args: &mut Args<'a>) -> Result<Self, CommandError> {
        Ok(Pttl {
            key: args.next_arg()?,
        })
    }

    fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        Ok(Reply::Integer(super::ttl::time_left(ctx, self.key)))
    }
}
