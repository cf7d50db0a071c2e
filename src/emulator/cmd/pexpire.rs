//! PEXPIRE: sets the expiration time of a key in milliseconds.

use super::{Access, Args, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::reply::Reply;

/// Name, arity, syntax and summary.
pub const SPEC: Spec = Spec {
    name: "pexpire",
    arity: -3,
    syntax: "key milliseconds [NX | XX | GT | LT]",
    summary: "Sets the expiration time of a key in milliseconds.",
    group: "generic",
    denyoom: false,
    access: Access::Write,
};

/// ```text
/// PEXPIRE key milliseconds [NX | XX | GT | LT]
/// ```
/// As EXPIRE (see [`super::expire`]), with the time in milliseconds.
#[derive(Debug)]
pub struct Pexpire<'a>(super::expire::Request<'a>);

impl<'a> Command<'a> for Pexpire<'a> {
    fn parse(args: &mut Args<'a>) -> Result<Self, CommandError> {
        super::expire::Request::parse(args).map(Pexpire)
    }

    fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        self.0.apply(ctx, 1, true, "pexpire")
    }
}
