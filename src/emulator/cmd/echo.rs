//! ECHO: reply with the message.

use super::{Access, Args, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::reply::Reply;

/// Name, arity, syntax and summary.
pub const SPEC: Spec = Spec {
    name: "echo",
    arity: 2,
    syntax: "message",
    summary: "Returns the given message.",
    group: "connection",
    denyoom: false,
    access: Access::Read,
};

/// ```text
/// ECHO message
/// ```
/// Replies with the message as a bulk string.
#[derive(Debug)]
pub struct Echo<'a> {
    message: &'a [u8],
}

impl<'a> Command<'a> for Echo<'a> {
    fn parse(args: &mut Args<'a>) -> Result<Self, CommandError> {
        Ok(Echo {
            message: args.next_arg()?,
        })
    }

    fn apply(self, _ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        Ok(Reply::bulk(self.message))
    }
}
