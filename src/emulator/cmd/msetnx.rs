//! MSETNX: set several keys at once, only if none of them exists.

use super::{Access, Args, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::reply::Reply;

/// Name, arity, syntax and summary.
pub const SPEC: Spec = Spec {
    name: "msetnx",
    arity: -3,
    syntax: "key value [key value ...]",
    summary: "Sets several keys, only if none of them exists.",
    group: "string",
    denyoom: true,
    access: Access::Write,
};

/// ```text
/// MSETNX key value [key value ...]
/// ```
/// 1 if every key was set, 0 (and nothing set) if any of them exists, whatever its type.
#[derive(Debug)]
pub struct Msetnx<'a> {
    pairs: crate::emulator::split::Argv<'a>,
}

impl<'a> Command<'a> for Msetnx<'a> {
    fn parse(args: &mut Args<'a>) -> Result<Self, CommandError> {
        Ok(Msetnx {
            pairs: super::mset::pairs(args)?,
        })
    }

    fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        let keys: Vec<&[u8]> = self.pairs.iter().step_by(2).collect();
        if keys.iter().any(|key| ctx.keyspace.contains(key)) {
            return Ok(Reply::Integer(0));
        }
        super::mset::set_all(ctx, &self.pairs);
        Ok(Reply::Integer(1))
    }
}
