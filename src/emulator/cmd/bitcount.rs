//! BITCOUNT: how many bits are set in the string stored at a key.

use super::Argv;
use super::{option_name, Access, Args, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::keyspace::Value;
use crate::emulator::number::parse_i64;
use crate::emulator::reply::Reply;

/// Name, arity, syntax and summary.
pub const SPEC: Spec = Spec {
    name: "bitcount",
    arity: -2,
    syntax: "key [start end [BYTE | BIT]]",
    summary: "Counts the number of set bits (population counting) in a string.",
    group: "bitmap",
    denyoom: false,
    access: Access::Read,
};

/// ```text
/// BITCOUNT key [start end [BYTE | BIT]]
/// ```
/// As Redis 7.0's `bitcountCommand`, in its order: a missing key is 0 whatever the arguments
/// (they are read only for a key that exists), WRONGTYPE for a hash, then `start` and `end`
/// must be integers and the unit `BYTE` (the default) or `BIT`, else a syntax error (as is a
/// `start` without an `end`). The range is inclusive, negative ends count from the end, and it
/// is clamped to the string as GETRANGE clamps.
#[derive(Debug)]
pub struct Bitcount<'a> {
    key: &'a [u8],
    range: Argv<'a>,
}

impl<'a> Command<'a> for Bitcount<'a> {
    fn parse(args: &mut Args<'a>) -> Result<Self, CommandError> {
        Ok(Bitcount {
            key: args.next_arg()?,
            range: args.rest(),
        })
    }

    fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        let s = match ctx.keyspace.get(self.key) {
            None => return Ok(Reply::Integer(0)),
            Some(Value::Str(s)) => s,
            Some(_) => return Err(CommandError::WrongType),
        };
        let range = self.range.to_slices();
        let (start, end, bits) = match range.as_slice() {
            [] => return Ok(Reply::Integer(count_ones(s))),
            [start, end, unit @ ..] if unit.len() <= 1 => {
                let start = parse_i64(start).ok_or(CommandError::NotAnInteger)?;
                let end = parse_i64(end).ok_or(CommandError::NotAnInteger)?;
                let bits = match unit.first().map(|u| option_name(u)) {
                    None => false,
                    Some(u) if u.eq_ignore_ascii_case(b"byte") => false,
                    Some(u) if u.eq_ignore_ascii_case(b"bit") => true,
                    Some(_) => return Err(CommandError::Syntax),
                };
                (start, end, bits)
            }
            _ => return Err(CommandError::Syntax),
        };
        let total = (s.len() as i64) << if bits { 3 } else { 0 };
        if start < 0 && end < 0 && start > end {
            return Ok(Reply::Integer(0));
        }
        let start = if start < 0 { total + start } else { start }.max(0);
        let end = if end < 0 { total + end } else { end }
            .max(0)
            .min(total - 1);
        if start > end {
            return Ok(Reply::Integer(0));
        }
        if !bits {
            return Ok(Reply::Integer(count_ones(
                &s[start as usize..=end as usize],
            )));
        }
        let bytes = &s[(start >> 3) as usize..=(end >> 3) as usize];
        // The bits of the first and last bytes outside the range are not counted.
        let first_outside = !(0xFF_u8 >> (start & 7));
        let last_outside = (1_u16 << (7 - (end & 7))) as u8 - 1;
        let outside = match bytes {
            [first, .., last] => {
                (first & first_outside).count_ones() + (last & last_outside).count_ones()
            }
            [only] => (only & first_outside).count_ones() + (only & last_outside).count_ones(),
            [] => 0,
        };
        Ok(Reply::Integer(count_ones(bytes) - i64::from(outside)))
    }
}

fn count_ones(bytes: &[u8]) -> i64 {
    bytes.iter().map(|b| i64::from(b.count_ones())).sum()
}
