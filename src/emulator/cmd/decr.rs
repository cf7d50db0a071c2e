//! DECR: subtract one from the integer stored at a key.

use super::{Access, Args, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::reply::Reply;

/// Name, arity, syntax and summary.
pub const SPEC: Spec = Spec {
    name: "decr",
    arity: 2,
    syntax: "key",
    summary: "Decrements the integer value of a key by one.",
    group: "string",
    denyoom: true,
    access: Access::Write,
};

/// ```text
/// DECR key
/// ```
/// As INCR, by -1.
#[derive(Debug)]
pub struct Decr<'a> {
    key: &'a [u8],
}

impl<'a> Command<'a> for Decr<'a> {
    fn parse(args: &mut Args<'a>) -> Result<Self, CommandError> {
        Ok(Decr {
            key: args.next_arg()?,
        })
    }

    fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        super::incr::add(ctx, self.key, -1)
    }
}
