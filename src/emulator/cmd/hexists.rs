//! HEXISTS: whether a hash has a field.

use super::{Access, Args, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::reply::Reply;

/// Name, arity, syntax and summary.
pub const SPEC: Spec = Spec {
    name: "hexists",
    arity: 3,
    syntax: "key field",
    summary: "Determines whether a field exists in a hash.",
    group: "hash",
    denyoom: false,
    access: Access::Read,
};

/// ```text
/// HEXISTS key field
/// ```
/// Replies 1 if the field exists, 0 otherwise.
#[derive(Debug)]
pub struct Hexists<'a> {
    key: &'a [u8],
    field: &'a [u8],
}

impl<'a> Command<'a> for Hexists<'a> {
    fn parse(args: &mut Args<'a>) -> Result<Self, CommandError> {
        Ok(Hexists {
            key: args.next_arg()?,
            field: args.next_arg()?,
        })
    }

    fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        let hash = ctx.keyspace.hash(self.key)?;
        Ok(Reply::Integer(i64::from(
            hash.is_some_and(|h| h.contains_key(self.field)),
        )))
    }
}
