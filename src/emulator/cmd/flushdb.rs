//! FLUSHDB: removes every key of the current database.

use super::{Access, Args, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::reply::Reply;

/// Name, arity, syntax and summary.
pub const SPEC: Spec = Spec {
    name: "flushdb",
    arity: -1,
    syntax: "[ASYNC | SYNC]",
    summary: "Removes every key of the current database.",
    group: "server",
    denyoom: false,
    access: Access::Remove,
};

/// ```text
/// FLUSHDB [ASYNC | SYNC]
/// ```
/// Replies `OK`. The emulator serves one database, so FLUSHDB and FLUSHALL do the same.
#[derive(Debug)]
pub struct Flushdb;

impl<'a> Command<'a> for Flushdb {
    fn parse(args: &mut Args<'a>) -> Result<Self, CommandError> {
        super::parse_flush_mode(args)?;
        Ok(Flushdb)
    }

    fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        ctx.keyspace.clear();
        Ok(Reply::ok())
    }
}
