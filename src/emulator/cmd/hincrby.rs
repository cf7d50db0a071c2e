//! HINCRBY: add an integer to a field.

use super::{Access, Args, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::number::parse_i64;
use crate::emulator::reply::Reply;

/// Name, arity, syntax and summary.
pub const SPEC: Spec = Spec {
    name: "hincrby",
    arity: 4,
    syntax: "key field increment",
    summary: "Adds an integer to the value of a hash field (a missing field counts as 0).",
    group: "hash",
    denyoom: true,
    access: Access::Write,
};

/// ```text
/// HINCRBY key field increment
/// ```
/// Treats a missing field as 0; replies with the new value. The increment is checked before
/// the key's type; a field that is not a strict integer is an error and changes nothing.
#[derive(Debug)]
pub struct Hincrby<'a> {
    key: &'a [u8],
    field: &'a [u8],
    increment: i64,
}

impl<'a> Command<'a> for Hincrby<'a> {
    fn parse(args: &mut Args<'a>) -> Result<Self, CommandError> {
        let key = args.next_arg()?;
        let field = args.next_arg()?;
        let increment = parse_i64(args.next_arg()?).ok_or(CommandError::NotAnInteger)?;
        Ok(Hincrby {
            key,
            field,
            increment,
        })
    }

    fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        let result = increment(ctx, self.key, self.field, self.increment);
        // A command that fails leaves no empty hash behind.
        ctx.keyspace.drop_if_empty(self.key);
        result
    }
}

fn increment(ctx: &mut Ctx<'_>, key: &[u8], field: &[u8], by: i64) -> Result<Reply, CommandError> {
    let hash = ctx.keyspace.hash_or_create(key)?;
    let current = match hash.get(field) {
        Some(v) => parse_i64(v).ok_or(CommandError::HashValueNotAnInteger)?,
        None => 0,
    };
    let new = current.checked_add(by).ok_or(CommandError::Overflow)?;
    hash.insert(field.to_vec(), new.to_string().into_bytes());
    ctx.keyspace.touch(key);
    Ok(Reply::Integer(new))
}
