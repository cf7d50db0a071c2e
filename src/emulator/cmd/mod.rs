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
use super::session::Session;
pub use super::split::Argv;
pub use exec::open_transaction;

mod append;
mod bitcount;
pub mod copy;
mod dbsize;
mod decr;
mod decrby;
mod del;
mod discard;
mod dump;
mod echo;
mod exec;
mod exists;
mod expire;
mod expireat;
mod flushall;
mod flushdb;
mod get;
mod getbit;
mod getdel;
mod getex;
mod getrange;
mod getset;
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
mod incrby;
mod incrbyfloat;
mod keys;
mod lcs;
mod llen;
mod lpop;
mod lpush;
mod lrange;
mod mget;
mod mset;
mod msetnx;
mod multi;
mod object;
mod persist;
mod pexpire;
mod pexpireat;
mod ping;
mod psetex;
mod pttl;
mod randomkey;
mod rename;
mod renamenx;
mod restore;
mod rpop;
mod rpush;
mod scan;
mod set;
mod setbit;
mod setex;
mod setnx;
mod setrange;
mod strlen;
mod substr;
mod ttl;
mod type_;
mod unwatch;
mod watch;

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
    /// Redis's `denyoom` flag: refused while the server is out of memory (maxmemory reached
    /// with the `noeviction` policy). Commands that only remove data are still served.
    pub denyoom: bool,
    /// What it does to the data: the one place that says whether a command reads or writes
    /// (the engine's steps and the sequence diagram draw it from here).
    pub access: Access,
}

/// What a command does to the data, as Redis 7.0's command table says: a `readonly` command
/// (or one that touches no data, as `PING`) reads, a `write` command writes, and a write whose
/// key specs only delete (`DEL`, `HDEL`, `GETDEL`, the `FLUSH`es) removes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    Read,
    Write,
    Remove,
}

impl Spec {
    /// The name in upper case, as the documentation and `help` write it.
    pub fn display_name(&self) -> String {
        self.name.to_ascii_uppercase()
    }

    /// Whether `argc` arguments (the name included) fit the arity.
    pub fn arity_ok(&self, argc: usize) -> bool {
        arity_fits(self.arity, argc)
    }
}

/// Whether `argc` arguments (the name included) fit Redis's `arity`: `n` exactly, `-n` at least.
pub fn arity_fits(arity: i32, argc: usize) -> bool {
    let argc = argc as i64;
    let arity = i64::from(arity);
    if arity >= 0 {
        argc == arity
    } else {
        argc >= -arity
    }
}

/// A cursor over a command's arguments (the name excluded).
#[derive(Debug)]
pub struct Args<'a> {
    items: Argv<'a>,
    pos: usize,
    name: &'static str,
}

impl<'a> Args<'a> {
    fn new(items: Argv<'a>, name: &'static str) -> Self {
        Args {
            items,
            pos: 0,
            name,
        }
    }

    /// The next argument. The arity check has already run, so running out is the command's own
    /// arity error (as for HSET with an odd number of field/value arguments).
    pub fn next_arg(&mut self) -> Result<&'a [u8], CommandError> {
        let Some(item) = self.items.get(self.pos) else {
            return Err(CommandError::WrongArity(self.name));
        };
        self.pos += 1;
        Ok(item)
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
    pub fn rest(&mut self) -> Argv<'a> {
        let rest = self.items.from(self.pos);
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
    /// The server is at `maxmemory` (with `noeviction`): commands that add data are refused.
    pub out_of_memory: bool,
    /// The client's transaction state.
    pub session: &'a mut Session,
}

/// One command type: how it reads its arguments (borrowing them), and what it does. Each
/// command's module also has a `SPEC` with its name, arity, syntax and summary.
pub trait Command<'a>: Sized {
    /// Reads the arguments; errors here come before any look at the keyspace.
    fn parse(args: &mut Args<'a>) -> Result<Self, CommandError>;
    /// Runs against the keyspace and returns the reply.
    fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError>;
}

macro_rules! commands {
    ($($variant:ident => $module:ident),* $(,)?) => {
        /// The dispatch enum: every command the emulator implements.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Name {
            $($variant,)*
        }

        /// The specs of every implemented command, in alphabetical order.
        pub const COMMANDS: &[Spec] = &[$($module::SPEC,)*];

        const NAMES: &[Name] = &[$(Name::$variant,)*];

        fn dispatch(name: Name, args: &mut Args<'_>, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
            match name {
                $(Name::$variant => $module::$variant::parse(args)?.apply(ctx),)*
            }
        }
    };
}

commands! {
    Append => append,
    Bitcount => bitcount,
    Copy => copy,
    Dbsize => dbsize,
    Decr => decr,
    Decrby => decrby,
    Del => del,
    Discard => discard,
    Dump => dump,
    Echo => echo,
    Exec => exec,
    Exists => exists,
    Expire => expire,
    Expireat => expireat,
    Flushall => flushall,
    Flushdb => flushdb,
    Get => get,
    Getbit => getbit,
    Getdel => getdel,
    Getex => getex,
    Getrange => getrange,
    Getset => getset,
    Hdel => hdel,
    Hexists => hexists,
    Hget => hget,
    Hgetall => hgetall,
    Hincrby => hincrby,
    Hincrbyfloat => hincrbyfloat,
    Hkeys => hkeys,
    Hlen => hlen,
    Hmget => hmget,
    Hmset => hmset,
    Hrandfield => hrandfield,
    Hscan => hscan,
    Hset => hset,
    Hsetnx => hsetnx,
    Hstrlen => hstrlen,
    Hvals => hvals,
    Incr => incr,
    Incrby => incrby,
    Incrbyfloat => incrbyfloat,
    Keys => keys,
    Lcs => lcs,
    Llen => llen,
    Lpop => lpop,
    Lpush => lpush,
    Lrange => lrange,
    Mget => mget,
    Mset => mset,
    Msetnx => msetnx,
    Multi => multi,
    Object => object,
    Persist => persist,
    Pexpire => pexpire,
    Pexpireat => pexpireat,
    Ping => ping,
    Psetex => psetex,
    Pttl => pttl,
    Randomkey => randomkey,
    Rename => rename,
    Renamenx => renamenx,
    Restore => restore,
    Rpop => rpop,
    Rpush => rpush,
    Scan => scan,
    Set => set,
    Setbit => setbit,
    Setex => setex,
    Setnx => setnx,
    Setrange => setrange,
    Strlen => strlen,
    Substr => substr,
    Ttl => ttl,
    Type => type_,
    Unwatch => unwatch,
    Watch => watch,
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

/// The longest string the lab's Redis holds: 64 MiB. Redis's own limit is 512 MB
/// (`proto-max-bulk-len`), and a command past it gets Redis's error; a string between the two
/// gets `OOM`, as a Redis with `maxmemory` set would answer, because a browser tab that runs out
/// of memory ends the page.
pub const LAB_MAX_STRING: u64 = 64 << 20;

/// Redis's `checkStringLength`: a string of `size + append` bytes must fit `proto-max-bulk-len`
/// (and not overflow), then the lab's own limit.
pub(super) fn check_string_length(size: u64, append: u64) -> Result<(), CommandError> {
    match size.checked_add(append) {
        Some(total) if total <= crate::emulator::resp::PROTO_MAX_BULK_LEN as u64 => {
            if total > LAB_MAX_STRING {
                Err(CommandError::OutOfMemory)
            } else {
                Ok(())
            }
        }
        _ => Err(CommandError::StringTooLong),
    }
}

/// Redis's `getBitOffsetFromArgument` (without the `#` form): an integer from 0 to just under
/// 2^32 bits (512 MB), else `bit offset is not an integer or out of range`.
pub(super) fn parse_bit_offset(bytes: &[u8]) -> Result<u64, CommandError> {
    let offset = super::number::parse_i64(bytes).ok_or(CommandError::BitOffset)?;
    u64::try_from(offset)
        .ok()
        .filter(|o| (o >> 3) < crate::emulator::resp::PROTO_MAX_BULK_LEN as u64)
        .ok_or(CommandError::BitOffset)
}

/// FLUSHDB's and FLUSHALL's one optional argument, `ASYNC` or `SYNC`; anything else is a
/// syntax error.
pub(super) fn parse_flush_mode(args: &mut Args<'_>) -> Result<(), CommandError> {
    match args.rest().to_slices().as_slice() {
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

/// Where a name starts looking in [`TABLE`]: a hash of its length and its first, middle and
/// last bytes, each with bit 5 set (which makes a letter lower case, and no letter another).
const fn slot_of(name: &[u8]) -> usize {
    let n = name.len();
    if n == 0 {
        return 0;
    }
    let first = (name[0] | 0x20) as u32;
    let middle = (name[n / 2] | 0x20) as u32;
    let last = (name[n - 1] | 0x20) as u32;
    let h = first
        .wrapping_mul(0x9E37_79B1)
        .wrapping_add(middle.wrapping_mul(0x85EB_CA77))
        .wrapping_add(last.wrapping_mul(0xC2B2_AE3D))
        .wrapping_add((n as u32).wrapping_mul(0x27D4_EB2F));
    (h >> 24) as usize % TABLE_SIZE
}

const TABLE_SIZE: usize = 256;
/// An empty slot of [`TABLE`].
const EMPTY: u8 = u8::MAX;

/// Every implemented command's place in [`COMMANDS`], at its name's slot or the next free one
/// after it (open addressing; at most half full, so a search looks at a slot or two): finding a
/// command costs a hash of four bytes and a comparison of names.
const TABLE: [u8; TABLE_SIZE] = {
    assert!(
        COMMANDS.len() < TABLE_SIZE / 2,
        "the table stays at most half full"
    );
    let mut table = [EMPTY; TABLE_SIZE];
    let mut i = 0;
    while i < COMMANDS.len() {
        let mut at = slot_of(COMMANDS[i].name.as_bytes());
        while table[at] != EMPTY {
            at = (at + 1) % TABLE_SIZE;
        }
        table[at] = i as u8;
        i += 1;
    }
    table
};

/// What the command `argv` (name first) does to the data, if the emulator knows it.
pub fn access_of(argv: &[Vec<u8>]) -> Option<Access> {
    lookup(argv.first()?).map(|(_, spec)| spec.access)
}

/// Finds an implemented command by name, in any case.
pub fn lookup(name: &[u8]) -> Option<(Name, &'static Spec)> {
    let mut at = slot_of(name);
    loop {
        let i = usize::from(*TABLE.get(at)?);
        let spec = COMMANDS.get(i)?;
        if spec.name.as_bytes().eq_ignore_ascii_case(name) {
            return Some((NAMES[i], spec));
        }
        at = (at + 1) % TABLE_SIZE;
    }
}

/// Finds the spec of an implemented command by name, in any case.
pub fn spec(name: &str) -> Option<&'static Spec> {
    lookup(name.as_bytes()).map(|(_, spec)| spec)
}

/// Runs one command (name and arguments) and returns its reply. Never panics.
pub fn execute(argv: Argv<'_>, ctx: &mut Ctx<'_>) -> Reply {
    match run(argv, ctx) {
        Ok(reply) => reply,
        Err(error) => Reply::from(error),
    }
}

/// Runs one command for a client: inside a transaction, queues it (after the checks Redis makes
/// at once: a known command, its arity, memory), and refuses the transaction if a check fails.
pub fn execute_for_client(argv: Argv<'_>, ctx: &mut Ctx<'_>) -> Reply {
    ctx.session.begin_command();
    if argv.is_empty() {
        return execute(argv, ctx);
    }
    // The command is looked up and its arity checked once, for every path below.
    let mut found = checked(argv);
    if ctx.session.in_transaction() {
        if let Err(CommandError::NotSupported { name }) = &found {
            // Redis refuses its `no-multi` commands inside a transaction after their arity;
            // that they do not run here changes nothing then.
            if let Some(refusal) = refused_in_multi(name, argv.len()) {
                found = Err(refusal);
            }
        }
    }
    if let Err(CommandError::WrongArity("exec")) = found {
        // Redis answers any refused EXEC by discarding the transaction (and the watches).
        ctx.session.close();
        return CommandError::ExecAbortArity.into();
    }
    let outcome = if ctx.session.in_transaction() {
        let queued = found.and_then(|(command, spec)| queue(command, spec, argv, ctx));
        if queued.is_err() {
            ctx.session.refuse();
        }
        queued
    } else {
        found.and_then(|(command, spec)| apply(command, spec, argv, ctx))
    };
    outcome.unwrap_or_else(Reply::from)
}

/// Redis 7.0's commands flagged `no-multi` (none of them in the emulator), with their arities:
/// inside a transaction, a wrong arity is refused as always, else with `NotInMulti`.
const NO_MULTI: [(&str, i32); 4] = [("psync", -3), ("save", 1), ("shutdown", -1), ("sync", 1)];

fn refused_in_multi(name: &str, argc: usize) -> Option<CommandError> {
    let &(name, arity) = NO_MULTI.iter().find(|(n, _)| *n == name)?;
    Some(if arity_fits(arity, argc) {
        CommandError::NotInMulti
    } else {
        CommandError::WrongArity(name)
    })
}

/// A command sent inside a transaction: run at once (EXEC, DISCARD, MULTI, WATCH), or queued
/// (its name and arity already checked).
fn queue(
    command: Name,
    spec: &'static Spec,
    argv: Argv<'_>,
    ctx: &mut Ctx<'_>,
) -> Result<Reply, CommandError> {
    match command {
        Name::Exec | Name::Discard => {
            Ok(apply(command, spec, argv, ctx).unwrap_or_else(Reply::from))
        }
        // Queueing takes memory: at maxmemory Redis refuses every command but EXEC and DISCARD
        // (and QUIT and RESET, the server's), before it looks at what the command is.
        _ if ctx.out_of_memory => Err(CommandError::OutOfMemory),
        // Their own errors (a nested MULTI, WATCH inside MULTI) do not spoil the transaction.
        Name::Multi | Name::Watch => {
            Ok(apply(command, spec, argv, ctx).unwrap_or_else(Reply::from))
        }
        _ => {
            ctx.session.queue(argv.to_vecs());
            Ok(Reply::Status("QUEUED"))
        }
    }
}

fn run(argv: Argv<'_>, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
    if argv.is_empty() {
        return Ok(Reply::Array(Vec::new()));
    }
    let (command, spec) = checked(argv)?;
    apply(command, spec, argv, ctx)
}

/// Runs a command whose name and arity are checked.
fn apply(
    command: Name,
    spec: &'static Spec,
    argv: Argv<'_>,
    ctx: &mut Ctx<'_>,
) -> Result<Reply, CommandError> {
    // Redis checks memory after the arity and before the command reads its arguments.
    if ctx.out_of_memory && spec.denyoom {
        return Err(CommandError::OutOfMemory);
    }
    let mut args = Args::new(argv.from(1), spec.name);
    dispatch(command, &mut args, ctx)
}

/// The command named by `argv[0]`, if it is one and has a valid number of arguments.
fn checked(argv: Argv<'_>) -> Result<(Name, &'static Spec), CommandError> {
    let name = argv.get(0).unwrap_or_default();
    let Some((command, spec)) = lookup(name) else {
        let lower = name.to_ascii_lowercase();
        if let Some(known) = REDIS_7_0_COMMANDS.iter().find(|c| c.as_bytes() == lower) {
            return Err(CommandError::NotSupported {
                name: (*known).to_owned(),
            });
        }
        return Err(CommandError::UnknownCommand {
            name: name.to_vec(),
            args: argv.from(1).to_vecs(),
        });
    };
    if !spec.arity_ok(argv.len()) {
        return Err(CommandError::WrongArity(spec.name));
    }
    // A container command's subcommand and its arity are part of finding the command (so a
    // transaction refuses a wrong one when it is queued, as Redis does).
    if command == Name::Object {
        object::subcommand(argv.from(1))?;
    }
    Ok((command, spec))
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
    fn every_command_is_found_in_any_case_and_nothing_else_is() {
        for spec in COMMANDS {
            let mixed: String = spec
                .name
                .chars()
                .enumerate()
                .map(|(j, c)| {
                    if j % 2 == 0 {
                        c.to_ascii_uppercase()
                    } else {
                        c
                    }
                })
                .collect();
            for name in [spec.name.to_owned(), spec.name.to_uppercase(), mixed] {
                let (_, found) = lookup(name.as_bytes()).expect(spec.name);
                assert_eq!(found.name, spec.name, "{name}");
            }
            assert!(lookup(format!("{}x", spec.name).as_bytes()).is_none());
            assert!(lookup(format!("{}\0", spec.name).as_bytes()).is_none());
        }
        assert!(lookup(b"").is_none());
        assert!(lookup(b"hincrbyfloatxxxxx").is_none());
        assert!(lookup("hs\u{e9}t".as_bytes()).is_none());
    }

    #[test]
    fn the_table_is_sorted_for_help_listings() {
        let names: Vec<&str> = COMMANDS.iter().map(|s| s.name).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        assert_eq!(names, sorted);
    }
}
