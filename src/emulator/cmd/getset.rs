//! GETSET: set a key to a string and return the string it held.

use super::{Access, Args, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::keyspace::Value;
use crate::emulator::reply::Reply;

/// Name, arity, syntax and summary.
pub const SPEC: Spec = Spec {
    name: "getset",
    arity: 3,
    syntax: "key value",
    summary: "Returns the previous string value of a key after setting it to a new value.",
    group: "string",
    denyoom: true,
    access: Access::Write,
};

/// ```text
/// GETSET key value
/// ```
/// The old string (nil if none); WRONGTYPE, and nothing set, for a key of another type. The
/// new value has no expiry.
#[derive(Debug)]
pub struct Getset<'a> {
    key: &'a [u8],
    value: &'a [u8],
}

impl<'a> Command<'a> for Getset<'a> {
    fn parse(args: &mut Args<'a>) -> Result<Self, CommandError> {
        Ok(Getset {
            key: args.next_arg()?,
            value: args.next_arg()?,
        })
    }

    fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        let old = super::get::get_string(ctx.keyspace, self.key)?;
        ctx.keyspace
            .set(self.key, Value::Str(self.value.to_vec()), false);
        Ok(old)
    }
}
