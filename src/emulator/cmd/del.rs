//! DEL: remove keys.

use super::{Access, Args, Argv, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::reply::Reply;

/// Name, arity, syntax and summary.
pub const SPEC: Spec = Spec {
    name: "del",
    arity: -2,
    syntax: "key [key ...]",
    summary: "Deletes keys and replies with how many existed.",
    group: "generic",
    denyoom: false,
    access: Access::Remove,
};

/// ```text
/// DEL key [key ...]
/// ```
/// Replies with the number of keys removed.
#[derive(Debug)]
pub struct Del<'a> {
    keys: Argv<'a>,
}

impl<'a> Command<'a> for Del<'a> {
    fn parse(args: &mut Args<'a>) -> Result<Self, CommandError> {
        Ok(Del { keys: args.rest() })
    }

    fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        let removed = self.keys.iter().filter(|k| ctx.keyspace.remove(k)).count();
        Ok(Reply::Integer(removed as i64))
    }
}
