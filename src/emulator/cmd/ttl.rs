//! TTL: how many seconds a key has left to live.

use super::{Access, Args, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::reply::Reply;

/// Name, arity, syntax and summary.
pub const SPEC: Spec = Spec {
    name: "ttl",
    arity: 2,
    syntax: "key",
    summary: "Returns the expiration time in seconds of a key.",
    group: "generic",
    denyoom: false,
    access: Access::Read,
};

/// ```text
/// TTL key
/// ```
/// -2 for a missing key, -1 for a key without an expiry, else the seconds left, rounded to the
/// nearest (`(ms + 500) / 1000`, as Redis does).
#[derive(Debug)]
pub struct Ttl<'a> {
    key: &'a [u8],
}

/// TTL's and PTTL's answer in milliseconds: -2, -1, or the time left.
pub(super) fn time_left(ctx: &Ctx<'_>, key: &[u8]) -> i64 {
    if !ctx.keyspace.contains(key) {
        return -2;
    }
    match ctx.keyspace.expires_at(key) {
        None => -1,
        Some(at) => (at - ctx.keyspace.now_ms()).max(0),
    }
}

impl<'a> Command<'a> for Ttl<'a> {
    fn parse(args: &mut Args<'a>) -> Result<Self, CommandError> {
        Ok(Ttl {
            key: args.next_arg()?,
        })
    }

    fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        let ms = time_left(ctx, self.key);
        Ok(Reply::Integer(if ms < 0 { ms } else { (ms + 500) / 1000 }))
    }
}
