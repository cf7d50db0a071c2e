//! DISCARD: drop the queued transaction.

use super::{Access, Args, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::reply::Reply;

/// Name, arity, syntax and summary.
pub const SPEC: Spec = Spec {
    name: "discard",
    arity: 1,
    syntax: "",
    summary: "Drops the commands queued since MULTI, and forgets the watched keys.",
    group: "transactions",
    denyoom: false,
    access: Access::Read,
};

/// ```text
/// DISCARD
/// ```
/// Replies `OK`; nothing queued runs.
#[derive(Debug)]
pub struct Discard;

impl<'a> Command<'a> for Discard {
    fn parse(_args: &mut Args<'a>) -> Result<Self, CommandError> {
        Ok(Discard)
    }

    fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        if !ctx.session.in_transaction() {
            return Err(CommandError::DiscardWithoutMulti);
        }
        ctx.session.close();
        Ok(Reply::ok())
    }
}
