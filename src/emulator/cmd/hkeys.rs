//! HKEYS: returns every field name of a hash.

use super::{Args, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::reply::Reply;

/// ```text
/// HKEYS key
/// ```
/// Replies with the fields in insertion order. An absent key is an empty hash.
#[derive(Debug)]
pub struct Hkeys {
    key: Vec<u8>,
}

impl Command for Hkeys {
    const SPEC: Spec = Spec {
        name: "hkeys",
        arity: 2,
        syntax: "key",
        summary: "Returns every field name of a hash.",
        group: "hash",
    };

    fn parse(args: &mut Args<'_>) -> Result<Self, CommandError> {
        Ok(Hkeys {
            key: args.next_owned()?,
        })
    }

    fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        let hash = ctx
            .keyspace
            .hash(&self.key)
            .map_err(|()| CommandError::WrongType)?;
        Ok(Reply::Array(match hash {
            Some(h) => h.keys().map(|f| Reply::bulk(f.clone())).collect(),
            None => Vec::new(),
        }))
    }
}
