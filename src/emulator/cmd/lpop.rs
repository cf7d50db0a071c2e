//! LPOP: take elements from the head of a list.

use super::lpush::End;
use super::{Access, Args, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::keyspace::Value;
use crate::emulator::number::parse_i64;
use crate::emulator::reply::Reply;

/// Name, arity, syntax and summary.
pub const SPEC: Spec = Spec {
    name: "lpop",
    arity: -2,
    syntax: "key [count]",
    summary: "Removes and returns the first element of a list, or the first count; the list goes when its last element does.",
    group: "list",
    denyoom: false,
    access: Access::Remove,
};

/// ```text
/// LPOP key [count]
/// ```
/// Without a count: the element, or nil. With one: an array of up to `count` elements, or a
/// nil array when there is no list.
#[derive(Debug)]
pub struct Lpop<'a> {
    key: &'a [u8],
    count: Option<usize>,
}

impl<'a> Command<'a> for Lpop<'a> {
    fn parse(args: &mut Args<'a>) -> Result<Self, CommandError> {
        let (key, count) = parse_pop(args)?;
        Ok(Lpop { key, count })
    }

    fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        pop(ctx, self.key, self.count, End::Head)
    }
}

/// LPOP's and RPOP's arguments: a key and an optional count, a non-negative integer.
pub(super) fn parse_pop<'a>(
    args: &mut Args<'a>,
) -> Result<(&'a [u8], Option<usize>), CommandError> {
    let key = args.next_arg()?;
    // Redis refuses a third argument before it reads the second.
    if args.remaining() > 1 {
        return Err(args.arity_error());
    }
    let count = match args.next_optional() {
        None => None,
        Some(raw) => {
            // Redis reads it with getPositiveLongFromObjectOrReply: anything but a non-negative
            // integer gets the same answer. A count past what this machine can index pops all.
            let n = parse_i64(raw)
                .filter(|n| *n >= 0)
                .ok_or(CommandError::MustBePositive)?;
            Some(usize::try_from(n).unwrap_or(usize::MAX))
        }
    };
    Ok((key, count))
}

/// LPOP and RPOP at `end`.
pub(super) fn pop(
    ctx: &mut Ctx<'_>,
    key: &[u8],
    count: Option<usize>,
    end: End,
) -> Result<Reply, CommandError> {
    let list = match ctx.keyspace.get_mut(key) {
        None => {
            return Ok(if count.is_some() {
                Reply::NilArray
            } else {
                Reply::Nil
            })
        }
        Some(Value::List(list)) => list,
        Some(_) => return Err(CommandError::WrongType),
    };
    let take = |list: &mut crate::emulator::keyspace::List| match end {
        End::Head => list.pop_front(),
        End::Tail => list.pop_back(),
    };
    let reply = match count {
        None => take(list).map_or(Reply::Nil, Reply::Bulk),
        Some(0) => return Ok(Reply::Array(Vec::new())),
        Some(n) => {
            let n = n.min(list.len());
            Reply::Array((0..n).filter_map(|_| take(list)).map(Reply::Bulk).collect())
        }
    };
    ctx.keyspace.touch(key);
    ctx.keyspace.drop_if_empty(key);
    Ok(reply)
}
