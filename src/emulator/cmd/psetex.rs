//! PSETEX: set a key to a string that expires after a number of milliseconds.

use super::{Args, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::keyspace::Value;
use crate::emulator::reply::Reply;

/// Name, arity, syntax and summary.
pub const SPEC: Spec = Spec {
    name: "psetex",
    arity: 4,
    syntax: "key milliseconds value",
    summary: "Sets the string value and expiration time of a key (milliseconds).",
    group: "string",
    denyoom: true,
};

/// ```text
/// PSETEX key milliseconds value
/// ```
/// As `SET key value PX milliseconds`: the time must be a positive integer that does not
/// overflow (`invalid expire time in 'psetex' command`).
#[derive(Debug)]
pub struct Psetex<'a> {
    key: &'a [u8],
    amount: &'a [u8],
    value: &'a [u8],
}

impl<'a> Command<'a> for Psetex<'a> {
    fn parse(args: &mut Args<'a>) -> Result<Self, CommandError> {
        Ok(Psetex {
            key: args.next_arg()?,
            amount: args.next_arg()?,
            value: args.next_arg()?,
        })
    }

    fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        let at = super::set::expire_at_ms(self.amount, 1, true, ctx.keyspace.now_ms(), "psetex")?;
        ctx.keyspace
            .set(self.key, Value::Str(self.value.to_vec()), false);
        ctx.keyspace.set_expiry(self.key, at);
        Ok(Reply::ok())
    }
}
