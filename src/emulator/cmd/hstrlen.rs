//! HSTRLEN: the length of a field's value.

use super::{Access, Args, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::reply::Reply;

/// Name, arity, syntax and summary.
pub const SPEC: Spec = Spec {
    name: "hstrlen",
    arity: 3,
    syntax: "key field",
    summary: "Returns the length in bytes of the value of a hash field.",
    group: "hash",
    denyoom: false,
    access: Access::Read,
};

/// ```text
/// HSTRLEN key field
/// ```
/// Replies with the value's length in bytes (0 if the key or field does not exist).
#[derive(Debug)]
pub struct Hstrlen<'a> {
    key: &'a [u8],
    field: &'a [u8],
}

impl<'a> Command<'a> for Hstrlen<'a> {
    fn parse(args: &mut Args<'a>) -> Result<Self, CommandError> {
        Ok(Hstrlen {
            key: args.next_arg()?,
            field: args.next_arg()?,
        })
    }

    fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        let hash = ctx.keyspace.hash(self.key)?;
        Ok(Reply::Integer(
            hash.and_then(|h| h.get(self.field))
                .map_or(0, |v| v.len() as i64),
        ))
    }
}
