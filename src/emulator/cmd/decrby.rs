//! DECRBY: subtract an integer from the integer stored at a key.

use super::{Access, Args, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::number::parse_i64;
use crate::emulator::reply::Reply;

/// Name, arity, syntax and summary.
pub const SPEC: Spec = Spec {
    name: "decrby",
    arity: 3,
    syntax: "key decrement",
    summary: "Decrements a number from the integer value of a key.",
    group: "string",
    denyoom: true,
    access: Access::Write,
};

/// ```text
/// DECRBY key decrement
/// ```
/// As INCRBY with the decrement negated; `-9223372036854775808` cannot be negated and is
/// refused ("decrement would overflow").
#[derive(Debug)]
pub struct Decrby<'a> {
    key: &'a [u8],
    by: i64,
}

impl<'a> Command<'a> for Decrby<'a> {
    fn parse(args: &mut Args<'a>) -> Result<Self, CommandError> {
        let key = args.next_arg()?;
        let decrement = parse_i64(args.next_arg()?).ok_or(CommandError::NotAnInteger)?;
        let by = decrement
            .checked_neg()
            .ok_or(CommandError::DecrementOverflow)?;
        Ok(Decrby { key, by })
    }

    fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        super::incr::add(ctx, self.key, self.by)
    }
}
