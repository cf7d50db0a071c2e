//! RENAME: give a key a new name.

use super::{Access, Args, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::reply::Reply;

/// Name, arity, syntax and summary.
pub const SPEC: Spec = Spec {
    name: "rename",
    arity: 3,
    syntax: "key newkey",
    summary: "Renames a key, overwriting the destination if it exists.",
    group: "generic",
    denyoom: false,
    access: Access::Write,
};

/// ```text
/// RENAME key newkey
/// ```
/// Moves the value (and its expiry) to `newkey`, replacing whatever was there, of any type.
/// Renaming a key onto itself is `OK` if it exists; a missing key is `ERR no such key`.
#[derive(Debug)]
pub struct Rename<'a> {
    from: &'a [u8],
    to: &'a [u8],
}

impl<'a> Command<'a> for Rename<'a> {
    fn parse(args: &mut Args<'a>) -> Result<Self, CommandError> {
        Ok(Rename {
            from: args.next_arg()?,
            to: args.next_arg()?,
        })
    }

    fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        if !ctx.keyspace.contains(self.from) {
            return Err(CommandError::NoSuchKey);
        }
        if self.from != self.to {
            ctx.keyspace.rename(self.from, self.to);
        }
        Ok(Reply::ok())
    }
}
