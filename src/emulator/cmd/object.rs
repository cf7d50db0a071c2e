//! OBJECT: what Redis says about how it holds a key's value.

use super::{option_name, Access, Args, Argv, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::keyspace::{StrForm, Value};
use crate::emulator::number::parse_i64;
use crate::emulator::reply::Reply;

/// Name, arity, syntax and summary.
pub const SPEC: Spec = Spec {
    name: "object",
    arity: -2,
    syntax: "ENCODING|REFCOUNT|IDLETIME|FREQ key | HELP",
    summary: "Says how the value at a key is held: its encoding, references, idle time.",
    group: "generic",
    denyoom: false,
    access: Access::Read,
};

/// Redis 7.0's `OBJECT HELP`, line for line.
const HELP: [&str; 15] = [
    "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "ENCODING <key>",
    "    Return the kind of internal representation used in order to store the value",
    "    associated with a <key>.",
    "FREQ <key>",
    "    Return the access frequency index of the <key>. The returned integer is",
    "    proportional to the logarithm of the recent access frequency of the key.",
    "IDLETIME <key>",
    "    Return the idle time of the <key>, that is the approximated number of",
    "    seconds elapsed since the last access to the key.",
    "REFCOUNT <key>",
    "    Return the number of references of the value associated with the specified",
    "    <key>.",
    "HELP",
    "    Prints this help.",
];

/// What Redis answers for the references of a shared integer (`OBJ_SHARED_REFCOUNT`, `INT_MAX`).
const SHARED_REFCOUNT: i64 = i32::MAX as i64;

/// The longest string Redis keeps in one allocation with its header (`embstr`).
const EMBSTR_SIZE_LIMIT: usize = 44;

#[derive(Debug)]
pub(super) enum Sub {
    Encoding,
    Refcount,
    Idletime,
    Freq,
}

/// ```text
/// OBJECT ENCODING key | OBJECT REFCOUNT key | OBJECT IDLETIME key | OBJECT FREQ key | OBJECT HELP
/// ```
/// A container command, as in Redis 7.0: an unknown subcommand, then each subcommand's arity
/// (`object|encoding` …), are checked first. A missing key is nil. The answers are what Redis
/// 7.0.15 gives for the same commands (`tests/differential/object.redis`): a string made by
/// SET, MSET, INCR … is `int` if it is an integer of at most 20 bytes (the one shared object,
/// with `2147483647` references, from 0 to 9999), else `embstr` up to 44 bytes, else `raw`;
/// APPEND, SETRANGE and SETBIT leave it `raw`; INCRBYFLOAT's is never `int`; a COPY is never
/// shared. A hash is a `listpack` while it fits Redis's default limits (512 fields, 64-byte
/// fields and values), else a `hashtable` — by its size now (Redis keeps a hash that once grew
/// past them a hashtable). IDLETIME counts whole seconds since a command last used the key;
/// FREQ needs an LFU `maxmemory-policy`, which the lab never has.
#[derive(Debug)]
pub struct Object<'a> {
    sub: Option<(Sub, &'a [u8])>,
}

/// OBJECT's subcommand from its arguments (after the name), with Redis's checks in its order:
/// the subcommand must exist, then take its number of arguments. `None` is HELP.
pub(super) fn subcommand(args: Argv<'_>) -> Result<Option<Sub>, CommandError> {
    let name = args.get(0).unwrap_or_default();
    let word = option_name(name);
    let (sub, arity_name, count) = if word.eq_ignore_ascii_case(b"help") {
        (None, "object|help", 1)
    } else if word.eq_ignore_ascii_case(b"encoding") {
        (Some(Sub::Encoding), "object|encoding", 2)
    } else if word.eq_ignore_ascii_case(b"refcount") {
        (Some(Sub::Refcount), "object|refcount", 2)
    } else if word.eq_ignore_ascii_case(b"idletime") {
        (Some(Sub::Idletime), "object|idletime", 2)
    } else if word.eq_ignore_ascii_case(b"freq") {
        (Some(Sub::Freq), "object|freq", 2)
    } else {
        return Err(CommandError::UnknownSubcommand {
            sub: name.to_vec(),
            command: "OBJECT",
        });
    };
    if args.len() != count {
        return Err(CommandError::WrongArity(arity_name));
    }
    Ok(sub)
}

impl<'a> Command<'a> for Object<'a> {
    fn parse(args: &mut Args<'a>) -> Result<Self, CommandError> {
        let rest = args.rest();
        let sub = subcommand(rest)?;
        // The arity was checked: a subcommand other than HELP has its key.
        Ok(Object {
            sub: sub.map(|sub| (sub, rest.get(1).unwrap_or_default())),
        })
    }

    fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        let Some((sub, key)) = self.sub else {
            return Ok(Reply::Array(
                HELP.iter().map(|line| Reply::Status(line)).collect(),
            ));
        };
        // Looked at without counting as a use of the key (Redis's LOOKUP_NOTOUCH).
        let (Some(value), Some((form, idle))) =
            (ctx.keyspace.peek(key), ctx.keyspace.form_and_idle(key))
        else {
            return Ok(Reply::Nil);
        };
        Ok(match sub {
            Sub::Encoding => Reply::bulk(encoding(value, form)),
            Sub::Refcount => Reply::Integer(if shared(value, form) {
                SHARED_REFCOUNT
            } else {
                1
            }),
            Sub::Idletime => Reply::Integer(idle),
            Sub::Freq => return Err(CommandError::NoLfuPolicy),
        })
    }
}

/// The integer Redis's `tryObjectEncoding` would make of `s`: at most 20 bytes that `string2l`
/// reads.
fn as_integer(s: &[u8]) -> Option<i64> {
    if s.len() > 20 {
        return None;
    }
    parse_i64(s)
}

fn encoding(value: &Value, form: StrForm) -> &'static str {
    match value {
        Value::Hash(h) => {
            if crate::emulator::rdb::fits_listpack(h) {
                "listpack"
            } else {
                "hashtable"
            }
        }
        Value::Str(s) => match form {
            StrForm::Encoded | StrForm::Copied if as_integer(s).is_some() => "int",
            StrForm::Raw => "raw",
            _ if s.len() <= EMBSTR_SIZE_LIMIT => "embstr",
            _ => "raw",
        },
        // Redis 7.0 holds every list as a quicklist (7.2 added a listpack for small ones).
        Value::List(_) => "quicklist",
    }
}

fn shared(value: &Value, form: StrForm) -> bool {
    match value {
        Value::Str(s) => {
            form == StrForm::Encoded && as_integer(s).is_some_and(|n| (0..10_000).contains(&n))
        }
        Value::Hash(_) | Value::List(_) => false,
    }
}
