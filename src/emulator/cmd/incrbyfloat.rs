//! INCRBYFLOAT: add a decimal number to the number stored at a key.

use super::{Access, Args, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::keyspace::{StrForm, Value};
use crate::emulator::long_double::{self, LongDouble, Parsed};
use crate::emulator::reply::Reply;
use rustc_apfloat::Float;

/// Name, arity, syntax and summary.
pub const SPEC: Spec = Spec {
    name: "incrbyfloat",
    arity: 3,
    syntax: "key increment",
    summary: "Increments the floating point value of a key by a number.",
    group: "string",
    denyoom: true,
    access: Access::Write,
};

/// ```text
/// INCRBYFLOAT key increment
/// ```
/// In Redis's order: WRONGTYPE for a key of another type, then the stored value and the
/// increment must both be floats (`value is not a valid float`); a sum that is NaN or infinite
/// is refused. The result is written in the human form HINCRBYFLOAT uses (`10.5`, `3`,
/// `5000`), and the key keeps its expiry.
#[derive(Debug)]
pub struct Incrbyfloat<'a> {
    key: &'a [u8],
    increment: &'a [u8],
}

impl<'a> Command<'a> for Incrbyfloat<'a> {
    fn parse(args: &mut Args<'a>) -> Result<Self, CommandError> {
        Ok(Incrbyfloat {
            key: args.next_arg()?,
            increment: args.next_arg()?,
        })
    }

    fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        let float = |bytes: &[u8]| match long_double::parse(bytes) {
            Parsed::Number(x) => Ok(x),
            Parsed::Invalid => Err(CommandError::NotAFloat),
        };
        let current = match ctx.keyspace.get(self.key) {
            None => LongDouble::ZERO,
            Some(Value::Str(s)) => float(s)?,
            Some(_) => return Err(CommandError::WrongType),
        };
        let sum = long_double::add(current, float(self.increment)?);
        if long_double::is_nan_or_infinite(sum) {
            return Err(CommandError::IncrementWouldBeNanOrInfinity);
        }
        let text = long_double::format_human(sum).into_bytes();
        ctx.keyspace
            .set_as(self.key, Value::Str(text.clone()), true, StrForm::Text);
        Ok(Reply::Bulk(text))
    }
}
