//! PING: check that the server answers.

use super::{Args, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::reply::Reply;

/// ```text
/// PING [message]
/// ```
/// Replies `PONG`, or the message as a bulk string.
#[derive(Debug)]
pub struct Ping {
    message: Option<Vec<u8>>,
}

impl Command for Ping {
    const SPEC: Spec = Spec {
        name: "ping",
        arity: -1,
        syntax: "[message]",
        summary: "Returns PONG, or the message given.",
        group: "connection",
    };

    fn parse(args: &mut Args<'_>) -> Result<Self, CommandError> {
        if args.remaining() > 1 {
            return Err(args.arity_error());
        }
        Ok(Ping {
            message: args.next_optional().map(<[u8]>::to_vec),
        })
    }

    fn apply(self, _ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        Ok(match self.message {
            Some(m) => Reply::Bulk(m),
            None => Reply::Status("PONG"),
        })
    }
}
