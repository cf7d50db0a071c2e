//! GETDEL: return the string at a key and delete the key.

use super::{Access, Args, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::reply::Reply;

/// Name, arity, syntax and summary.
pub const SPEC: Spec = Spec {
    name: "getdel",
    arity: 2,
    syntax: "key",
    summary: "Returns the string value of a key after deleting the key.",
    group: "string",
    denyoom: false,
    access: Access::Remove,
};

/// ```text
/// GETDEL key
/// ```
/// The string (nil if none), and the key is gone; WRONGTYPE, and nothing deleted, for a key of
/// another type.
#[derive(Debug)]
pub struct Getdel<'a> {
    key: &'a [u8],
}

impl<'a> Command<'a> for Getdel<'a> {
    fn parse(args: &mut Args<'a>) -> Result<Self, CommandError> {
        Ok(Getdel {
            key: args.next_arg()?,
        })
    }

    fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        let value = super::get::get_string(ctx.keyspace, self.key)?;
        if value != Reply::Nil {
            ctx.keyspace.remove(self.key);
        }
        Ok(value)
    }
}
