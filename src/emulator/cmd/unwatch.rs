//! UNWATCH: forget the watched keys.

use super::{Access, Args, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::reply::Reply;

/// Name, arity, syntax and summary.
pub const SPEC: Spec = Spec {
    name: "unwatch",
    arity: 1,
    syntax: "",
    summary: "Forgets every key this client watches.",
    group: "transactions",
    denyoom: false,
    access: Access::Read,
};

/// ```text
/// UNWATCH
/// ```
/// Replies `OK`. (Inside a transaction it is queued like any other command.)
#[derive(Debug)]
pub struct Unwatch;

impl<'a> Command<'a> for Unwatch {
    fn parse(_args: &mut Args<'a>) -> Result<Self, CommandError> {
        Ok(Unwatch)
    }

    fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        ctx.session.unwatch();
        Ok(Reply::ok())
    }
}
