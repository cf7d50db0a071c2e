//! HGET: read one field of a hash.

use super::{Access, Args, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::reply::Reply;

/// Name, arity, syntax and summary.
pub const SPEC: Spec = Spec {
    name: "hget",
    arity: 3,
    syntax: "key field",
    summary: "Returns the value of a field in a hash.",
    group: "hash",
    denyoom: false,
    access: Access::Read,
};

/// ```text
/// HGET key field
/// ```
/// Replies with the value, or nil if the key or the field does not exist.
#[derive(Debug)]
pub struct Hget<'a> {
    key: &'a [u8],
    field: &'a [u8],
}

impl<'a> Command<'a> for Hget<'a> {
    fn parse(args: &mut Args<'a>) -> Result<Self, CommandError> {
        Ok(Hget {
            key: args.next_arg()?,
            field: args.next_arg()?,
        })
    }

    fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        let hash = ctx.keyspace.hash(self.key)?;
        Ok(match hash.and_then(|h| h.get(self.field)) {
            Some(value) => Reply::bulk(value.clone()),
            None => Reply::Nil,
        })
    }
}
