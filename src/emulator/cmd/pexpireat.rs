//! PEXPIREAT: sets the expiration time of a key to a Unix milliseconds timestamp.

use super::{Access, Args, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::reply::Reply;

/// Name, arity, syntax and summary.
pub const SPEC: Spec = Spec {
    name: "pexpireat",
    arity: -3,
    syntax: "key unix-time-milliseconds [NX | XX | GT | LT]",
    summary: "Sets the expiration time of a key to a Unix milliseconds timestamp.",
    group: "generic",
    denyoom: false,
    access: Access::Write,
};

/// ```text
/// PEXPIREAT key unix-time-milliseconds [NX | XX | GT | LT]
/// ```
/// As EXPIRE (see [`super::expire`]), with the time in milliseconds since the Unix epoch.
#[derive(Debug)]
pub struct Pexpireat<'a>(super::expire::Request<'a>);

impl<'a> Command<'a> for Pexpireat<'a> {
    fn parse(args: &mut Args<'a>) -> Result<Self, CommandError> {
        super::expire::Request::parse(args).map(Pexpireat)
    }

    fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        self.0.apply(ctx, 1, false, "pexpireat")
    }
}
