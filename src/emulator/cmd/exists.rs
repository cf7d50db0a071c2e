//! EXISTS: count how many of the given keys exist.

use super::{Access, Args, Argv, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::reply::Reply;

/// Name, arity, syntax and summary.
pub const SPEC: Spec = Spec {
    name: "exists",
    arity: -2,
    syntax: "key [key ...]",
    summary: "Counts how many of the given keys exist.",
    group: "generic",
    denyoom: false,
    access: Access::Read,
};

/// ```text
/// EXISTS key [key ...]
/// ```
/// Replies with how many of the keys exist; a key named twice counts twice.
#[derive(Debug)]
pub struct Exists<'a> {
    keys: Argv<'a>,
}

impl<'a> Command<'a> for Exists<'a> {
    fn parse(args: &mut Args<'a>) -> Result<Self, CommandError> {
        Ok(Exists { keys: args.rest() })
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
