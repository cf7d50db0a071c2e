//! MSET: set several keys to string values at once.

use super::{Access, Args, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::keyspace::Value;
use crate::emulator::reply::Reply;

/// Name, arity, syntax and summary.
pub const SPEC: Spec = Spec {
    name: "mset",
    arity: -3,
    syntax: "key value [key value ...]",
    summary: "Sets the string values of one or more keys.",
    group: "string",
    denyoom: true,
    access: Access::Write,
};

/// ```text
/// MSET key value [key value ...]
/// ```
/// An odd number of arguments after the name is the arity error. Every key is set (its type
/// and expiry replaced), in order; replies OK.
#[derive(Debug)]
pub struct Mset<'a> {
    pairs: crate::emulator::split::Argv<'a>,
}

/// The `key value` pairs of MSET and MSETNX (an odd count is the command's arity error).
pub(super) fn pairs<'a>(
    args: &mut Args<'a>,
) -> Result<crate::emulator::split::Argv<'a>, CommandError> {
    if !args.remaining().is_multiple_of(2) {
        return Err(args.arity_error());
    }
    Ok(args.rest())
}

/// Sets every pair of `pairs` to a string, with no expiry.
pub(super) fn set_all(ctx: &mut Ctx<'_>, pairs: &crate::emulator::split::Argv<'_>) {
    let items: Vec<&[u8]> = pairs.iter().collect();
    for pair in items.chunks(2) {
        ctx.keyspace
            .set(pair[0], Value::Str(pair[1].to_vec()), false);
    }
}

impl<'a> Command<'a> for Mset<'a> {
    fn parse(args: &mut Args<'a>) -> Result<Self, CommandError> {
        Ok(Mset {
            pairs: pairs(args)?,
        })
    }

    fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        set_all(ctx, &self.pairs);
        Ok(Reply::ok())
    }
}
