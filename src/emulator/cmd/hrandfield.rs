//! HRANDFIELD: random fields of a hash.

use super::{Access, Args, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::keyspace::Hash;
use crate::emulator::number::parse_i64;
use crate::emulator::reply::Reply;
use crate::emulator::rng::Rng;

/// Name, arity, syntax and summary.
pub const SPEC: Spec = Spec {
    name: "hrandfield",
    arity: -2,
    syntax: "key [count [WITHVALUES]]",
    summary: "Returns one or more random fields (and values) from a hash.",
    group: "hash",
    denyoom: false,
    access: Access::Read,
};

/// ```text
/// HRANDFIELD key [count [WITHVALUES]]
/// ```
/// Without a count, one random field (nil for an absent key). With a positive count, up to that
/// many distinct fields (the whole hash, in order, when the count covers it); with a negative
/// count, exactly that many, possibly repeated. WITHVALUES adds each field's value.
/// The most fields a negative count may ask for (repetitions included).
pub const MAX_PICKS: i64 = 1_000_000;

#[derive(Debug)]
pub struct Hrandfield<'a> {
    key: &'a [u8],
    count: Option<i64>,
    with_values: bool,
}

impl<'a> Command<'a> for Hrandfield<'a> {
    fn parse(args: &mut Args<'a>) -> Result<Self, CommandError> {
        let key = args.next_arg()?;
        let Some(count) = args.next_optional() else {
            return Ok(Hrandfield {
                key,
                count: None,
                with_values: false,
            });
        };
        let count = parse_i64(count).ok_or(CommandError::NotAnInteger)?;
        if count == i64::MIN {
            return Err(CommandError::OutOfRangeBetween(-i64::MAX, i64::MAX));
        }
        let with_values = match args.rest().to_slices().as_slice() {
            [] => false,
            [flag] if super::option_name(flag).eq_ignore_ascii_case(b"withvalues") => true,
            _ => return Err(CommandError::Syntax),
        };
        if with_values && !(-i64::MAX / 2..=i64::MAX / 2).contains(&count) {
            return Err(CommandError::OutOfRange);
        }
        // Redis would try to send billions of picks; the emulator keeps a reply in memory.
        if count < -MAX_PICKS {
            return Err(CommandError::TooManyPicks(MAX_PICKS));
        }
        Ok(Hrandfield {
            key,
            count: Some(count),
            with_values,
        })
    }

    fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        let hash = ctx.keyspace.hash(self.key)?;
        let Some(count) = self.count else {
            return Ok(match hash {
                Some(h) => {
                    let i = ctx.rng.below(h.len());
                    h.get_index(i)
                        .map_or(Reply::Nil, |(f, _)| Reply::bulk(f.clone()))
                }
                None => Reply::Nil,
            });
        };
        let Some(hash) = hash else {
            return Ok(Reply::Array(Vec::new()));
        };
        let picks = pick(hash, count, ctx.rng);
        let mut items = Vec::with_capacity(picks.len() * 2);
        for i in picks {
            if let Some((field, value)) = hash.get_index(i) {
                items.push(Reply::bulk(field.clone()));
                if self.with_values {
                    items.push(Reply::bulk(value.clone()));
                }
            }
        }
        Ok(Reply::Array(items))
    }
}

/// The indexes of the fields to return.
fn pick(hash: &Hash, count: i64, rng: &mut Rng) -> Vec<usize> {
    let size = hash.len();
    let wanted = usize::try_from(count.unsigned_abs()).unwrap_or(usize::MAX);
    if count < 0 {
        // With repetition: every pick is independent.
        return (0..wanted).map(|_| rng.below(size)).collect();
    }
    if wanted >= size {
        // The whole hash, in its order.
        return (0..size).collect();
    }
    // Distinct fields in random order: a partial Fisher–Yates shuffle.
    let mut indexes: Vec<usize> = (0..size).collect();
    for i in 0..wanted {
        let j = i + rng.below(size - i);
        indexes.swap(i, j);
    }
    indexes.truncate(wanted);
    indexes
}
