//! TYPE: the type of the value at a key.

use super::{Args, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::reply::Reply;

/// ```text
/// TYPE key
/// ```
/// Replies `string`, `hash`, or `none` for an absent key.
#[derive(Debug)]
pub struct Type {
    key: Vec<u8>,
}

impl Command for Type {
    const SPEC: Spec = Spec {
        name: "type",
        arity: 2,
        syntax: "key",
        summary: "Returns the type of the value stored at a key.",
        group: "generic",
    };

    fn parse(args: &mut Args<'_>) -> Result<Self, CommandError> {
        Ok(Type {
            key: args.next_owned()?,
        })
    }

    fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        Ok(Reply::Status(
            ctx.keyspace
                .get(&self.key)
                .map_or("none", |v| v.type_name()),
        ))
    }
}
