//! PSETEX: set a key to a string that expires after a number of milliseconds.

use super::{Access, Args, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::reply::Reply;

/// Name, arity, syntax and summary.
pub const SPEC: Spec = Spec {
    name: "psetex",
    arity: 4,
    syntax: "key milliseconds value",
    summary: "Sets the string value and expiration time of a key (milliseconds).",
    group: "string",
    denyoom: true,
    access: Access::Write,
};

/// ```text
/// PSETEX key milliseconds value
/// ```
/// As `SET key value PX milliseconds`: the time must be a positive integer that does not
/// overflow (`invalid expire time in 'psetex' command`).
#[derive(Debug)]
pub struct Psetex<'a>(super::setex::Setex<'a>);

impl<'a> Command<'a> for Psetex<'a> {
    fn parse(args: &mut Args<'a>) -> Result<Self, CommandError> {
        super::setex::Setex::parse(args).map(Psetex)
    }

    fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        self.0.set(ctx, 1, "psetex")
    }
}
