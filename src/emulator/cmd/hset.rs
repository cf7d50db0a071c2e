//! HSET: set fields of a hash.

use super::{Args, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::reply::Reply;

/// ```text
/// HSET key field value [field value ...]
/// ```
/// Replies with the number of fields that were **added** (updating a field counts 0).
#[derive(Debug)]
pub struct Hset {
    pub key: Vec<u8>,
    pub pairs: Pairs,
}

/// Field/value pairs in the order given.
pub(super) type Pairs = Vec<(Vec<u8>, Vec<u8>)>;

/// Reads `key field value [field value ...]`; an odd number of field/value arguments is an
/// arity error, reported before the key's type is looked at (shared with HMSET).
pub(super) fn parse_pairs(args: &mut Args<'_>) -> Result<(Vec<u8>, Pairs), CommandError> {
    let key = args.next_owned()?;
    if !args.remaining().is_multiple_of(2) {
        return Err(args.arity_error());
    }
    let rest = args.rest();
    let pairs = rest
        .chunks_exact(2)
        .map(|fv| (fv[0].clone(), fv[1].clone()))
        .collect();
    Ok((key, pairs))
}

/// Sets every pair on the hash at `key` (created if missing); returns how many fields are new.
pub(super) fn set_pairs(
    ctx: &mut Ctx<'_>,
    key: &[u8],
    pairs: Vec<(Vec<u8>, Vec<u8>)>,
) -> Result<i64, CommandError> {
    let hash = ctx
        .keyspace
        .hash_or_create(key)
        .map_err(|()| CommandError::WrongType)?;
    let mut added = 0;
    for (field, value) in pairs {
        // `insert` on an existing field keeps its place, as Redis's listpack does.
        if hash.insert(field, value).is_none() {
            added += 1;
        }
    }
    Ok(added)
}

impl Command for Hset {
    const SPEC: Spec = Spec {
        name: "hset",
        arity: -4,
        syntax: "key field value [field value ...]",
        summary: "Sets field values in a hash and replies with how many fields were added.",
        group: "hash",
    };

    fn parse(args: &mut Args<'_>) -> Result<Self, CommandError> {
        let (key, pairs) = parse_pairs(args)?;
        Ok(Hset { key, pairs })
    }

    fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        set_pairs(ctx, &self.key, self.pairs).map(Reply::Integer)
    }
}
