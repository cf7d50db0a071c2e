//! GET: the string value of a key.

use super::{Access, Args, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::keyspace::{Keyspace, Value};
use crate::emulator::reply::Reply;

/// Name, arity, syntax and summary.
pub const SPEC: Spec = Spec {
    name: "get",
    arity: 2,
    syntax: "key",
    summary: "Returns the string value of a key.",
    group: "string",
    denyoom: false,
    access: Access::Read,
};

/// ```text
/// GET key
/// ```
/// Replies with the string, nil for an absent key, and WRONGTYPE for a hash.
#[derive(Debug)]
pub struct Get<'a> {
    key: &'a [u8],
}

/// GET's reply for `key` (also used by `SET ... GET`).
pub(super) fn get_string(keyspace: &Keyspace, key: &[u8]) -> Result<Reply, CommandError> {
    match keyspace.get(key) {
        None => Ok(Reply::Nil),
        Some(Value::Str(s)) => Ok(Reply::bulk(s.clone())),
        Some(_) => Err(CommandError::WrongType),
    }
}

impl<'a> Command<'a> for Get<'a> {
    fn parse(args: &mut Args<'a>) -> Result<Self, CommandError> {
        Ok(Get {
            key: args.next_arg()?,
        })
    }

    fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        get_string(ctx.keyspace, self.key)
    }
}
