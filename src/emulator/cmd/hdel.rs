//! HDEL: delete fields of a hash.

use super::{Access, Args, Argv, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::reply::Reply;

/// Name, arity, syntax and summary.
pub const SPEC: Spec = Spec {
    name: "hdel",
    arity: -3,
    syntax: "key field [field ...]",
    summary: "Deletes fields from a hash; the hash itself goes when its last field does.",
    group: "hash",
    denyoom: false,
    access: Access::Remove,
};

/// ```text
/// HDEL key field [field ...]
/// ```
/// Replies with the number of fields removed. Removing the last field removes the key.
#[derive(Debug)]
pub struct Hdel<'a> {
    key: &'a [u8],
    fields: Argv<'a>,
}

impl<'a> Command<'a> for Hdel<'a> {
    fn parse(args: &mut Args<'a>) -> Result<Self, CommandError> {
        Ok(Hdel {
            key: args.next_arg()?,
            fields: args.rest(),
        })
    }

    fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        let removed = match ctx.keyspace.get_mut(self.key) {
            None => return Ok(Reply::Integer(0)),
            Some(crate::emulator::keyspace::Value::Hash(hash)) => {
                // `shift_remove` keeps the other fields in order, as a listpack does.
                self.fields
                    .iter()
                    .filter(|f| hash.shift_remove(*f).is_some())
                    .count()
            }
            Some(_) => return Err(CommandError::WrongType),
        };
        if removed > 0 {
            ctx.keyspace.touch(self.key);
        }
        ctx.keyspace.drop_if_empty(self.key);
        Ok(Reply::Integer(removed as i64))
    }
}
