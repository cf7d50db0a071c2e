//! RANDOMKEY: a key chosen at random.

use super::{Access, Args, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::reply::Reply;

/// Name, arity, syntax and summary.
pub const SPEC: Spec = Spec {
    name: "randomkey",
    arity: 1,
    syntax: "",
    summary: "Returns a random key name from the database.",
    group: "generic",
    denyoom: false,
    access: Access::Read,
};

/// ```text
/// RANDOMKEY
/// ```
/// Nil for an empty database; otherwise any key, each equally likely (from the emulator's
/// seeded generator).
#[derive(Debug)]
pub struct Randomkey;

impl<'a> Command<'a> for Randomkey {
    fn parse(_args: &mut Args<'a>) -> Result<Self, CommandError> {
        Ok(Randomkey)
    }

    fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        let n = ctx.keyspace.len();
        if n == 0 {
            return Ok(Reply::Nil);
        }
        let pick = (ctx.rng.next_u64() % n as u64) as usize;
        Ok(ctx
            .keyspace
            .keys()
            .nth(pick)
            .map_or(Reply::Nil, |k| Reply::bulk(k.clone())))
    }
}
