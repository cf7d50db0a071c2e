//! DEL: remove keys.

use super::{Args, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::reply::Reply;

/// ```text
/// DEL key [key ...]
/// ```
/// Replies with the number of keys removed.
#[derive(Debug)]
pub struct Del {
    keys: Vec<Vec<u8>>,
}

impl Command for Del {
    const SPEC: Spec = Spec {
        name: "del",
        arity: -2,
        syntax: "key [key ...]",
        summary: "Deletes keys and replies with how many existed.",
        group: "generic",
    };

    fn parse(args: &mut Args<'_>) -> Result<Self, CommandError> {
        Ok(Del {
            keys: args.rest().to_vec(),
        })
    }

    fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        let removed = self.keys.iter().filter(|k| ctx.keyspace.remove(k)).count();
        Ok(Reply::Integer(removed as i64))
    }
}
