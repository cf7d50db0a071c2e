//! SET: store a string, with Redis 7.0's options.

use super::get::get_string;
use super::{option_name, Access, Args, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::keyspace::Value;
use crate::emulator::number::parse_i64;
use crate::emulator::reply::Reply;

/// Name, arity, syntax and summary.
pub const SPEC: Spec = Spec {
    name: "set",
    arity: -3,
    syntax: "key value [NX | XX] [GET] [EX seconds | PX milliseconds | EXAT unix-time-seconds | PXAT unix-time-milliseconds | KEEPTTL]",
    summary: "Sets the string value of a key, optionally only if it is absent or present, with an expiry.",
    group: "string",
    denyoom: true,
    access: Access::Write,
};

/// ```text
/// SET key value [NX | XX] [GET] [EX seconds | PX milliseconds |
///     EXAT unix-time-seconds | PXAT unix-time-milliseconds | KEEPTTL]
/// ```
/// Replies `OK`, or nil when NX/XX prevents the write; with GET, the old value instead.
/// Setting a key replaces a value of any type and clears its expiry unless KEEPTTL.
#[derive(Debug)]
pub struct Set<'a> {
    key: &'a [u8],
    value: &'a [u8],
    condition: Condition,
    get: bool,
    expiry: Expiry,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Condition {
    Always,
    IfAbsent,
    IfPresent,
}

/// The expiry option; its amount is read only after every option has been checked.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Expiry {
    None,
    KeepTtl,
    /// EX (`unit_ms` 1000) or PX (1): from now.
    Relative {
        amount: Vec<u8>,
        unit_ms: i64,
    },
    /// EXAT (1000) or PXAT (1): a Unix time.
    Absolute {
        amount: Vec<u8>,
        unit_ms: i64,
    },
}

impl Expiry {
    /// The option's name, to tell whether a repeated option is the same one.
    fn kind(&self) -> &'static str {
        match self {
            Expiry::None => "",
            Expiry::KeepTtl => "KEEPTTL",
            Expiry::Relative { unit_ms: 1000, .. } => "EX",
            Expiry::Relative { .. } => "PX",
            Expiry::Absolute { unit_ms: 1000, .. } => "EXAT",
            Expiry::Absolute { .. } => "PXAT",
        }
    }
}

impl<'a> Command<'a> for Set<'a> {
    fn parse(args: &mut Args<'a>) -> Result<Self, CommandError> {
        let key = args.next_arg()?;
        let value = args.next_arg()?;
        let options = args.rest().to_slices();
        let mut condition = Condition::Always;
        let mut get = false;
        let mut expiry = Expiry::None;
        // Redis's parseExtendedStringArgumentsOrReply: an option may be repeated, but NX with XX,
        // or two different expiry options, is a syntax error.
        let mut i = 0;
        while i < options.len() {
            let opt = option_name(options[i]).to_ascii_uppercase();
            let opt = std::str::from_utf8(&opt).unwrap_or("");
            let next = options.get(i + 1);
            let expiry_free = |kind: &str| expiry.kind().is_empty() || expiry.kind() == kind;
            match (opt, next) {
                ("NX", _) if condition != Condition::IfPresent => condition = Condition::IfAbsent,
                ("XX", _) if condition != Condition::IfAbsent => condition = Condition::IfPresent,
                ("GET", _) => get = true,
                ("KEEPTTL", _) if expiry_free("KEEPTTL") => expiry = Expiry::KeepTtl,
                ("EX" | "PX" | "EXAT" | "PXAT", Some(amount)) if expiry_free(opt) => {
                    let unit_ms = if opt.starts_with('E') { 1000 } else { 1 };
                    let amount = amount.to_vec();
                    expiry = if opt.ends_with("AT") {
                        Expiry::Absolute { amount, unit_ms }
                    } else {
                        Expiry::Relative { amount, unit_ms }
                    };
                    i += 1;
                }
                _ => return Err(CommandError::Syntax),
            }
            i += 1;
        }
        Ok(Set {
            key,
            value,
            condition,
            get,
            expiry,
        })
    }

    fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        let expires_at = match &self.expiry {
            Expiry::Relative { amount, unit_ms } => Some(expire_at_ms(
                amount,
                *unit_ms,
                true,
                ctx.keyspace.now_ms(),
                "set",
            )?),
            Expiry::Absolute { amount, unit_ms } => Some(expire_at_ms(
                amount,
                *unit_ms,
                false,
                ctx.keyspace.now_ms(),
                "set",
            )?),
            Expiry::None | Expiry::KeepTtl => None,
        };
        let old = if self.get {
            Some(get_string(ctx.keyspace, self.key)?)
        } else {
            None
        };
        let found = ctx.keyspace.contains(self.key);
        let blocked = match self.condition {
            Condition::Always => false,
            Condition::IfAbsent => found,
            Condition::IfPresent => !found,
        };
        if !blocked {
            let keep_ttl = self.expiry == Expiry::KeepTtl;
            ctx.keyspace
                .set(self.key, Value::Str(self.value.to_vec()), keep_ttl);
            if let Some(at) = expires_at {
                ctx.keyspace.set_expiry(self.key, at);
            }
        }
        Ok(match old {
            Some(old) => old,
            None if blocked => Reply::Nil,
            None => Reply::ok(),
        })
    }
}

/// Redis's getExpireMillisecondsOrReply: a positive amount that does not overflow; `command`
/// names the command in the error.
pub(super) fn expire_at_ms(
    amount: &[u8],
    unit_ms: i64,
    relative: bool,
    now_ms: i64,
    command: &'static str,
) -> Result<i64, CommandError> {
    let amount = parse_i64(amount).ok_or(CommandError::NotAnInteger)?;
    let invalid = CommandError::InvalidExpireTime(command);
    if amount <= 0 || (unit_ms == 1000 && amount > i64::MAX / 1000) {
        return Err(invalid);
    }
    let ms = amount * unit_ms;
    let at = if relative {
        ms.wrapping_add(now_ms)
    } else {
        ms
    };
    if at <= 0 {
        return Err(invalid);
    }
    Ok(at)
}
