//! HINCRBYFLOAT: add a decimal number to a field, in 80-bit long double arithmetic.

use super::{Access, Args, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::long_double::{self, LongDouble, Parsed};
use crate::emulator::reply::Reply;
use rustc_apfloat::Float;

/// Name, arity, syntax and summary.
pub const SPEC: Spec = Spec {
    name: "hincrbyfloat",
    arity: 4,
    syntax: "key field increment",
    summary: "Adds a decimal number to the value of a hash field (a missing field counts as 0).",
    group: "hash",
    denyoom: true,
    access: Access::Write,
};

/// ```text
/// HINCRBYFLOAT key field increment
/// ```
/// Parses like `strtold`, adds in x87 extended precision and stores `%.17Lf` with trailing
/// zeros trimmed, so `0.1` plus `0.2` is `"0.3"`. Replies with the new value as a string.
#[derive(Debug)]
pub struct Hincrbyfloat<'a> {
    key: &'a [u8],
    field: &'a [u8],
    increment: LongDouble,
}

impl<'a> Command<'a> for Hincrbyfloat<'a> {
    fn parse(args: &mut Args<'a>) -> Result<Self, CommandError> {
        let key = args.next_arg()?;
        let field = args.next_arg()?;
        let increment = match long_double::parse(args.next_arg()?) {
            Parsed::Number(x) => x,
            Parsed::Invalid => return Err(CommandError::NotAFloat),
        };
        if long_double::is_nan_or_infinite(increment) {
            return Err(CommandError::NanOrInfinity);
        }
        Ok(Hincrbyfloat {
            key,
            field,
            increment,
        })
    }

    fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        let result = increment(ctx, self.key, self.field, self.increment);
        ctx.keyspace.drop_if_empty(self.key);
        result
    }
}

fn increment(
    ctx: &mut Ctx<'_>,
    key: &[u8],
    field: &[u8],
    by: LongDouble,
) -> Result<Reply, CommandError> {
    let hash = ctx.keyspace.hash_or_create(key)?;
    let current = match hash.get(field) {
        Some(v) => match long_double::parse(v) {
            Parsed::Number(x) => x,
            Parsed::Invalid => return Err(CommandError::HashValueNotAFloat),
        },
        None => LongDouble::ZERO,
    };
    let sum = long_double::add(current, by);
    if long_double::is_nan_or_infinite(sum) {
        return Err(CommandError::IncrementWouldBeNanOrInfinity);
    }
    let text = long_double::format_human(sum).into_bytes();
    hash.insert(field.to_vec(), text.clone());
    ctx.keyspace.touch(key);
    Ok(Reply::Bulk(text))
}
