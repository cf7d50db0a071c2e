//! HSETNX: set a field only if it does not exist yet.

use super::{Args, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::reply::Reply;

/// ```text
/// HSETNX key field value
/// ```
/// Replies 1 if the field was set, 0 if it already existed (and was left alone).
#[derive(Debug)]
pub struct Hsetnx {
    key: Vec<u8>,
    field: Vec<u8>,
    value: Vec<u8>,
}

impl Command for Hsetnx {
    const SPEC: Spec = Spec {
        name: "hsetnx",
        arity: 4,
        syntax: "key field value",
        summary: "Sets a hash field only if the field does not exist yet.",
        group: "hash",
    };

    fn parse(args: &mut Args<'_>) -> Result<Self, CommandError> {
        Ok(Hsetnx {
            key: args.next_owned()?,
            field: args.next_owned()?,
            value: args.next_owned()?,
        })
    }

    fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        let hash = ctx
            .keyspace
            .hash_or_create(&self.key)
            .map_err(|()| CommandError::WrongType)?;
        if hash.contains_key(&self.field) {
            return Ok(Reply::Integer(0));
        }
        hash.insert(self.field, self.value);
        Ok(Reply::Integer(1))
    }
}
