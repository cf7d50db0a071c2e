//! HEXISTS: whether a hash has a field.

use super::{Args, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::reply::Reply;

/// ```text
/// HEXISTS key field
/// ```
/// Replies 1 if the field exists, 0 otherwise.
#[derive(Debug)]
pub struct Hexists {
    key: Vec<u8>,
    field: Vec<u8>,
}

impl Command for Hexists {
    const SPEC: Spec = Spec {
        name: "hexists",
        arity: 3,
        syntax: "key field",
        summary: "Determines whether a field exists in a hash.",
        group: "hash",
    };

    fn parse(args: &mut Args<'_>) -> Result<Self, CommandError> {
        Ok(Hexists {
            key: args.next_owned()?,
            field: args.next_owned()?,
        })
    }

    fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        let hash = ctx
            .keyspace
            .hash(&self.key)
            .map_err(|()| CommandError::WrongType)?;
        Ok(Reply::Integer(i64::from(
            hash.is_some_and(|h| h.contains_key(&self.field)),
        )))
    }
}
