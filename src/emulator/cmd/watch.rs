//! WATCH: make the next transaction depend on keys staying as they are.

use super::{Access, Args, Argv, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::reply::Reply;

/// Name, arity, syntax and summary.
pub const SPEC: Spec = Spec {
    name: "watch",
    arity: -2,
    syntax: "key [key ...]",
    summary: "Makes the next EXEC fail (nil) if any of these keys is modified before it.",
    group: "transactions",
    denyoom: false,
    access: Access::Read,
};

/// ```text
/// WATCH key [key ...]
/// ```
/// Replies `OK`. A later modification of a watched key by any client (this one included), its
/// expiry, or a flush makes this client's `EXEC` reply nil and run nothing.
#[derive(Debug)]
pub struct Watch<'a> {
    keys: Argv<'a>,
}

impl<'a> Command<'a> for Watch<'a> {
    fn parse(args: &mut Args<'a>) -> Result<Self, CommandError> {
        Ok(Watch { keys: args.rest() })
    }

    fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        if ctx.session.in_transaction() {
            return Err(CommandError::WatchInsideMulti);
        }
        for key in self.keys.iter() {
            let stamp = ctx.keyspace.watch(key);
            ctx.session.watch(key, stamp);
        }
        Ok(Reply::ok())
    }
}
