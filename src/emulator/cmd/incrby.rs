//! INCRBY: add an integer to the integer stored at a key.

use super::{Access, Args, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::number::parse_i64;
use crate::emulator::reply::Reply;

/// Name, arity, syntax and summary.
pub const SPEC: Spec = Spec {
    name: "incrby",
    arity: 3,
    syntax: "key increment",
    summary: "Increments the integer value of a key by a number.",
    group: "string",
    denyoom: true,
    access: Access::Write,
};

/// ```text
/// INCRBY key increment
/// ```
/// The increment is read first; then as INCR (a missing key counts as 0, the key keeps its
/// expiry, overflow is refused).
#[derive(Debug)]
pub struct Incrby<'a> {
    key: &'a [u8],
    by: i64,
}

impl<'a> Command<'a> for Incrby<'a> {
    fn parse(args: &mut Args<'a>) -> Result<Self, CommandError> {
        let key = args.next_arg()?;
        let by = parse_i64(args.next_arg()?).ok_or(CommandError::NotAnInteger)?;
        Ok(Incrby { key, by })
    }

    fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        super::incr::add(ctx, self.key, self.by)
    }
}
