//! INCR: add one to the integer stored at a key.

use super::{Args, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::keyspace::Value;
use crate::emulator::number::parse_i64;
use crate::emulator::reply::Reply;

/// ```text
/// INCR key
/// ```
/// A missing key counts as 0; replies with the new value. The key keeps its expiry.
#[derive(Debug)]
pub struct Incr {
    key: Vec<u8>,
}

impl Command for Incr {
    const SPEC: Spec = Spec {
        name: "incr",
        arity: 2,
        syntax: "key",
        summary: "Increments the integer value of a key by one.",
        group: "string",
    };

    fn parse(args: &mut Args<'_>) -> Result<Self, CommandError> {
        Ok(Incr {
            key: args.next_owned()?,
        })
    }

    fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        let current = match ctx.keyspace.get(&self.key) {
            None => 0,
            Some(Value::Str(s)) => parse_i64(s).ok_or(CommandError::NotAnInteger)?,
            Some(_) => return Err(CommandError::WrongType),
        };
        let new = current.checked_add(1).ok_or(CommandError::Overflow)?;
        ctx.keyspace
            .set(&self.key, Value::Str(new.to_string().into_bytes()), true);
        Ok(Reply::Integer(new))
    }
}
