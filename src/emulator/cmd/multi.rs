//! MULTI: start a transaction.

use super::{Access, Args, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::reply::Reply;

/// Name, arity, syntax and summary.
pub const SPEC: Spec = Spec {
    name: "multi",
    arity: 1,
    syntax: "",
    summary: "Starts a transaction: the next commands are queued until EXEC runs them together.",
    group: "transactions",
    denyoom: false,
    access: Access::Read,
};

/// ```text
/// MULTI
/// ```
/// Replies `OK`; from now on this client's commands reply `QUEUED` (an unknown command or a
/// wrong number of arguments is refused at once, and makes `EXEC` abort).
#[derive(Debug)]
pub struct Multi;

impl<'a> Command<'a> for Multi {
    fn parse(_args: &mut Args<'a>) -> Result<Self, CommandError> {
        Ok(Multi)
    }

    fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        if ctx.session.in_transaction() {
            return Err(CommandError::NestedMulti);
        }
        ctx.session.open();
        Ok(Reply::ok())
    }
}
