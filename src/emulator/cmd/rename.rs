//! RENAME: give a key a new name.

use super::{Args, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::reply::Reply;

/// ```text
/// RENAME key newkey
/// ```
/// Moves the value (and its expiry) to `newkey`, replacing whatever was there, of any type.
/// Renaming a key onto itself is `OK` if it exists; a missing key is `ERR no such key`.
#[derive(Debug)]
pub struct Rename {
    from: Vec<u8>,
    to: Vec<u8>,
}

impl Command for Rename {
    const SPEC: Spec = Spec {
        name: "rename",
        arity: 3,
        syntax: "key newkey",
        summary: "Renames a key, overwriting the destination if it exists.",
        group: "generic",
    };

    fn parse(args: &mut Args<'_>) -> Result<Self, CommandError> {
        Ok(Rename {
            from: args.next_owned()?,
            to: args.next_owned()?,
        })
    }

    fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        if !ctx.keyspace.contains(&self.from) {
            return Err(CommandError::NoSuchKey);
        }
        if self.from != self.to {
            ctx.keyspace.rename(&self.from, &self.to);
        }
        Ok(Reply::ok())
    }
}
