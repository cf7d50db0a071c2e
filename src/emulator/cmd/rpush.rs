//! RPUSH: put elements at the tail of a list.

use super::lpush::{push, End};
use super::{Access, Args, Argv, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::reply::Reply;

/// Name, arity, syntax and summary.
pub const SPEC: Spec = Spec {
    name: "rpush",
    arity: -3,
    syntax: "key element [element ...]",
    summary: "Appends elements to a list, in order; makes the list if there is none.",
    group: "list",
    denyoom: true,
    access: Access::Write,
};

/// ```text
/// RPUSH key element [element ...]
/// ```
/// Replies with the list's length after the push.
#[derive(Debug)]
pub struct Rpush<'a> {
    key: &'a [u8],
    elements: Argv<'a>,
}

impl<'a> Command<'a> for Rpush<'a> {
    fn parse(args: &mut Args<'a>) -> Result<Self, CommandError> {
        Ok(Rpush {
            key: args.next_arg()?,
            elements: args.rest(),
        })
    }

    fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        push(ctx, self.key, self.elements, End::Tail)
    }
}
