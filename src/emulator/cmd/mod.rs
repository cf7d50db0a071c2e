//! The commands: one file and one type per command, dispatched by one enum.
//!
//! Each command parses its arguments from an [`Args`] cursor, then applies itself to the
//! keyspace and *returns* a reply. Errors are [`CommandError`] values, turned into error replies
//! in one place ([`execute`]). The order of checks is Redis's: unknown command, then arity, then
//! the command's own checks (the parse step), then the key's type (the apply step).

use super::error::CommandError;
use super::keyspace::Keyspace;
use super::reply::Reply;
use super::rng::Rng;

mod dbsize;
mod del;
mod echo;
mod exists;
mod flushall;
mod flushdb;
mod get;
mod hdel;
mod hexists;
mod hget;
mod hgetall;
mod hincrby;
mod hincrbyfloat;
mod hkeys;
mod hlen;
mod hmget;
mod hmset;
mod hrandfield;
mod hscan;
mod hset;
mod hsetnx;
mod hstrlen;
mod hvals;
mod incr;
mod keys;
mod ping;
mod rename;
mod set;
mod type_;

/// What a command knows about itself: for dispatch, arity checks, console hints and `help`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Spec {
    /// The name in lower case, as Redis's command table has it (and its errors quote it).
    pub name: &'static str,
    /// Redis's arity: `n` means exactly `n` arguments (name included), `-n` at least `n`.
    pub arity: i32,
    /// The arguments after the name, as in Redis's documentation.
    pub syntax: &'static str,
    /// One sentence on what it does.
    pub summary: &'static str,
    /// Redis's command group (`hash`, `string`, `generic`, `server`, `connection`).
    pub group: &'static str,
}

impl Spec {
    /// The name in upper case, as the documentation and `help` write it.
    pub fn display_name(&self) -> String {
        self.name.to_ascii_uppercase()
    }

    fn arity_ok(&self, argc: usize) -> bool {
        let argc = argc as i64;
        let arity = i64::from(self.arity);
        if arity >= 0 {
            argc == arity
        } else {
            argc >= -arity
        }
    }
}

/// A cursor over a command's arguments (the name excluded).
#[derive(Debug)]
pub struct Args<'a> {
    items: &'a [Vec<u8>],
    pos: usize,
    name: &'static str,
}

impl<'a> Args<'a> {
    fn new(items: &'a [Vec<u8>], name: &'static str) -> Self {
        Args {
            items,
            pos: 0,
            name,
        }
    }

    /// The next argument. The arity check has already run, so running out is the command's own
    /// arity error (as for HSET with an odd number of field/value arguments).
    pub fn next_arg(&mut self) -> Result<&'a [u8], CommandError> {
        let item = self
            .items
            .get(self.pos)
            .ok_or(CommandError::WrongArity(self.name))?;
        self.pos += 1;
        Ok(item)
    }

    /// The next argument, owned.
    pub fn next_owned(&mut self) -> Result<Vec<u8>, CommandError> {
        self.next_arg().map(<[u8]>::to_vec)
    }

    /// The next argument if there is one (for optional arguments).
    pub fn next_optional(&mut self) -> Option<&'a [u8]> {
        let item = self.items.get(self.pos)?;
        self.pos += 1;
        Some(item)
    }

    /// How many arguments are left.
    pub fn remaining(&self) -> usize {
        self.items.len() - self.pos
    }

    /// All the arguments that are left.
    pub fn rest(&mut self) -> &'a [Vec<u8>] {
        let rest = &self.items[self.pos..];
        self.pos = self.items.len();
        rest
    }

    /// The command's arity error.
    pub fn arity_error(&self) -> CommandError {
        CommandError::WrongArity(self.name)
    }
}

/// What a command runs against.
pub struct Ctx<'a> {
    pub keyspace: &'a mut Keyspace,
    pub rng: &'a mut Rng,
}

/// One command type: its spec, how it reads its arguments, and what it does.
pub trait Command: Sized {
    /// Name, arity, syntax and summary.
    const SPEC: Spec;
    /// Reads the arguments; errors here come before any look at the keyspace.
    fn parse(args: &mut Args<'_>) -> Result<Self, CommandError>;
    /// Runs against the keyspace and returns the reply.
    fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError>;
}

macro_rules! commands {
    ($($variant:ident => $ty:path),* $(,)?) => {
        /// Every command the emulator implements.
        #[derive(Debug)]
        pub enum Parsed {
            $($variant($ty),)*
        }

        /// The specs of every implemented command, in alphabetical order.
        pub const COMMANDS: &[Spec] = &[$(<$ty as Command>::SPEC,)*];

        fn parse_by_name(name: &str, args: &mut Args<'_>) -> Option<Result<Parsed, CommandError>> {
            $(
                if name.eq_ignore_ascii_case(<$ty as Command>::SPEC.name) {
                    return Some(<$ty as Command>::parse(args).map(Parsed::$variant));
                }
            )*
            None
        }

        impl Parsed {
            fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
                match self {
                    $(Parsed::$variant(c) => c.apply(ctx),)*
                }
            }
        }
    };
}

commands! {
    Dbsize => dbsize::Dbsize,
    Del => del::Del,
    Echo => echo::Echo,
    Exists => exists::Exists,
    Flushall => flushall::Flushall,
    Flushdb => flushdb::Flushdb,
    Get => get::Get,
    Hdel => hdel::Hdel,
    Hexists => hexists::Hexists,
    Hget => hget::Hget,
    Hgetall => hgetall::Hgetall,
    Hincrby => hincrby::Hincrby,
    Hincrbyfloat => hincrbyfloat::Hincrbyfloat,
    Hkeys => hkeys::Hkeys,
    Hlen => hlen::Hlen,
    Hmget => hmget::Hmget,
    Hmset => hmset::Hmset,
    Hrandfield => hrandfield::Hrandfield,
    Hscan => hscan::Hscan,
    Hset => hset::Hset,
    Hsetnx => hsetnx::Hsetnx,
    Hstrlen => hstrlen::Hstrlen,
    Hvals => hvals::Hvals,
    Incr => incr::Incr,
    Keys => keys::Keys,
    Ping => ping::Ping,
    Rename => rename::Rename,
    Set => set::Set,
    Type => type_::Type,
}

/// Every top-level command of Redis 7.0.15 (`COMMAND LIST`), to tell "not implemented here"
/// apart from "unknown to Redis".
#[rustfmt::skip]
const REDIS_7_0_COMMANDS: &[&str] = &[
    "acl", "append", "asking", "auth", "bgrewriteaof", "bgsave", "bitcount", "bitfield",
    "bitfield_ro", "bitop", "bitpos", "blmove", "blmpop", "blpop", "brpop", "brpoplpush",
    "bzmpop", "bzpopmax", "bzpopmin", "client", "cluster", "command", "config", "copy",
    "dbsize", "debug", "decr", "decrby", "del", "discard", "dump", "echo", "eval", "eval_ro",
    "evalsha", "evalsha_ro", "exec", "exists", "expire", "expireat", "expiretime", "failover",
    "fcall", "fcall_ro", "flushall", "flushdb", "function", "geoadd", "geodist", "geohash",
    "geopos", "georadius", "georadius_ro", "georadiusbymember", "georadiusbymember_ro",
    "geosearch", "geosearchstore", "get", "getbit", "getdel", "getex", "getrange", "getset",
    "hdel", "hello", "hexists", "hget", "hgetall", "hincrby", "hincrbyfloat", "hkeys", "hlen",
    "hmget", "hmset", "hrandfield", "hscan", "hset", "hsetnx", "hstrlen", "hvals", "incr",
    "incrby", "incrbyfloat", "info", "keys", "lastsave", "latency", "lcs", "lindex", "linsert",
    "llen", "lmove", "lmpop", "lolwut", "lpop", "lpos", "lpush", "lpushx", "lrange", "lrem",
    "lset", "ltrim", "memory", "mget", "migrate", "module", "monitor", "move", "mset", "msetnx",
    "multi", "object", "persist", "pexpire", "pexpireat", "pexpiretime", "pfadd", "pfcount",
    "pfdebug", "pfmerge", "pfselftest", "ping", "psetex", "psubscribe", "psync", "pttl",
    "publish", "pubsub", "punsubscribe", "quit", "randomkey", "readonly", "readwrite", "rename",
    "renamenx", "replconf", "replicaof", "reset", "restore", "restore-asking", "role", "rpop",
    "rpoplpush", "rpush", "rpushx", "sadd", "save", "scan", "scard", "script", "sdiff",
    "sdiffstore", "select", "set", "setbit", "setex", "setnx", "setrange", "shutdown", "sinter",
    "sintercard", "sinterstore", "sismember", "slaveof", "slowlog", "smembers", "smismember",
    "smove", "sort", "sort_ro", "spop", "spublish", "srandmember", "srem", "sscan",
    "ssubscribe", "strlen", "subscribe", "substr", "sunion", "sunionstore", "sunsubscribe",
    "swapdb", "sync", "time", "touch", "ttl", "type", "unlink", "unsubscribe", "unwatch",
    "wait", "watch", "xack", "xadd", "xautoclaim", "xclaim", "xdel", "xgroup", "xinfo", "xlen",
    "xpending", "xrange", "xread", "xreadgroup", "xrevrange", "xsetid", "xtrim", "zadd",
    "zcard", "zcount", "zdiff", "zdiffstore", "zincrby", "zinter", "zintercard", "zinterstore",
    "zlexcount", "zmpop", "zmscore", "zpopmax", "zpopmin", "zrandmember", "zrange",
    "zrangebylex", "zrangebyscore", "zrangestore", "zrank", "zrem", "zremrangebylex",
    "zremrangebyrank", "zremrangebyscore", "zrevrange", "zrevrangebylex", "zrevrangebyscore",
    "zrevrank", "zscan", "zscore", "zunion", "zunionstore",
];

/// An option name as Redis compares it (`strcasecmp` on a C string: a NUL byte ends it).
pub(super) fn option_name(bytes: &[u8]) -> &[u8] {
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    &bytes[..end]
}

/// FLUSHDB's and FLUSHALL's one optional argument, `ASYNC` or `SYNC`; anything else is a
/// syntax error.
pub(super) fn parse_flush_mode(args: &mut Args<'_>) -> Result<(), CommandError> {
    match args.rest() {
        [] => Ok(()),
        [mode]
            if option_name(mode).eq_ignore_ascii_case(b"sync")
                || option_name(mode).eq_ignore_ascii_case(b"async") =>
        {
            Ok(())
        }
        _ => Err(CommandError::Syntax),
    }
}

/// Finds the spec of an implemented command by name, in any case.
pub fn spec(name: &str) -> Option<&'static Spec> {
    COMMANDS.iter().find(|s| s.name.eq_ignore_ascii_case(name))
}

/// Runs one command (name and arguments) and returns its reply. Never panics.
pub fn execute(argv: &[Vec<u8>], ctx: &mut Ctx<'_>) -> Reply {
    match run(argv, ctx) {
        Ok(reply) => reply,
        Err(error) => Reply::from(error),
    }
}

fn run(argv: &[Vec<u8>], ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
    let Some((name, rest)) = argv.split_first() else {
        return Ok(Reply::Array(Vec::new()));
    };
    let unknown = || CommandError::UnknownCommand {
        name: name.clone(),
        args: rest.to_vec(),
    };
    // Command names are ASCII; anything else (a NUL byte included) is unknown.
    let Ok(name_text) = std::str::from_utf8(name) else {
        return Err(unknown());
    };
    let Some(found) = spec(name_text) else {
        let lower = name_text.to_ascii_lowercase();
        if REDIS_7_0_COMMANDS.contains(&lower.as_str()) {
            return Err(CommandError::NotSupported { name: lower });
        }
        return Err(unknown());
    };
    if !found.arity_ok(argv.len()) {
        return Err(CommandError::WrongArity(found.name));
    }
    let mut args = Args::new(rest, found.name);
    let parsed = parse_by_name(name_text, &mut args).ok_or_else(unknown)??;
    parsed.apply(ctx)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_has_a_lower_case_name_and_help() {
        for spec in COMMANDS {
            assert_eq!(spec.name, spec.name.to_ascii_lowercase());
            assert!(
                !spec.summary.is_empty() && spec.summary.ends_with('.'),
                "{}",
                spec.name
            );
            assert!(
                REDIS_7_0_COMMANDS.contains(&spec.name),
                "{} is a Redis command",
                spec.name
            );
        }
    }

    #[test]
    fn the_table_is_sorted_for_help_listings() {
        let names: Vec<&str> = COMMANDS.iter().map(|s| s.name).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        assert_eq!(names, sorted);
    }
}
