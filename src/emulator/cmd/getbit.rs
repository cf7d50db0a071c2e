//! GETBIT: one bit of the string stored at a key.

use super::{parse_bit_offset, Access, Args, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::keyspace::Value;
use crate::emulator::reply::Reply;

/// Name, arity, syntax and summary.
pub const SPEC: Spec = Spec {
    name: "getbit",
    arity: 3,
    syntax: "key offset",
    summary: "Returns a bit value by offset.",
    group: "bitmap",
    denyoom: false,
    access: Access::Read,
};

/// ```text
/// GETBIT key offset
/// ```
/// As Redis 7.0's `getbitCommand`: the offset is checked as SETBIT checks it; a missing key,
/// or a bit past the end of the string, is 0; WRONGTYPE for a hash.
#[derive(Debug)]
pub struct Getbit<'a> {
    key: &'a [u8],
    offset: u64,
}

impl<'a> Command<'a> for Getbit<'a> {
    fn parse(args: &mut Args<'a>) -> Result<Self, CommandError> {
        let key = args.next_arg()?;
        let offset = parse_bit_offset(args.next_arg()?)?;
        Ok(Getbit { key, offset })
    }

    fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        let s = match ctx.keyspace.get(self.key) {
            None => return Ok(Reply::Integer(0)),
            Some(Value::Str(s)) => s,
            Some(_) => return Err(CommandError::WrongType),
        };
        let byte = usize::try_from(self.offset >> 3).unwrap_or(usize::MAX);
        let bit = s
            .get(byte)
            .is_some_and(|b| b & (1 << (7 - (self.offset & 7))) != 0);
        Ok(Reply::Integer(i64::from(bit)))
    }
}
