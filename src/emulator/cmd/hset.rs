//! HSET: set fields of a hash.

use super::{Access, Args, Argv, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::reply::Reply;

/// Name, arity, syntax and summary.
pub const SPEC: Spec = Spec {
    name: "hset",
    arity: -4,
    syntax: "key field value [field value ...]",
    summary: "Sets field values in a hash and replies with how many fields were added.",
    group: "hash",
    denyoom: true,
    access: Access::Write,
};

/// ```text
/// HSET key field value [field value ...]
/// ```
/// Replies with the number of fields that were **added** (updating a field counts 0).
#[derive(Debug)]
pub struct Hset<'a> {
    key: &'a [u8],
    pairs: Argv<'a>,
}

/// Reads `key field value [field value ...]`; an odd number of field/value arguments is an
/// arity error, reported before the key's type is looked at (shared with HMSET).
pub(super) fn parse_pairs<'a>(args: &mut Args<'a>) -> Result<(&'a [u8], Argv<'a>), CommandError> {
    let key = args.next_arg()?;
    if !args.remaining().is_multiple_of(2) {
        return Err(args.arity_error());
    }
    Ok((key, args.rest()))
}

/// Sets every field/value pair on the hash at `key` (created if missing); returns how many
/// fields are new.
pub(super) fn set_pairs(
    ctx: &mut Ctx<'_>,
    key: &[u8],
    pairs: Argv<'_>,
) -> Result<i64, CommandError> {
    let hash = ctx.keyspace.hash_or_create(key)?;
    let mut added = 0;
    let mut items = pairs.iter();
    while let (Some(field), Some(value)) = (items.next(), items.next()) {
        match hash.get_mut(field) {
            // An update keeps the field's place, as Redis's listpack does, and reuses its memory.
            Some(old) => {
                old.clear();
                old.extend_from_slice(value);
            }
            None => {
                hash.insert(field.to_vec(), value.to_vec());
                added += 1;
            }
        }
    }
    ctx.keyspace.touch(key);
    Ok(added)
}

impl<'a> Command<'a> for Hset<'a> {
    fn parse(args: &mut Args<'a>) -> Result<Self, CommandError> {
        let (key, pairs) = parse_pairs(args)?;
        Ok(Hset { key, pairs })
    }

    fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        set_pairs(ctx, self.key, self.pairs).map(Reply::Integer)
    }
}
