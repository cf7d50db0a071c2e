//! HGET: read one field of a hash.

use super::{Args, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::reply::Reply;

/// ```text
/// HGET key field
/// ```
/// Replies with the value, or nil if the key or the field does not exist.
#[derive(Debug)]
pub struct Hget {
    key: Vec<u8>,
    field: Vec<u8>,
}

impl Command for Hget {
    const SPEC: Spec = Spec {
        name: "hget",
        arity: 3,
        syntax: "key field",
        summary: "Returns the value of a field in a hash.",
        group: "hash",
    };

    fn parse(args: &mut Args<'_>) -> Result<Self, CommandError> {
        Ok(Hget {
            key: args.next_owned()?,
            field: args.next_owned()?,
        })
    }

    fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        let hash = ctx
            .keyspace
            .hash(&self.key)
            .map_err(|()| CommandError::WrongType)?;
        Ok(match hash.and_then(|h| h.get(&self.field)) {
            Some(value) => Reply::bulk(value.clone()),
            None => Reply::Nil,
        })
    }
}
