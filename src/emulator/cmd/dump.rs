//! DUMP: the value at a key, serialized as Redis serializes it.

use super::{Access, Args, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::rdb;
use crate::emulator::reply::Reply;

/// Name, arity, syntax and summary.
pub const SPEC: Spec = Spec {
    name: "dump",
    arity: 2,
    syntax: "key",
    summary: "Returns a serialized representation of the value stored at a key.",
    group: "generic",
    denyoom: false,
    access: Access::Read,
};

/// ```text
/// DUMP key
/// ```
/// The value in Redis 7.0's RDB encoding with the RDB version (10) and a CRC64 after it
/// ([`rdb`]): what redis-server's RESTORE reads. A missing key is nil.
#[derive(Debug)]
pub struct Dump<'a> {
    key: &'a [u8],
}

impl<'a> Command<'a> for Dump<'a> {
    fn parse(args: &mut Args<'a>) -> Result<Self, CommandError> {
        Ok(Dump {
            key: args.next_arg()?,
        })
    }

    fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        Ok(match ctx.keyspace.get(self.key) {
            None => Reply::Nil,
            Some(value) => Reply::Bulk(rdb::dump(value)),
        })
    }
}
