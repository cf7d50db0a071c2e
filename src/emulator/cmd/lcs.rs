//! LCS: the longest common subsequence of the strings at two keys.

use super::Argv;
use super::{option_name, Access, Args, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::keyspace::Value;
use crate::emulator::number::parse_i64;
use crate::emulator::reply::Reply;

/// Name, arity, syntax and summary.
pub const SPEC: Spec = Spec {
    name: "lcs",
    arity: -3,
    syntax: "key1 key2 [LEN] [IDX] [MINMATCHLEN min-match-len] [WITHMATCHLEN]",
    summary: "Finds the longest common substring.",
    group: "string",
    denyoom: false,
    access: Access::Read,
};

/// The largest table (in cells of 4 bytes) the lab's Redis builds for one LCS: 16 Mi cells,
/// 64 MiB. Redis builds any table its allocator gives it and answers `Insufficient memory`
/// when it cannot; in a browser tab a failed allocation would end the page, so past this size
/// the lab answers that error itself.
const LAB_MAX_CELLS: u64 = 16 << 20;

/// ```text
/// LCS key1 key2 [LEN] [IDX] [MINMATCHLEN min-match-len] [WITHMATCHLEN]
/// ```
/// As Redis 7.0's `lcsCommand`, in its order: both keys must hold strings or be missing (a
/// missing key is the empty string; else `The specified keys must contain string values`),
/// then the options (a syntax error for anything else; MINMATCHLEN's number must be an
/// integer, a negative one is 0), then LEN with IDX is refused. The table is Redis's dynamic
/// programming one, walked back from its end the same way, so that among several longest
/// subsequences the same one is chosen, and the same ranges listed (last first).
#[derive(Debug)]
pub struct Lcs<'a> {
    a: &'a [u8],
    b: &'a [u8],
    options: Argv<'a>,
}

impl<'a> Command<'a> for Lcs<'a> {
    fn parse(args: &mut Args<'a>) -> Result<Self, CommandError> {
        Ok(Lcs {
            a: args.next_arg()?,
            b: args.next_arg()?,
            options: args.rest(),
        })
    }

    fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        let string = |key| match ctx.keyspace.get(key) {
            None => Ok(&[][..]),
            Some(Value::Str(s)) => Ok(s.as_slice()),
            Some(_) => Err(CommandError::LcsNotStrings),
        };
        let (a, b) = match (string(self.a), string(self.b)) {
            (Ok(a), Ok(b)) => (a, b),
            _ => return Err(CommandError::LcsNotStrings),
        };
        let options = self.options.to_slices();
        let (mut len, mut idx, mut with_len, mut min_len) = (false, false, false, 0_i64);
        let mut i = 0;
        while i < options.len() {
            let name = option_name(options[i]);
            let more = i + 1 < options.len();
            if name.eq_ignore_ascii_case(b"idx") {
                idx = true;
            } else if name.eq_ignore_ascii_case(b"len") {
                len = true;
            } else if name.eq_ignore_ascii_case(b"withmatchlen") {
                with_len = true;
            } else if name.eq_ignore_ascii_case(b"minmatchlen") && more {
                min_len = parse_i64(options[i + 1])
                    .ok_or(CommandError::NotAnInteger)?
                    .max(0);
                i += 1;
            } else {
                return Err(CommandError::Syntax);
            }
            i += 1;
        }
        if idx && len {
            return Err(CommandError::LcsLenAndIdx);
        }
        let cells = (a.len() as u64 + 1).saturating_mul(b.len() as u64 + 1);
        if cells > LAB_MAX_CELLS {
            return Err(CommandError::InsufficientMemory);
        }
        let table = Table::new(a, b);
        let longest = table.at(a.len(), b.len());
        if len {
            return Ok(Reply::Integer(i64::from(longest)));
        }
        let (common, ranges) = table.walk_back(a, b, longest as usize);
        if !idx {
            return Ok(Reply::Bulk(common));
        }
        let matches = ranges
            .into_iter()
            .filter(|r| min_len == 0 || i64::from(r.len) >= min_len)
            .map(|r| {
                let mut item = vec![
                    Reply::Array(vec![Reply::Integer(r.a.0), Reply::Integer(r.a.1)]),
                    Reply::Array(vec![Reply::Integer(r.b.0), Reply::Integer(r.b.1)]),
                ];
                if with_len {
                    item.push(Reply::Integer(i64::from(r.len)));
                }
                Reply::Array(item)
            })
            .collect();
        Ok(Reply::Array(vec![
            Reply::bulk(b"matches".to_vec()),
            Reply::Array(matches),
            Reply::bulk(b"len".to_vec()),
            Reply::Integer(i64::from(longest)),
        ]))
    }
}

/// `LCS(i, j)`: the length of the longest common subsequence of `a[..i]` and `b[..j]`.
struct Table {
    cells: Vec<u32>,
    width: usize,
}

/// A range of matching bytes, inclusive at both ends, in each string.
struct Range {
    a: (i64, i64),
    b: (i64, i64),
    len: u32,
}

impl Table {
    fn new(a: &[u8], b: &[u8]) -> Self {
        let width = b.len() + 1;
        let mut cells = vec![0_u32; (a.len() + 1) * width];
        for i in 1..=a.len() {
            for j in 1..=b.len() {
                cells[i * width + j] = if a[i - 1] == b[j - 1] {
                    cells[(i - 1) * width + j - 1] + 1
                } else {
                    cells[(i - 1) * width + j].max(cells[i * width + j - 1])
                };
            }
        }
        Table { cells, width }
    }

    fn at(&self, i: usize, j: usize) -> u32 {
        self.cells[i * self.width + j]
    }

    /// The subsequence, and the ranges it is made of from the last to the first, found as
    /// Redis finds them: from the end, a match extends the current range backwards while it is
    /// contiguous in both strings; otherwise step towards the larger neighbour (`j` on a tie).
    fn walk_back(&self, a: &[u8], b: &[u8], longest: usize) -> (Vec<u8>, Vec<Range>) {
        let mut common = vec![0_u8; longest];
        let mut ranges = Vec::new();
        let mut left = longest;
        let (mut i, mut j) = (a.len(), b.len());
        // The current range: (a start, a end, b start, b end).
        let mut current: Option<(usize, usize, usize, usize)> = None;
        while i > 0 && j > 0 {
            let mut emit = false;
            if a[i - 1] == b[j - 1] {
                common[left - 1] = a[i - 1];
                current = match current {
                    None => Some((i - 1, i - 1, j - 1, j - 1)),
                    Some((a_start, a_end, b_start, b_end)) if a_start == i && b_start == j => {
                        Some((a_start - 1, a_end, b_start - 1, b_end))
                    }
                    Some(range) => {
                        emit = true;
                        Some(range)
                    }
                };
                if let Some((a_start, _, b_start, _)) = current {
                    if a_start == 0 || b_start == 0 {
                        emit = true;
                    }
                }
                left -= 1;
                i -= 1;
                j -= 1;
            } else {
                if self.at(i - 1, j) > self.at(i, j - 1) {
                    i -= 1;
                } else {
                    j -= 1;
                }
                emit = current.is_some();
            }
            if emit {
                if let Some((a_start, a_end, b_start, b_end)) = current.take() {
                    ranges.push(Range {
                        a: (a_start as i64, a_end as i64),
                        b: (b_start as i64, b_end as i64),
                        len: (a_end - a_start + 1) as u32,
                    });
                }
            }
        }
        (common, ranges)
    }
}
