//! HGETALL: returns every field and value of a hash.

use super::{Access, Args, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::reply::Reply;

/// Name, arity, syntax and summary.
pub const SPEC: Spec = Spec {
    name: "hgetall",
    arity: 2,
    syntax: "key",
    summary: "Returns every field and value of a hash.",
    group: "hash",
    denyoom: false,
    access: Access::Read,
};

/// ```text
/// HGETALL key
/// ```
/// Replies with field, value, field, value, ... in insertion order. An absent key is an empty hash.
#[derive(Debug)]
pub struct Hgetall<'a> {
    key: &'a [u8],
}

impl<'a> Command<'a> for Hgetall<'a> {
    fn parse(args: &mut Args<'a>) -> Result<Self, CommandError> {
        Ok(Hgetall {
            key: args.next_arg()?,
        })
    }

    fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        let hash = ctx.keyspace.hash(self.key)?;
        Ok(Reply::Array(match hash {
            Some(h) => h
                .iter()
                .flat_map(|(f, v)| [Reply::bulk(f.clone()), Reply::bulk(v.clone())])
                .collect(),
            None => Vec::new(),
        }))
    }
}
