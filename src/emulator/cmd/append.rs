//! APPEND: add bytes to the end of the string stored at a key.

use super::{check_string_length, Access, Args, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::keyspace::{StrForm, Value};
use crate::emulator::reply::Reply;

/// Name, arity, syntax and summary.
pub const SPEC: Spec = Spec {
    name: "append",
    arity: 3,
    syntax: "key value",
    summary: "Appends a string to the value of a key; creates the key if needed.",
    group: "string",
    denyoom: true,
    access: Access::Write,
};

/// ```text
/// APPEND key value
/// ```
/// Replies with the new length; a missing key is created; WRONGTYPE for a hash; a result
/// longer than `proto-max-bulk-len` (512 MB) is refused, and one longer than the lab's limit
/// ([`super::LAB_MAX_STRING`]) gets `OOM`. The key keeps its expiry.
#[derive(Debug)]
pub struct Append<'a> {
    key: &'a [u8],
    value: &'a [u8],
}

impl<'a> Command<'a> for Append<'a> {
    fn parse(args: &mut Args<'a>) -> Result<Self, CommandError> {
        Ok(Append {
            key: args.next_arg()?,
            value: args.next_arg()?,
        })
    }

    fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        // A new key is stored as SET stores it; an existing string is appended to in place.
        let (mut current, form) = match ctx.keyspace.get(self.key) {
            None => (Vec::new(), StrForm::Encoded),
            Some(Value::Str(s)) => {
                check_string_length(s.len() as u64, self.value.len() as u64)?;
                (s.clone(), StrForm::Raw)
            }
            Some(_) => return Err(CommandError::WrongType),
        };
        current.extend_from_slice(self.value);
        let len = current.len() as i64;
        ctx.keyspace
            .set_as(self.key, Value::Str(current), true, form);
        Ok(Reply::Integer(len))
    }
}
