//! HLEN: count the fields of a hash.

use super::{Access, Args, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::reply::Reply;

/// Name, arity, syntax and summary.
pub const SPEC: Spec = Spec {
    name: "hlen",
    arity: 2,
    syntax: "key",
    summary: "Returns the number of fields in a hash.",
    group: "hash",
    denyoom: false,
    access: Access::Read,
};

/// ```text
/// HLEN key
/// ```
/// Replies with the number of fields (0 for an absent key).
#[derive(Debug)]
pub struct Hlen<'a> {
    key: &'a [u8],
}

impl<'a> Command<'a> for Hlen<'a> {
    fn parse(args: &mut Args<'a>) -> Result<Self, CommandError> {
        Ok(Hlen {
            key: args.next_arg()?,
        })
    }

    fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        let hash = ctx.keyspace.hash(self.key)?;
        Ok(Reply::Integer(hash.map_or(0, |h| h.len() as i64)))
    }
}
