//! HMSET: the older form of HSET that replies OK.

use super::hset::{parse_pairs, set_pairs};
use super::{Access, Args, Argv, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::reply::Reply;

/// Name, arity, syntax and summary.
pub const SPEC: Spec = Spec {
    name: "hmset",
    arity: -4,
    syntax: "key field value [field value ...]",
    summary: "Sets field values in a hash and replies OK (deprecated in favour of HSET).",
    group: "hash",
    denyoom: true,
    access: Access::Write,
};

/// ```text
/// HMSET key field value [field value ...]
/// ```
/// Like HSET, but replies `OK` (the tutorial's first step creates the hash with it).
#[derive(Debug)]
pub struct Hmset<'a> {
    key: &'a [u8],
    pairs: Argv<'a>,
}

impl<'a> Command<'a> for Hmset<'a> {
    fn parse(args: &mut Args<'a>) -> Result<Self, CommandError> {
        let (key, pairs) = parse_pairs(args)?;
        Ok(Hmset { key, pairs })
    }

    fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        set_pairs(ctx, self.key, self.pairs).map(|_| Reply::ok())
    }
}
