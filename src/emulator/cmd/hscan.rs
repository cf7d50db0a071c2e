//! HSCAN: iterate over the fields of a hash with a cursor.

use super::{Access, Args, Argv, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::glob::glob_match;
use crate::emulator::number::{parse_cursor, parse_i64};
use crate::emulator::reply::Reply;

/// A hash up to this many fields is returned whole by one HSCAN call with cursor `0`, as
/// Redis does for a listpack-encoded hash (its default `hash-max-listpack-entries`).
const SMALL_HASH: usize = 512;

/// Name, arity, syntax and summary.
pub const SPEC: Spec = Spec {
    name: "hscan",
    arity: -3,
    syntax: "key cursor [MATCH pattern] [COUNT count]",
    summary: "Iterates over the fields and values of a hash.",
    group: "hash",
    denyoom: false,
    access: Access::Read,
};

/// ```text
/// HSCAN key cursor [MATCH pattern] [COUNT count]
/// ```
/// Replies with the next cursor and a flat list of field, value pairs. A small hash comes back
/// whole with cursor `0`, whatever the cursor and COUNT, as in Redis; a larger one is walked
/// in insertion order, COUNT fields per call (Redis walks its hash table instead, so the
/// cursors and order differ there).
#[derive(Debug)]
pub struct Hscan<'a> {
    key: &'a [u8],
    cursor: u64,
    options: Argv<'a>,
}

impl<'a> Command<'a> for Hscan<'a> {
    fn parse(args: &mut Args<'a>) -> Result<Self, CommandError> {
        let key = args.next_arg()?;
        let cursor = parse_cursor(args.next_arg()?).ok_or(CommandError::InvalidCursor)?;
        // Options are read only once the key is known to be a hash, as in Redis.
        Ok(Hscan {
            key,
            cursor,
            options: args.rest(),
        })
    }

    fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        let hash = match ctx.keyspace.hash(self.key)? {
            Some(h) => h,
            None => {
                return Ok(Reply::Array(vec![
                    Reply::bulk("0"),
                    Reply::Array(Vec::new()),
                ]))
            }
        };
        let ScanOptions { pattern, count, .. } = parse_options(&self.options.to_slices(), false)?;
        let matches = |field: &[u8]| pattern.as_ref().is_none_or(|p| glob_match(p, field));
        let (start, end) = if hash.len() <= SMALL_HASH {
            (0, hash.len())
        } else {
            let start = usize::try_from(self.cursor)
                .unwrap_or(usize::MAX)
                .min(hash.len());
            (start, start.saturating_add(count).min(hash.len()))
        };
        let next = if end >= hash.len() { 0 } else { end };
        let mut items = Vec::new();
        for (field, value) in hash.iter().skip(start).take(end - start) {
            if matches(field) {
                items.push(Reply::bulk(field.clone()));
                items.push(Reply::bulk(value.clone()));
            }
        }
        Ok(Reply::Array(vec![
            Reply::bulk(next.to_string()),
            Reply::Array(items),
        ]))
    }
}

/// What SCAN and HSCAN were asked for beyond the cursor.
pub(super) struct ScanOptions<'a> {
    /// `None`: every name (MATCH absent, or `*`).
    pub pattern: Option<&'a [u8]>,
    pub count: usize,
    /// SCAN's `TYPE`: only keys holding this type (compared as Redis does, ignoring case).
    pub kind: Option<&'a [u8]>,
}

/// `[MATCH pattern] [COUNT count]` (and SCAN's `[TYPE type]` when `with_type`) in any order and
/// number; the last of each wins.
pub(super) fn parse_options<'a>(
    options: &[&'a [u8]],
    with_type: bool,
) -> Result<ScanOptions<'a>, CommandError> {
    let mut out = ScanOptions {
        pattern: None,
        count: 10,
        kind: None,
    };
    let mut i = 0;
    while i < options.len() {
        let has_value = options.len() - i >= 2;
        let option = super::option_name(options[i]);
        if option.eq_ignore_ascii_case(b"count") && has_value {
            let n = parse_i64(options[i + 1]).ok_or(CommandError::NotAnInteger)?;
            if n < 1 {
                return Err(CommandError::Syntax);
            }
            out.count = usize::try_from(n).unwrap_or(usize::MAX);
        } else if option.eq_ignore_ascii_case(b"match") && has_value {
            let p = options[i + 1];
            // `*` alone matches everything, so Redis skips matching.
            out.pattern = (p != b"*").then_some(p);
        } else if with_type && option.eq_ignore_ascii_case(b"type") && has_value {
            out.kind = Some(options[i + 1]);
        } else {
            return Err(CommandError::Syntax);
        }
        i += 2;
    }
    Ok(out)
}
