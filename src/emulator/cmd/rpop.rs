//! RPOP: take elements from the tail of a list.

use super::lpop::{parse_pop, pop};
use super::lpush::End;
use super::{Access, Args, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::reply::Reply;

/// Name, arity, syntax and summary.
pub const SPEC: Spec = Spec {
    name: "rpop",
    arity: -2,
    syntax: "key [count]",
    summary: "Removes and returns the last element of a list, or the last count; the list goes when its last element does.",
    group: "list",
    denyoom: false,
    access: Access::Remove,
};

/// ```text
/// RPOP key [count]
/// ```
/// As LPOP, from the tail.
#[derive(Debug)]
pub struct Rpop<'a> {
    key: &'a [u8],
    count: Option<usize>,
}

impl<'a> Command<'a> for Rpop<'a> {
    fn parse(args: &mut Args<'a>) -> Result<Self, CommandError> {
        let (key, count) = parse_pop(args)?;
        Ok(Rpop { key, count })
    }

    fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        pop(ctx, self.key, self.count, End::Tail)
    }
}
