//! RESTORE: create a key from a DUMP payload.

use super::{option_name, Access, Args, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::number::parse_i64;
use crate::emulator::rdb::{self, LoadError};
use crate::emulator::reply::Reply;

/// Name, arity, syntax and summary.
pub const SPEC: Spec = Spec {
    name: "restore",
    arity: -4,
    syntax: "key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency]",
    summary: "Creates a key from the serialized representation of a value.",
    group: "generic",
    denyoom: true,
    access: Access::Write,
};

/// ```text
/// RESTORE key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency]
/// ```
/// As Redis 7.0's `restoreCommand`, in its order: the options (IDLETIME and FREQ exclude each
/// other, and must be integers, IDLETIME ≥ 0, FREQ 0 to 255), then an existing key without
/// REPLACE is `BUSYKEY`, then the TTL (an integer ≥ 0: milliseconds from now, or with ABSTTL a
/// Unix time in milliseconds; 0 is none), then the payload's version and checksum, then its
/// value (`Bad data format`). A time already past creates nothing (and with REPLACE deletes the
/// key) but still answers OK. The emulator keeps no LFU data: IDLETIME and FREQ are
/// checked; IDLETIME sets what `OBJECT IDLETIME` answers, FREQ has nothing to set.
#[derive(Debug)]
pub struct Restore<'a> {
    key: &'a [u8],
    ttl: &'a [u8],
    payload: &'a [u8],
    replace: bool,
    absolute: bool,
    /// IDLETIME's seconds: how long the key looks unused.
    idle_seconds: Option<i64>,
}

impl<'a> Command<'a> for Restore<'a> {
    fn parse(args: &mut Args<'a>) -> Result<Self, CommandError> {
        let key = args.next_arg()?;
        let ttl = args.next_arg()?;
        let payload = args.next_arg()?;
        let options = args.rest().to_slices();
        let (mut replace, mut absolute, mut idle, mut freq) = (false, false, false, false);
        let mut idle_seconds = None;
        let mut i = 0;
        while i < options.len() {
            let name = option_name(options[i]);
            let more = i + 1 < options.len();
            if name.eq_ignore_ascii_case(b"replace") {
                replace = true;
            } else if name.eq_ignore_ascii_case(b"absttl") {
                absolute = true;
            } else if name.eq_ignore_ascii_case(b"idletime") && more && !freq {
                let n = parse_i64(options[i + 1]).ok_or(CommandError::NotAnInteger)?;
                if n < 0 {
                    return Err(CommandError::InvalidIdletime);
                }
                idle = true;
                idle_seconds = Some(n);
                i += 1;
            } else if name.eq_ignore_ascii_case(b"freq") && more && !idle {
                let n = parse_i64(options[i + 1]).ok_or(CommandError::NotAnInteger)?;
                if !(0..=255).contains(&n) {
                    return Err(CommandError::InvalidFreq);
                }
                freq = true;
                i += 1;
            } else {
                return Err(CommandError::Syntax);
            }
            i += 1;
        }
        Ok(Restore {
            key,
            ttl,
            payload,
            replace,
            absolute,
            idle_seconds,
        })
    }

    fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        if !self.replace && ctx.keyspace.contains(self.key) {
            return Err(CommandError::BusyKey);
        }
        let ttl = parse_i64(self.ttl).ok_or(CommandError::NotAnInteger)?;
        if ttl < 0 {
            return Err(CommandError::InvalidTtl);
        }
        let value = rdb::load(self.payload).map_err(|e| match e {
            LoadError::VersionOrChecksum => CommandError::DumpPayload,
            LoadError::BadFormat => CommandError::BadDataFormat,
            LoadError::Unsupported(kind) => CommandError::UnsupportedPayload(kind),
        })?;
        if self.replace {
            ctx.keyspace.remove(self.key);
        }
        let at = match (ttl, self.absolute) {
            (0, _) => None,
            (ms, true) => Some(ms),
            (ms, false) => Some(ctx.keyspace.now_ms().saturating_add(ms)),
        };
        if at.is_some_and(|at| at <= ctx.keyspace.now_ms()) {
            return Ok(Reply::ok());
        }
        ctx.keyspace.set(self.key, value, false);
        if let Some(seconds) = self.idle_seconds {
            ctx.keyspace.set_idle(self.key, seconds);
        }
        if let Some(at) = at {
            ctx.keyspace.set_expiry(self.key, at);
        }
        Ok(Reply::ok())
    }
}
