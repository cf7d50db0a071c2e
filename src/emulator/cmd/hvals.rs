//! HVALS: returns every value of a hash.

use super::{Access, Args, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::reply::Reply;

/// Name, arity, syntax and summary.
pub const SPEC: Spec = Spec {
    name: "hvals",
    arity: 2,
    syntax: "key",
    summary: "Returns every value of a hash.",
    group: "hash",
    denyoom: false,
    access: Access::Read,
};

/// ```text
/// HVALS key
/// ```
/// Replies with the values in the order of their fields. An absent key is an empty hash.
#[derive(Debug)]
pub struct Hvals<'a> {
    key: &'a [u8],
}

impl<'a> Command<'a> for Hvals<'a> {
    fn parse(args: &mut Args<'a>) -> Result<Self, CommandError> {
        Ok(Hvals {
            key: args.next_arg()?,
        })
    }

    fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        let hash = ctx.keyspace.hash(self.key)?;
        Ok(Reply::Array(match hash {
            Some(h) => h.values().map(|v| Reply::bulk(v.clone())).collect(),
            None => Vec::new(),
        }))
    }
}
