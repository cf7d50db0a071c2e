//! EXPIREAT: sets the expiration time of a key to a Unix timestamp.

use super::{Access, Args, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::reply::Reply;

/// Name, arity, syntax and summary.
pub const SPEC: Spec = Spec {
    name: "expireat",
    arity: -3,
    syntax: "key unix-time-seconds [NX | XX | GT | LT]",
    summary: "Sets the expiration time of a key to a Unix timestamp.",
    group: "generic",
    denyoom: false,
    access: Access::Write,
};

/// ```text
/// EXPIREAT key unix-time-seconds [NX | XX | GT | LT]
/// ```
/// As EXPIRE (see [`super::expire`]), with the time in seconds since the Unix epoch.
#[derive(Debug)]
pub struct Expireat<'a>(super::expire::Request<'a>);

impl<'a> Command<'a> for Expireat<'a> {
    fn parse(args: &mut Args<'a>) -> Result<Self, CommandError> {
        super::expire::Request::parse(args).map(Expireat)
    }

    fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        self.0.apply(ctx, 1000, false, "expireat")
    }
}
