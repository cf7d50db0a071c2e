//! ECHO: reply with the message.

use super::{Args, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::reply::Reply;

/// ```text
/// ECHO message
/// ```
/// Replies with the message as a bulk string.
#[derive(Debug)]
pub struct Echo {
    message: Vec<u8>,
}

impl Command for Echo {
    const SPEC: Spec = Spec {
        name: "echo",
        arity: 2,
        syntax: "message",
        summary: "Returns the given message.",
        group: "connection",
    };

    fn parse(args: &mut Args<'_>) -> Result<Self, CommandError> {
        Ok(Echo {
            message: args.next_owned()?,
        })
    }

    fn apply(self, _ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        Ok(Reply::Bulk(self.message))
    }
}
