//! HSETNX: set a field only if it does not exist yet.

use super::{Access, Args, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::reply::Reply;

/// Name, arity, syntax and summary.
pub const SPEC: Spec = Spec {
    name: "hsetnx",
    arity: 4,
    syntax: "key field value",
    summary: "Sets a hash field only if the field does not exist yet.",
    group: "hash",
    denyoom: true,
    access: Access::Write,
};

/// ```text
/// HSETNX key field value
/// ```
/// Replies 1 if the field was set, 0 if it already existed (and was left alone).
#[derive(Debug)]
pub struct Hsetnx<'a> {
    key: &'a [u8],
    field: &'a [u8],
    value: &'a [u8],
}

impl<'a> Command<'a> for Hsetnx<'a> {
    fn parse(args: &mut Args<'a>) -> Result<Self, CommandError> {
        Ok(Hsetnx {
            key: args.next_arg()?,
            field: args.next_arg()?,
            value: args.next_arg()?,
        })
    }

    fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        let hash = ctx.keyspace.hash_or_create(self.key)?;
        if hash.contains_key(self.field) {
            return Ok(Reply::Integer(0));
        }
        hash.insert(self.field.to_vec(), self.value.to_vec());
        ctx.keyspace.touch(self.key);
        Ok(Reply::Integer(1))
    }
}
