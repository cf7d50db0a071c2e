//! HSTRLEN: the length of a field's value.

use super::{Args, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::reply::Reply;

/// ```text
/// HSTRLEN key field
/// ```
/// Replies with the value's length in bytes (0 if the key or field does not exist).
#[derive(Debug)]
pub struct Hstrlen {
    key: Vec<u8>,
    field: Vec<u8>,
}

impl Command for Hstrlen {
    const SPEC: Spec = Spec {
        name: "hstrlen",
        arity: 3,
        syntax: "key field",
        summary: "Returns the length in bytes of the value of a hash field.",
        group: "hash",
    };

    fn parse(args: &mut Args<'_>) -> Result<Self, CommandError> {
        Ok(Hstrlen {
            key: args.next_owned()?,
            field: args.next_owned()?,
        })
    }

    fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        let hash = ctx
            .keyspace
            .hash(&self.key)
            .map_err(|()| CommandError::WrongType)?;
        Ok(Reply::Integer(
            hash.and_then(|h| h.get(&self.field))
                .map_or(0, |v| v.len() as i64),
        ))
    }
}
