//! MGET: the string values of several keys.

use super::{Access, Args, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::keyspace::Value;
use crate::emulator::reply::Reply;

/// Name, arity, syntax and summary.
pub const SPEC: Spec = Spec {
    name: "mget",
    arity: -2,
    syntax: "key [key ...]",
    summary: "Returns the string values of one or more keys.",
    group: "string",
    denyoom: false,
    access: Access::Read,
};

/// ```text
/// MGET key [key ...]
/// ```
/// One reply per key: the string, or nil for a missing key *and* for a key of another type
/// (MGET never answers WRONGTYPE).
#[derive(Debug)]
pub struct Mget<'a> {
    keys: crate::emulator::split::Argv<'a>,
}

impl<'a> Command<'a> for Mget<'a> {
    fn parse(args: &mut Args<'a>) -> Result<Self, CommandError> {
        Ok(Mget { keys: args.rest() })
    }

    fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        Ok(Reply::Array(
            self.keys
                .iter()
                .map(|key| match ctx.keyspace.get(key) {
                    Some(Value::Str(s)) => Reply::bulk(s.clone()),
                    _ => Reply::Nil,
                })
                .collect(),
        ))
    }
}
