//! SETRANGE: overwrite part of the string stored at a key.

use super::{check_string_length, Access, Args, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::keyspace::{StrForm, Value};
use crate::emulator::number::parse_i64;
use crate::emulator::reply::Reply;

/// Name, arity, syntax and summary.
pub const SPEC: Spec = Spec {
    name: "setrange",
    arity: 4,
    syntax: "key offset value",
    summary: "Overwrites a part of a string value with another by an offset. Creates the key if it doesn't exist.",
    group: "string",
    denyoom: true,
    access: Access::Write,
};

/// ```text
/// SETRANGE key offset value
/// ```
/// As Redis 7.0's `setrangeCommand`: the offset must be an integer (`value is not an integer or
/// out of range`) and not negative (`offset is out of range`); an empty value changes nothing
/// and replies with the length (0 for a missing key, which it does not create); WRONGTYPE for
/// a hash; a result past 512 MB is refused with Redis's text, and one past the lab's own limit
/// ([`super::LAB_MAX_STRING`]) with `OOM`. The gap before the offset is filled with zero
/// bytes; the key keeps its expiry. Replies with the new length.
#[derive(Debug)]
pub struct Setrange<'a> {
    key: &'a [u8],
    offset: u64,
    value: &'a [u8],
}

impl<'a> Command<'a> for Setrange<'a> {
    fn parse(args: &mut Args<'a>) -> Result<Self, CommandError> {
        let key = args.next_arg()?;
        let offset = parse_i64(args.next_arg()?).ok_or(CommandError::NotAnInteger)?;
        let offset = u64::try_from(offset).map_err(|_| CommandError::OffsetOutOfRange)?;
        let value = args.next_arg()?;
        Ok(Setrange { key, offset, value })
    }

    fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        let current = match ctx.keyspace.get(self.key) {
            None => None,
            Some(Value::Str(s)) => Some(s),
            Some(_) => return Err(CommandError::WrongType),
        };
        if self.value.is_empty() {
            return Ok(Reply::Integer(current.map_or(0, |s| s.len() as i64)));
        }
        check_string_length(self.offset, self.value.len() as u64)?;
        let mut s = current.cloned().unwrap_or_default();
        // Checked above: offset + value fits the lab's limit, far below usize::MAX.
        let offset = self.offset as usize;
        let end = offset + self.value.len();
        if s.len() < end {
            s.resize(end, 0);
        }
        s[offset..end].copy_from_slice(self.value);
        let len = s.len() as i64;
        // Redis changes the string in place (`dbUnshareStringValue`), or makes a new one: raw.
        ctx.keyspace
            .set_as(self.key, Value::Str(s), true, StrForm::Raw);
        Ok(Reply::Integer(len))
    }
}
