//! PING: check that the server answers.

use super::{Access, Args, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::reply::Reply;

/// Name, arity, syntax and summary.
pub const SPEC: Spec = Spec {
    name: "ping",
    arity: -1,
    syntax: "[message]",
    summary: "Returns PONG, or the message given.",
    group: "connection",
    denyoom: false,
    access: Access::Read,
};

/// ```text
/// PING [message]
/// ```
/// Replies `PONG`, or the message as a bulk string.
#[derive(Debug)]
pub struct Ping<'a> {
    message: Option<&'a [u8]>,
}

impl<'a> Command<'a> for Ping<'a> {
    fn parse(args: &mut Args<'a>) -> Result<Self, CommandError> {
        if args.remaining() > 1 {
            return Err(args.arity_error());
        }
        Ok(Ping {
            message: args.next_optional(),
        })
    }

    fn apply(self, _ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        Ok(match self.message {
            Some(m) => Reply::bulk(m),
            None => Reply::Status("PONG"),
        })
    }
}
