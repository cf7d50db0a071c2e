//! TYPE: the type of the value at a key.

use super::{Access, Args, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::reply::Reply;

/// Name, arity, syntax and summary.
pub const SPEC: Spec = Spec {
    name: "type",
    arity: 2,
    syntax: "key",
    summary: "Returns the type of the value stored at a key.",
    group: "generic",
    denyoom: false,
    access: Access::Read,
};

/// ```text
/// TYPE key
/// ```
/// Replies `string`, `hash`, or `none` for an absent key.
#[derive(Debug)]
pub struct Type<'a> {
    key: &'a [u8],
}

impl<'a> Command<'a> for Type<'a> {
    fn parse(args: &mut Args<'a>) -> Result<Self, CommandError> {
        Ok(Type {
            key: args.next_arg()?,
        })
    }

    fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        Ok(Reply::Status(
            ctx.keyspace
                .peek(self.key)
                .map_or("none", |v| v.type_name()),
        ))
    }
}
