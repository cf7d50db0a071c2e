//! HMGET: read several fields of a hash.

use super::{Access, Args, Argv, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::reply::Reply;

/// Name, arity, syntax and summary.
pub const SPEC: Spec = Spec {
    name: "hmget",
    arity: -3,
    syntax: "key field [field ...]",
    summary: "Returns the values of several fields in a hash.",
    group: "hash",
    denyoom: false,
    access: Access::Read,
};

/// ```text
/// HMGET key field [field ...]
/// ```
/// Replies with one value (or nil) per field asked, in the order asked.
#[derive(Debug)]
pub struct Hmget<'a> {
    key: &'a [u8],
    fields: Argv<'a>,
}

impl<'a> Command<'a> for Hmget<'a> {
    fn parse(args: &mut Args<'a>) -> Result<Self, CommandError> {
        Ok(Hmget {
            key: args.next_arg()?,
            fields: args.rest(),
        })
    }

    fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        let hash = ctx.keyspace.hash(self.key)?;
        let values = self
            .fields
            .iter()
            .map(|f| match hash.and_then(|h| h.get(f)) {
                Some(v) => Reply::bulk(v.clone()),
                None => Reply::Nil,
            })
            .collect();
        Ok(Reply::Array(values))
    }
}
