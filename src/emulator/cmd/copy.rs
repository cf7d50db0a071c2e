//! COPY: copy the value at a key, with its expiry, to another key.

use super::{option_name, Access, Args, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::number::parse_i64;
use crate::emulator::reply::Reply;

/// Name, arity, syntax and summary.
pub const SPEC: Spec = Spec {
    name: "copy",
    arity: -3,
    syntax: "source destination [DB destination-db] [REPLACE]",
    summary: "Copies the value of a key to a new key.",
    group: "generic",
    denyoom: true,
    access: Access::Write,
};

/// ```text
/// COPY source destination [DB destination-db] [REPLACE]
/// ```
/// As Redis 7.0's `copyCommand`, in its order: the options (`REPLACE`, `DB n`, else a syntax
/// error; `n` must be an integer in C's `int` range and a database, 0 to 15), then the same key
/// to itself is refused (`source and destination objects are the same`), then a missing
/// source is 0, an existing destination is 0 unless REPLACE; else the value and its expiry are
/// copied (an independent copy) and the reply is 1.
///
/// The emulator alone is database 0; `minired` (which has sixteen) copies between its
/// databases itself and hands the emulator only copies within one.
#[derive(Debug)]
pub struct Copy<'a> {
    source: &'a [u8],
    destination: &'a [u8],
    replace: bool,
}

/// COPY's options: whether to replace, and the destination database if one is named.
pub fn parse_options(options: &[&[u8]]) -> Result<(bool, Option<i64>), CommandError> {
    let (mut replace, mut db) = (false, None);
    let mut i = 0;
    while i < options.len() {
        let name = option_name(options[i]);
        if name.eq_ignore_ascii_case(b"replace") {
            replace = true;
        } else if name.eq_ignore_ascii_case(b"db") && i + 1 < options.len() {
            let n = parse_i64(options[i + 1]).ok_or(CommandError::NotAnInteger)?;
            if !(i64::from(i32::MIN)..=i64::from(i32::MAX)).contains(&n) {
                return Err(CommandError::OutOfRangeBetween(
                    i64::from(i32::MIN),
                    i64::from(i32::MAX),
                ));
            }
            if !(0..16).contains(&n) {
                return Err(CommandError::DbIndexOutOfRange);
            }
            db = Some(n);
            i += 1;
        } else {
            return Err(CommandError::Syntax);
        }
        i += 1;
    }
    Ok((replace, db))
}

impl<'a> Command<'a> for Copy<'a> {
    fn parse(args: &mut Args<'a>) -> Result<Self, CommandError> {
        let source = args.next_arg()?;
        let destination = args.next_arg()?;
        let (replace, db) = parse_options(&args.rest().to_slices())?;
        if db.is_some_and(|db| db != 0) {
            return Err(CommandError::OtherDatabase);
        }
        if source == destination {
            return Err(CommandError::SameObject);
        }
        Ok(Copy {
            source,
            destination,
            replace,
        })
    }

    fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        let Some(value) = ctx.keyspace.get(self.source).cloned() else {
            return Ok(Reply::Integer(0));
        };
        let expires_at = ctx.keyspace.expires_at(self.source);
        if ctx.keyspace.contains(self.destination) && !self.replace {
            return Ok(Reply::Integer(0));
        }
        let form = ctx
            .keyspace
            .form_and_idle(self.source)
            .unwrap_or_default()
            .0;
        ctx.keyspace
            .set_as(self.destination, value, false, form.copied());
        if let Some(at) = expires_at {
            ctx.keyspace.set_expiry(self.destination, at);
        }
        Ok(Reply::Integer(1))
    }
}
