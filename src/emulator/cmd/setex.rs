//! SETEX: set a key to a string that expires after a number of seconds.

use super::{Access, Args, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::keyspace::Value;
use crate::emulator::reply::Reply;

/// Name, arity, syntax and summary.
pub const SPEC: Spec = Spec {
    name: "setex",
    arity: 4,
    syntax: "key seconds value",
    summary: "Sets the string value and expiration time of a key (seconds).",
    group: "string",
    denyoom: true,
    access: Access::Write,
};

/// ```text
/// SETEX key seconds value
/// ```
/// As `SET key value EX seconds`: the time must be a positive integer that does not
/// overflow (`invalid expire time in 'setex' command`).
#[derive(Debug)]
pub struct Setex<'a> {
    key: &'a [u8],
    amount: &'a [u8],
    value: &'a [u8],
}

impl<'a> Command<'a> for Setex<'a> {
    fn parse(args: &mut Args<'a>) -> Result<Self, CommandError> {
        Ok(Setex {
            key: args.next_arg()?,
            amount: args.next_arg()?,
            value: args.next_arg()?,
        })
    }

    fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        self.set(ctx, 1000, "setex")
    }
}

impl Setex<'_> {
    /// Sets the string with an expiry `amount` units of `unit_ms` from now (SETEX and PSETEX);
    /// `command` names the command in the error.
    pub(super) fn set(
        self,
        ctx: &mut Ctx<'_>,
        unit_ms: i64,
        command: &'static str,
    ) -> Result<Reply, CommandError> {
        let now = ctx.keyspace.now_ms();
        let at = super::set::expire_at_ms(self.amount, unit_ms, true, now, command)?;
        ctx.keyspace
            .set(self.key, Value::Str(self.value.to_vec()), false);
        ctx.keyspace.set_expiry(self.key, at);
        Ok(Reply::ok())
    }
}
