//! HKEYS: returns every field name of a hash.

use super::{Access, Args, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::reply::Reply;

/// Name, arity, syntax and summary.
pub const SPEC: Spec = Spec {
    name: "hkeys",
    arity: 2,
    syntax: "key",
    summary: "Returns every field name of a hash.",
    group: "hash",
    denyoom: false,
    access: Access::Read,
};

/// ```text
/// HKEYS key
/// ```
/// Replies with the fields in insertion order. An absent key is an empty hash.
#[derive(Debug)]
pub struct Hkeys<'a> {
    key: &'a [u8],
}

impl<'a> Command<'a> for Hkeys<'a> {
    fn parse(args: &mut Args<'a>) -> Result<Self, CommandError> {
        Ok(Hkeys {
            key: args.next_arg()?,
        })
    }

    fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        let hash = ctx.keyspace.hash(self.key)?;
        Ok(Reply::Array(match hash {
            Some(h) => h.keys().map(|f| Reply::bulk(f.clone())).collect(),
            None => Vec::new(),
        }))
    }
}
