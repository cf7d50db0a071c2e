//! EXPIRE: give a key a time to live, in seconds (and the shared logic of PEXPIRE, EXPIREAT and
//! PEXPIREAT).

use super::{Access, Args, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::number::parse_i64;
use crate::emulator::reply::Reply;

/// Name, arity, syntax and summary.
pub const SPEC: Spec = Spec {
    name: "expire",
    arity: -3,
    syntax: "key seconds [NX | XX | GT | LT]",
    summary: "Sets the expiration time of a key in seconds.",
    group: "generic",
    denyoom: false,
    access: Access::Write,
};

/// ```text
/// EXPIRE key seconds [NX | XX | GT | LT]
/// ```
/// As Redis 7.0's `expireGenericCommand`: the options are read first (`Unsupported option X`;
/// NX with XX, GT or LT, and GT with LT, are refused), then the time (an integer; a product or
/// sum that overflows is an invalid expire time); a missing key answers 0; NX needs no expiry,
/// XX one, GT a later one (none counts as forever), LT an earlier one (none counts as forever);
/// a time already past deletes the key. Replies 1 when the expiry was set (or the key deleted).
#[derive(Debug)]
pub struct Expire<'a>(Request<'a>);

/// What EXPIRE and its siblings were asked.
#[derive(Debug)]
pub(super) struct Request<'a> {
    key: &'a [u8],
    amount: &'a [u8],
    nx: bool,
    xx: bool,
    gt: bool,
    lt: bool,
}

impl<'a> Request<'a> {
    pub(super) fn parse(args: &mut Args<'a>) -> Result<Self, CommandError> {
        let key = args.next_arg()?;
        let amount = args.next_arg()?;
        let (mut nx, mut xx, mut gt, mut lt) = (false, false, false, false);
        while let Some(option) = args.next_optional() {
            let name = super::option_name(option);
            match () {
                _ if name.eq_ignore_ascii_case(b"nx") => nx = true,
                _ if name.eq_ignore_ascii_case(b"xx") => xx = true,
                _ if name.eq_ignore_ascii_case(b"gt") => gt = true,
                _ if name.eq_ignore_ascii_case(b"lt") => lt = true,
                _ => return Err(CommandError::UnsupportedOption(name.to_vec())),
            }
        }
        if nx && (xx || gt || lt) {
            return Err(CommandError::ExpireOptionsNx);
        }
        if gt && lt {
            return Err(CommandError::ExpireOptionsGtLt);
        }
        Ok(Request {
            key,
            amount,
            nx,
            xx,
            gt,
            lt,
        })
    }

    /// Runs the request: `unit_ms` milliseconds per unit of the amount, counted from now
    /// (`relative`) or from the Unix epoch; `command` names the command in its errors.
    pub(super) fn apply(
        self,
        ctx: &mut Ctx<'_>,
        unit_ms: i64,
        relative: bool,
        command: &'static str,
    ) -> Result<Reply, CommandError> {
        let invalid = CommandError::InvalidExpireTime(command);
        let amount = parse_i64(self.amount).ok_or(CommandError::NotAnInteger)?;
        let ms = amount.checked_mul(unit_ms).ok_or(invalid.clone())?;
        let base = if relative { ctx.keyspace.now_ms() } else { 0 };
        let when = ms.checked_add(base).ok_or(invalid)?;
        if !ctx.keyspace.contains(self.key) {
            return Ok(Reply::Integer(0));
        }
        let current = ctx.keyspace.expires_at(self.key);
        let refused = (self.nx && current.is_some())
            || (self.xx && current.is_none())
            || (self.gt && current.is_none_or(|c| when <= c))
            || (self.lt && current.is_some_and(|c| when >= c));
        if refused {
            return Ok(Reply::Integer(0));
        }
        if when <= ctx.keyspace.now_ms() {
            ctx.keyspace.remove(self.key);
        } else {
            ctx.keyspace.set_expiry(self.key, when);
        }
        Ok(Reply::Integer(1))
    }
}

impl<'a> Command<'a> for Expire<'a> {
    fn parse(args: &mut Args<'a>) -> Result<Self, CommandError> {
        Request::parse(args).map(Expire)
    }

    fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        self.0.apply(ctx, 1000, true, "expire")
    }
}
