//! EXISTS: count how many of the given keys exist.

use super::{Args, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::reply::Reply;

/// ```text
/// EXISTS key [key ...]
/// ```
/// Replies with how many of the keys exist; a key named twice counts twice.
#[derive(Debug)]
pub struct Exists {
    keys: Vec<Vec<u8>>,
}

impl Command for Exists {
    const SPEC: Spec = Spec {
        name: "exists",
        arity: -2,
        syntax: "key [key ...]",
        summary: "Counts how many of the given keys exist.",
        group: "generic",
    };

    fn parse(args: &mut Args<'_>) -> Result<Self, CommandError> {
        Ok(Exists {
            keys: args.rest().to_vec(),
        })
    }

    fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        Ok(Reply::Integer(
            self.keys
                .iter()
                .filter(|k| ctx.keyspace.contains(k))
                .count() as i64,
        ))
    }
}
