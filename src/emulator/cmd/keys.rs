//! KEYS: the keys matching a glob pattern.

use super::{Access, Args, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::glob::glob_match;
use crate::emulator::reply::Reply;

/// Name, arity, syntax and summary.
pub const SPEC: Spec = Spec {
    name: "keys",
    arity: 2,
    syntax: "pattern",
    summary: "Returns all key names that match a glob pattern.",
    group: "generic",
    denyoom: false,
    access: Access::Read,
};

/// ```text
/// KEYS pattern
/// ```
/// Replies with every key matching the pattern (`*`, `?`, `[a-c]`, `[^a]`, `\x`). Redis leaves
/// the order undefined; the emulator lists keys in the order they were created.
#[derive(Debug)]
pub struct Keys<'a> {
    pattern: &'a [u8],
}

impl<'a> Command<'a> for Keys<'a> {
    fn parse(args: &mut Args<'a>) -> Result<Self, CommandError> {
        Ok(Keys {
            pattern: args.next_arg()?,
        })
    }

    fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        let all = self.pattern == b"*";
        let keys: Vec<Vec<u8>> = ctx
            .keyspace
            .keys()
            .filter(|k| all || glob_match(self.pattern, k))
            .cloned()
            .collect();
        Ok(Reply::bulks(keys))
    }
}
