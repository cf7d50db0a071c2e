//! DBSIZE: the number of keys.

use super::{Access, Args, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::reply::Reply;

/// Name, arity, syntax and summary.
pub const SPEC: Spec = Spec {
    name: "dbsize",
    arity: 1,
    syntax: "",
    summary: "Returns the number of keys in the database.",
    group: "server",
    denyoom: false,
    access: Access::Read,
};

/// ```text
/// DBSIZE
/// ```
/// Replies with the number of keys in the database.
#[derive(Debug)]
pub struct Dbsize;

impl<'a> Command<'a> for Dbsize {
    fn parse(_args: &mut Args<'a>) -> Result<Self, CommandError> {
        Ok(Dbsize)
    }

    fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        Ok(Reply::Integer(ctx.keyspace.len() as i64))
    }
}
