//! HMGET: read several fields of a hash.

use super::{Args, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::reply::Reply;

/// ```text
/// HMGET key field [field ...]
/// ```
/// Replies with one value (or nil) per field asked, in the order asked.
#[derive(Debug)]
pub struct Hmget {
    key: Vec<u8>,
    fields: Vec<Vec<u8>>,
}

impl Command for Hmget {
    const SPEC: Spec = Spec {
        name: "hmget",
        arity: -3,
        syntax: "key field [field ...]",
        summary: "Returns the values of several fields in a hash.",
        group: "hash",
    };

    fn parse(args: &mut Args<'_>) -> Result<Self, CommandError> {
        Ok(Hmget {
            key: args.next_owned()?,
            fields: args.rest().to_vec(),
        })
    }

    fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        let hash = ctx
            .keyspace
            .hash(&self.key)
            .map_err(|()| CommandError::WrongType)?;
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
