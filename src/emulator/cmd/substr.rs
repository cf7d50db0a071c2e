//! SUBSTR: GETRANGE's old name.

use super::{Access, Args, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::reply::Reply;

/// Name, arity, syntax and summary.
pub const SPEC: Spec = Spec {
    name: "substr",
    arity: 4,
    syntax: "key start end",
    summary: "Returns a substring of a string (GETRANGE's old name).",
    group: "string",
    denyoom: false,
    access: Access::Read,
};

/// ```text
/// SUBSTR key start end
/// ```
/// Exactly GETRANGE (see [`super::getrange`]).
#[derive(Debug)]
pub struct Substr<'a> {
    key: &'a [u8],
    start: i64,
    end: i64,
}

impl<'a> Command<'a> for Substr<'a> {
    fn parse(args: &mut Args<'a>) -> Result<Self, CommandError> {
        let (key, start, end) = super::getrange::parse_range(args)?;
        Ok(Substr { key, start, end })
    }

    fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        super::getrange::range(ctx, self.key, self.start, self.end)
    }
}
