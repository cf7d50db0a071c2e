//! LPUSH: put elements at the head of a list.

use super::{Access, Args, Argv, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::reply::Reply;

/// Name, arity, syntax and summary.
pub const SPEC: Spec = Spec {
    name: "lpush",
    arity: -3,
    syntax: "key element [element ...]",
    summary: "Prepends elements to a list, each in turn (the last given ends up first); makes the list if there is none.",
    group: "list",
    denyoom: true,
    access: Access::Write,
};

/// ```text
/// LPUSH key element [element ...]
/// ```
/// Replies with the list's length after the push.
#[derive(Debug)]
pub struct Lpush<'a> {
    key: &'a [u8],
    elements: Argv<'a>,
}

impl<'a> Command<'a> for Lpush<'a> {
    fn parse(args: &mut Args<'a>) -> Result<Self, CommandError> {
        Ok(Lpush {
            key: args.next_arg()?,
            elements: args.rest(),
        })
    }

    fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        push(ctx, self.key, self.elements, End::Head)
    }
}

/// Which end of a list a command works at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum End {
    Head,
    Tail,
}

/// LPUSH and RPUSH: each element in turn at `end`; the list's new length.
pub(super) fn push(
    ctx: &mut Ctx<'_>,
    key: &[u8],
    elements: Argv<'_>,
    end: End,
) -> Result<Reply, CommandError> {
    let list = ctx.keyspace.list_or_create(key)?;
    for element in elements.iter() {
        match end {
            End::Head => list.push_front(element.to_vec()),
            End::Tail => list.push_back(element.to_vec()),
        }
    }
    let len = list.len();
    ctx.keyspace.touch(key);
    Ok(Reply::Integer(len as i64))
}
