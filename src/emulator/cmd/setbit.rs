//! SETBIT: set or clear one bit of the string stored at a key.

use super::{check_string_length, parse_bit_offset, Access, Args, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::keyspace::{StrForm, Value};
use crate::emulator::number::parse_i64;
use crate::emulator::reply::Reply;

/// Name, arity, syntax and summary.
pub const SPEC: Spec = Spec {
    name: "setbit",
    arity: 4,
    syntax: "key offset value",
    summary:
        "Sets or clears the bit at offset of the string value. Creates the key if it doesn't exist.",
    group: "bitmap",
    denyoom: true,
    access: Access::Write,
};

/// ```text
/// SETBIT key offset value
/// ```
/// As Redis 7.0's `setbitCommand`: the offset is checked first (`bit offset is not an integer
/// or out of range`: not an integer, negative, or at or past 2^32 bits), then the value (`bit is
/// not an integer or out of range` unless 0 or 1), then the type (WRONGTYPE for a hash). The
/// string grows with zero bytes to hold the bit (past the lab's limit, [`super::LAB_MAX_STRING`],
/// `OOM`); bit 0 is the most significant bit of the first byte. Replies with the bit's old
/// value.
#[derive(Debug)]
pub struct Setbit<'a> {
    key: &'a [u8],
    offset: u64,
    on: bool,
}

impl<'a> Command<'a> for Setbit<'a> {
    fn parse(args: &mut Args<'a>) -> Result<Self, CommandError> {
        let key = args.next_arg()?;
        let offset = parse_bit_offset(args.next_arg()?)?;
        let on = match parse_i64(args.next_arg()?) {
            Some(0) => false,
            Some(1) => true,
            _ => return Err(CommandError::BitValue),
        };
        Ok(Setbit { key, offset, on })
    }

    fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        let current = match ctx.keyspace.get(self.key) {
            None => None,
            Some(Value::Str(s)) => Some(s),
            Some(_) => return Err(CommandError::WrongType),
        };
        let byte = (self.offset >> 3) as usize;
        check_string_length(byte as u64, 1)?;
        let mut s = current.cloned().unwrap_or_default();
        if s.len() <= byte {
            s.resize(byte + 1, 0);
        }
        let mask = 1u8 << (7 - (self.offset & 7));
        let old = s[byte] & mask != 0;
        if self.on {
            s[byte] |= mask;
        } else {
            s[byte] &= !mask;
        }
        // Redis changes the string in place (`dbUnshareStringValue`), or makes a new one: raw.
        ctx.keyspace
            .set_as(self.key, Value::Str(s), true, StrForm::Raw);
        Ok(Reply::Integer(i64::from(old)))
    }
}
