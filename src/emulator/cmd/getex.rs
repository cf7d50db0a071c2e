//! GETEX: the string at a key, changing its expiry.

use super::{Access, Args, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::keyspace::Value;
use crate::emulator::reply::Reply;

/// Name, arity, syntax and summary.
pub const SPEC: Spec = Spec {
    name: "getex",
    arity: -2,
    syntax: "key [EX seconds | PX milliseconds | EXAT unix-time-seconds | PXAT unix-time-milliseconds | PERSIST]",
    summary: "Returns the string value of a key after setting its expiration time.",
    group: "string",
    denyoom: false,
    access: Access::Write,
};

/// ```text
/// GETEX key [EX seconds | PX milliseconds | EXAT unix-time-seconds | PXAT unix-time-milliseconds | PERSIST]
/// ```
/// As Redis 7.0's `getexCommand`: the options are read first (one kind of time at most, or
/// PERSIST; the same kind again replaces the first; anything else is a syntax error), then a
/// missing key is nil and a hash WRONGTYPE, then the time is checked (`invalid expire time in
/// 'getex' command`); the value is the reply, and after it the key gets its new expiry, loses it
/// (PERSIST), or is deleted when EXAT or PXAT is already past.
#[derive(Debug)]
pub struct Getex<'a> {
    key: &'a [u8],
    change: Change<'a>,
}

#[derive(Debug, PartialEq)]
enum Change<'a> {
    None,
    Persist,
    /// The amount, milliseconds per unit, and whether it counts from now.
    Expire(&'a [u8], i64, bool),
}

impl<'a> Command<'a> for Getex<'a> {
    fn parse(args: &mut Args<'a>) -> Result<Self, CommandError> {
        let key = args.next_arg()?;
        let options = args.rest().to_slices();
        let mut change = Change::None;
        let mut i = 0;
        while i < options.len() {
            let name = super::option_name(options[i]);
            let next = options.get(i + 1).copied();
            let time = [
                (&b"ex"[..], 1000, true),
                (b"px", 1, true),
                (b"exat", 1000, false),
                (b"pxat", 1, false),
            ]
            .into_iter()
            .find(|(n, _, _)| name.eq_ignore_ascii_case(n));
            match (time, next, &change) {
                // A kind of time, after nothing or after the same kind.
                (Some((_, unit, relative)), Some(amount), Change::None) => {
                    change = Change::Expire(amount, unit, relative);
                    i += 2;
                }
                (Some((_, unit, relative)), Some(amount), Change::Expire(_, u, r))
                    if *u == unit && *r == relative =>
                {
                    change = Change::Expire(amount, unit, relative);
                    i += 2;
                }
                (None, _, Change::None | Change::Persist)
                    if name.eq_ignore_ascii_case(b"persist") =>
                {
                    change = Change::Persist;
                    i += 1;
                }
                _ => return Err(CommandError::Syntax),
            }
        }
        Ok(Getex { key, change })
    }

    fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        let value = match ctx.keyspace.get(self.key) {
            None => return Ok(Reply::Nil),
            Some(Value::Str(s)) => s.clone(),
            Some(_) => return Err(CommandError::WrongType),
        };
        let now = ctx.keyspace.now_ms();
        match self.change {
            Change::None => {}
            Change::Persist => {
                ctx.keyspace.clear_expiry(self.key);
            }
            Change::Expire(amount, unit, relative) => {
                let at = super::set::expire_at_ms(amount, unit, relative, now, "getex")?;
                if !relative && at <= now {
                    ctx.keyspace.remove(self.key);
                } else {
                    ctx.keyspace.set_expiry(self.key, at);
                }
            }
        }
        Ok(Reply::Bulk(value))
    }
}
