//! `minired --port`: the lab's emulator as a Redis server on TCP, for real clients (redis-cli,
//! redis-benchmark, redis-py) and Redis's own test suite. Native only.
//!
//! | module | job |
//! |---|---|
//! | this one | [`Server`]: sixteen databases, each the lab's [`Emulator`], and the commands about the connection or the server (`HELLO`, `CLIENT`, `SELECT`, `QUIT`, `COMMAND`, `CONFIG`, `INFO` …); pure, tested without a socket |
//! | [`tcp`] | the transport: tokio's single-threaded runtime, one task per connection, RESP in and out ([`crate::emulator::resp`]) |
//!
//! Every data command goes to the same command table as the browser's console
//! ([`Emulator::run`]); nothing here implements a Redis command a second time.

pub mod tcp;

use std::time::Instant;

use crate::emulator::cmd::{Spec, COMMANDS};
use crate::emulator::resp::{write_reply, Shape};
use crate::emulator::{Emulator, Reply};

/// How many databases `SELECT` can choose from (the browser uses database 0 only).
pub const DATABASES: usize = 16;
/// The version the server says it is: the Redis it behaves like.
pub const REDIS_VERSION: &str = "7.0.15";

/// One connection's own state.
#[derive(Debug)]
pub struct Client {
    pub id: u64,
    pub name: Option<Vec<u8>>,
    pub db: usize,
    /// `HELLO 3` switched the connection to RESP3.
    pub resp3: bool,
}

/// What the connection does after a command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum After {
    Continue,
    /// Close once the reply is written (`QUIT`).
    Close,
}

/// The server: its databases and what it knows of itself.
pub struct Server {
    dbs: Vec<Emulator>,
    next_id: u64,
    started: Instant,
    port: u16,
    /// `CONFIG SET`'s values, by parameter.
    settings: Vec<(&'static str, String)>,
    /// Connections open now.
    pub connected: usize,
}

fn lower(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).to_ascii_lowercase()
}

fn err(text: &str) -> Reply {
    Reply::Error(text.as_bytes().to_vec())
}

/// Redis's reply to a subcommand it does not know.
fn unknown_subcommand(sub: &[u8], command: &str) -> Reply {
    let mut m = b"ERR unknown subcommand '".to_vec();
    m.extend(sub.iter().take(128));
    m.extend_from_slice(format!("'. Try {command} HELP.").as_bytes());
    Reply::Error(m)
}

fn wrong_arity(name: &str) -> Reply {
    err(&format!(
        "ERR wrong number of arguments for '{name}' command"
    ))
}

/// Redis 7.0's configuration parameters this server keeps, with their defaults. `CONFIG SET`
/// stores a new value and `CONFIG GET` reads it back; none of them changes what a command
/// does here (the emulator has one encoding per type, keeps nothing on disk and has no
/// replicas), which is also true of a real Redis for the commands it has, except for what
/// `OBJECT ENCODING` would show.
const SETTABLE: &[(&str, &str)] = &[
    ("appendonly", "no"),
    ("hash-max-listpack-entries", "128"),
    ("hash-max-listpack-value", "64"),
    ("lazyfree-lazy-user-del", "no"),
    ("list-max-listpack-size", "-2"),
    ("maxmemory", "0"),
    ("maxmemory-policy", "noeviction"),
    ("repl-ping-replica-period", "10"),
    ("save", ""),
    ("set-max-intset-entries", "512"),
    ("zset-max-listpack-entries", "128"),
    ("zset-max-listpack-value", "64"),
];

/// Older names Redis 7.0 still accepts for the same parameters.
const ALIASES: &[(&str, &str)] = &[
    ("hash-max-ziplist-entries", "hash-max-listpack-entries"),
    ("hash-max-ziplist-value", "hash-max-listpack-value"),
    ("list-max-ziplist-size", "list-max-listpack-size"),
    ("zset-max-ziplist-entries", "zset-max-listpack-entries"),
    ("zset-max-ziplist-value", "zset-max-listpack-value"),
];

/// Redis's glob match, as `KEYS` uses it (for `CONFIG GET` patterns).
fn glob(pattern: &[u8], text: &[u8]) -> bool {
    crate::emulator::glob::glob_match(pattern, text)
}

impl Server {
    /// A server with sixteen empty databases; `port` is what `INFO` and `CONFIG GET` report.
    pub fn new(port: u16, seed: u64) -> Server {
        Server {
            dbs: (0..DATABASES as u64)
                .map(|i| Emulator::with_system_clock(seed.wrapping_add(i)))
                .collect(),
            next_id: 1,
            started: Instant::now(),
            port,
            settings: SETTABLE
                .iter()
                .map(|(k, v)| (*k, (*v).to_owned()))
                .collect(),
            connected: 0,
        }
    }

    /// A new connection.
    pub fn connect(&mut self) -> Client {
        let id = self.next_id;
        self.next_id += 1;
        self.connected += 1;
        Client {
            id,
            name: None,
            db: 0,
            resp3: false,
        }
    }

    /// A connection went away.
    pub fn disconnect(&mut self, _client: &Client) {
        self.connected = self.connected.saturating_sub(1);
    }

    /// Runs `argv` for `client` and writes the reply to `out` in the client's protocol.
    pub fn execute(&mut self, client: &mut Client, argv: &[Vec<u8>], out: &mut Vec<u8>) -> After {
        let (reply, shape, after) = self.reply(client, argv);
        write_reply(out, &reply, client.resp3, shape);
        after
    }

    /// The reply to `argv`, how RESP3 lays it out, and what happens next.
    pub fn reply(&mut self, client: &mut Client, argv: &[Vec<u8>]) -> (Reply, Shape, After) {
        let Some(name) = argv.first().map(|n| lower(n)) else {
            return (Reply::Nil, Shape::Plain, After::Continue);
        };
        let args = &argv[1..];
        let plain = |reply: Reply| (reply, Shape::Plain, After::Continue);
        match name.as_str() {
            "quit" => (Reply::ok(), Shape::Plain, After::Close),
            "hello" => self.hello(client, args),
            "client" => plain(self.client(client, args)),
            "select" => plain(Self::select(client, args)),
            "command" => self.command(args),
            "config" => self.config(args),
            "info" => plain(self.info(args)),
            "flushall" => plain(self.flushall(argv)),
            "reset" => {
                client.db = 0;
                client.resp3 = false;
                client.name = None;
                plain(Reply::Status("RESET"))
            }
            "auth" => plain(err("ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?")),
            "debug" => plain(err("ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.")),
            "function" => plain(Self::function(args)),
            "memory" => plain(self.memory(client, args)),
            _ => {
                let reply = self.dbs[client.db].run(argv);
                let shape = match name.as_str() {
                    "hgetall" => Shape::Map,
                    "hrandfield" if args.len() == 3 && lower(&args[2]) == "withvalues" => Shape::Pairs,
                    _ => Shape::Plain,
                };
                (reply, shape, After::Continue)
            }
        }
    }

    fn hello(&mut self, client: &mut Client, args: &[Vec<u8>]) -> (Reply, Shape, After) {
        let plain = |reply: Reply| (reply, Shape::Plain, After::Continue);
        let mut resp3 = client.resp3;
        if let Some(version) = args.first() {
            match crate::emulator::number::parse_i64(version) {
                Some(2) => resp3 = false,
                Some(3) => resp3 = true,
                Some(_) => return plain(err("NOPROTO unsupported protocol version")),
                None => {
                    return plain(err(
                        "ERR Protocol version is not an integer or out of range",
                    ))
                }
            }
        }
        let mut i = 1;
        let mut name = None;
        while i < args.len() {
            match lower(&args[i]).as_str() {
                "setname" if i + 1 < args.len() => {
                    name = Some(args[i + 1].clone());
                    i += 2;
                }
                "auth" if i + 2 < args.len() => {
                    return plain(err(
                        "WRONGPASS invalid username-password pair or user is disabled.",
                    ));
                }
                _ => {
                    let mut m = b"ERR Syntax error in HELLO option '".to_vec();
                    m.extend(args[i].iter().take(128));
                    m.push(b'\'');
                    return plain(Reply::Error(m));
                }
            }
        }
        if let Some(name) = name {
            if let Err(e) = Self::valid_name(&name) {
                return plain(e);
            }
            client.name = (!name.is_empty()).then_some(name);
        }
        client.resp3 = resp3;
        let fields = vec![
            Reply::bulk("server"),
            Reply::bulk("redis"),
            Reply::bulk("version"),
            Reply::bulk(REDIS_VERSION),
            Reply::bulk("proto"),
            Reply::Integer(if resp3 { 3 } else { 2 }),
            Reply::bulk("id"),
            Reply::Integer(client.id as i64),
            Reply::bulk("mode"),
            Reply::bulk("standalone"),
            Reply::bulk("role"),
            Reply::bulk("master"),
            Reply::bulk("modules"),
            Reply::Array(Vec::new()),
        ];
        (Reply::Array(fields), Shape::Map, After::Continue)
    }

    fn valid_name(name: &[u8]) -> Result<(), Reply> {
        if name.iter().any(|&b| !(b'!'..=b'~').contains(&b)) {
            return Err(err(
                "ERR Client names cannot contain spaces, newlines or special characters.",
            ));
        }
        Ok(())
    }

    fn client(&mut self, client: &mut Client, args: &[Vec<u8>]) -> Reply {
        let Some(sub) = args.first() else {
            return wrong_arity("client");
        };
        match (lower(sub).as_str(), args.len()) {
            ("id", 1) => Reply::Integer(client.id as i64),
            ("getname", 1) => client.name.clone().map_or(Reply::Nil, Reply::Bulk),
            ("setname", 2) => match Self::valid_name(&args[1]) {
                Ok(()) => {
                    client.name = (!args[1].is_empty()).then(|| args[1].clone());
                    Reply::ok()
                }
                Err(e) => e,
            },
            ("id" | "getname" | "setname", _) => err(&format!(
                "ERR wrong number of arguments for 'client|{}' command",
                lower(sub)
            )),
            _ => unknown_subcommand(sub, "CLIENT"),
        }
    }

    fn select(client: &mut Client, args: &[Vec<u8>]) -> Reply {
        if args.len() != 1 {
            return wrong_arity("select");
        }
        match crate::emulator::number::parse_i64(&args[0]) {
            None => err("ERR value is not an integer or out of range"),
            Some(n) if (0..DATABASES as i64).contains(&n) => {
                client.db = n as usize;
                Reply::ok()
            }
            Some(_) => err("ERR DB index is out of range"),
        }
    }

    fn flushall(&mut self, argv: &[Vec<u8>]) -> Reply {
        // Database 0 checks the arguments (ASYNC, SYNC) and answers; then the others follow.
        let reply = self.dbs[0].run(argv);
        if !reply.is_error() {
            for db in &mut self.dbs[1..] {
                db.run(argv);
            }
        }
        reply
    }

    /// `MEMORY USAGE key [SAMPLES count]`: the bytes this server's own structures hold for the
    /// key and its value (its layout, not Redis's; `INFO memory` says the allocator is libc,
    /// which tells Redis's test suite not to compare the figures with its own).
    fn memory(&self, client: &Client, args: &[Vec<u8>]) -> Reply {
        let Some(sub) = args.first() else {
            return wrong_arity("memory");
        };
        match lower(sub).as_str() {
            "usage" if args.len() == 2 || (args.len() == 4 && lower(&args[2]) == "samples") => {
                match self.dbs[client.db].keyspace().get(&args[1]) {
                    None => Reply::Nil,
                    Some(value) => Reply::Integer(footprint(&args[1], value) as i64),
                }
            }
            "usage" => err("ERR syntax error"),
            _ => unknown_subcommand(sub, "MEMORY"),
        }
    }

    fn function(args: &[Vec<u8>]) -> Reply {
        let Some(sub) = args.first() else {
            return wrong_arity("function");
        };
        match lower(sub).as_str() {
            // There are no functions: flushing them is done at once.
            "flush" if args.len() <= 2 => Reply::ok(),
            "list" => Reply::Array(Vec::new()),
            _ => unknown_subcommand(sub, "FUNCTION"),
        }
    }

    /// `COMMAND`, `COMMAND COUNT`, `COMMAND INFO name…`, `COMMAND DOCS [name…]`, for the
    /// commands this server has: the emulator's table and the ones above.
    fn command(&self, args: &[Vec<u8>]) -> (Reply, Shape, After) {
        let plain = |reply: Reply| (reply, Shape::Plain, After::Continue);
        let table: Vec<&Spec> = COMMANDS.iter().chain(SERVER_COMMANDS.iter()).collect();
        let find = |name: &[u8]| {
            let name = lower(name);
            table.iter().find(|s| s.name == name).copied()
        };
        let Some(sub) = args.first() else {
            return plain(Reply::Array(
                table.iter().map(|s| command_info(s)).collect(),
            ));
        };
        match lower(sub).as_str() {
            "count" if args.len() == 1 => plain(Reply::Integer(table.len() as i64)),
            "info" => {
                let specs: Vec<Reply> = if args.len() == 1 {
                    table.iter().map(|s| command_info(s)).collect()
                } else {
                    args[1..]
                        .iter()
                        .map(|n| find(n).map_or(Reply::Nil, command_info))
                        .collect()
                };
                plain(Reply::Array(specs))
            }
            "docs" => {
                let chosen: Vec<&Spec> = if args.len() == 1 {
                    table.clone()
                } else {
                    args[1..].iter().filter_map(|n| find(n)).collect()
                };
                let mut docs = Vec::new();
                for spec in chosen {
                    docs.push(Reply::bulk(spec.name));
                    docs.push(Reply::Array(vec![
                        Reply::bulk("summary"),
                        Reply::bulk(spec.summary),
                        Reply::bulk("group"),
                        Reply::bulk(spec.group),
                    ]));
                }
                (Reply::Array(docs), Shape::MapOfMaps, After::Continue)
            }
            _ => plain(unknown_subcommand(sub, "COMMAND")),
        }
    }

    fn config(&mut self, args: &[Vec<u8>]) -> (Reply, Shape, After) {
        let plain = |reply: Reply| (reply, Shape::Plain, After::Continue);
        let Some(sub) = args.first() else {
            return plain(wrong_arity("config"));
        };
        match lower(sub).as_str() {
            "get" if args.len() >= 2 => {
                let mut found = Vec::new();
                for (name, value) in self.config_values() {
                    if args[1..]
                        .iter()
                        .any(|p| glob(&p.to_ascii_lowercase(), name.as_bytes()))
                    {
                        found.push(Reply::bulk(name));
                        found.push(Reply::bulk(value));
                    }
                }
                (Reply::Array(found), Shape::Map, After::Continue)
            }
            "set" if args.len() >= 3 && args.len() % 2 == 1 => plain(self.config_set(&args[1..])),
            "resetstat" if args.len() == 1 => plain(Reply::ok()),
            "get" | "set" | "resetstat" => plain(err(&format!(
                "ERR wrong number of arguments for 'config|{}' command",
                lower(sub)
            ))),
            _ => plain(unknown_subcommand(sub, "CONFIG")),
        }
    }

    /// Every parameter `CONFIG GET` knows, with its value now.
    fn config_values(&self) -> Vec<(&'static str, String)> {
        let mut all: Vec<(&'static str, String)> = vec![
            ("bind", "127.0.0.1".to_owned()),
            ("databases", DATABASES.to_string()),
            ("port", self.port.to_string()),
            (
                "proto-max-bulk-len",
                crate::emulator::resp::PROTO_MAX_BULK_LEN.to_string(),
            ),
        ];
        all.extend(self.settings.iter().cloned());
        for (old, new) in ALIASES {
            if let Some((_, v)) = self.settings.iter().find(|(k, _)| k == new) {
                all.push((old, v.clone()));
            }
        }
        all.sort_by_key(|(k, _)| *k);
        all
    }

    /// `CONFIG SET name value [name value …]`: all or nothing, as Redis 7.0 does it.
    fn config_set(&mut self, pairs: &[Vec<u8>]) -> Reply {
        let mut updates = Vec::new();
        for pair in pairs.chunks(2) {
            let name = lower(&pair[0]);
            let name = ALIASES
                .iter()
                .find(|(old, _)| *old == name)
                .map_or(name.as_str(), |(_, new)| new)
                .to_owned();
            let Some(slot) = self.settings.iter().position(|(k, _)| *k == name) else {
                let mut m =
                    b"ERR Unknown option or number of arguments for CONFIG SET - '".to_vec();
                m.extend(pair[0].iter().take(128));
                m.push(b'\'');
                return Reply::Error(m);
            };
            updates.push((slot, String::from_utf8_lossy(&pair[1]).into_owned()));
        }
        for (slot, value) in updates {
            self.settings[slot].1 = value;
        }
        Reply::ok()
    }

    /// `INFO [section …]`: the `server`, `clients` and `keyspace` sections, with real values.
    fn info(&self, args: &[Vec<u8>]) -> Reply {
        let wanted = |section: &str| {
            args.is_empty()
                || args.iter().any(|a| {
                    let a = lower(a);
                    a == section || a == "all" || a == "everything" || a == "default"
                })
        };
        // Each section ends its lines with CRLF; sections are separated by an empty line.
        let mut sections: Vec<String> = Vec::new();
        if wanted("server") {
            sections.push(format!(
                "# Server\r\nredis_version:{REDIS_VERSION}\r\nredis_mode:standalone\r\nos:{}\r\narch_bits:{}\r\nprocess_id:{}\r\ntcp_port:{}\r\nuptime_in_seconds:{}\r\nexecutable:minired\r\n",
                std::env::consts::OS,
                usize::BITS,
                std::process::id(),
                self.port,
                self.started.elapsed().as_secs(),
            ));
        }
        if wanted("memory") {
            // Rust's global allocator here is the C library's malloc.
            sections.push("# Memory\r\nmem_allocator:libc\r\n".to_owned());
        }
        if wanted("clients") {
            sections.push(format!(
                "# Clients\r\nconnected_clients:{}\r\n",
                self.connected
            ));
        }
        if wanted("keyspace") {
            let mut text = "# Keyspace\r\n".to_owned();
            for (i, db) in self.dbs.iter().enumerate() {
                let keys = db.keyspace().len();
                if keys > 0 {
                    text.push_str(&format!(
                        "db{i}:keys={keys},expires={},avg_ttl=0\r\n",
                        db.keyspace().expires()
                    ));
                }
            }
            sections.push(text);
        }
        Reply::Bulk(sections.join("\r\n").into_bytes())
    }
}

/// The heap bytes of a key and its value as this server lays them out: the key's buffer, and for
/// a hash its table (field, value and hash per slot, plus the index) and every field's and
/// value's buffer.
fn footprint(key: &[u8], value: &crate::emulator::Value) -> usize {
    const VEC: usize = std::mem::size_of::<Vec<u8>>();
    let data = match value {
        crate::emulator::Value::Str(s) => VEC + s.capacity(),
        crate::emulator::Value::Hash(h) => {
            let slots = h.capacity();
            let buckets = (slots * 8 / 7).next_power_of_two().max(4);
            let table = slots * (2 * VEC + std::mem::size_of::<u64>())
                + buckets * (std::mem::size_of::<usize>() + 1);
            table
                + h.iter()
                    .map(|(f, v)| f.capacity() + v.capacity())
                    .sum::<usize>()
        }
    };
    VEC + key.len() + data
}

/// The commands this module answers, described as the emulator's table describes its own.
const SERVER_COMMANDS: &[Spec] = &[
    Spec {
        name: "quit",
        arity: -1,
        syntax: "",
        summary: "Closes the connection.",
        group: "connection",
        denyoom: false,
    },
    Spec {
        name: "hello",
        arity: -1,
        syntax: "[protover [AUTH username password] [SETNAME clientname]]",
        summary: "Handshakes with the server: RESP2 or RESP3, and a name.",
        group: "connection",
        denyoom: false,
    },
    Spec {
        name: "client",
        arity: -2,
        syntax: "ID | GETNAME | SETNAME name",
        summary: "The connection's id and name.",
        group: "connection",
        denyoom: false,
    },
    Spec {
        name: "select",
        arity: 2,
        syntax: "index",
        summary: "Changes the selected database (0 to 15).",
        group: "connection",
        denyoom: false,
    },
    Spec {
        name: "reset",
        arity: 1,
        syntax: "",
        summary: "Resets the connection.",
        group: "connection",
        denyoom: false,
    },
    Spec {
        name: "command",
        arity: -1,
        syntax: "[COUNT | INFO [name …] | DOCS [name …]]",
        summary: "Describes the server's commands.",
        group: "server",
        denyoom: false,
    },
    Spec {
        name: "config",
        arity: -2,
        syntax: "GET parameter [parameter …]",
        summary: "Reads the server's configuration.",
        group: "server",
        denyoom: false,
    },
    Spec {
        name: "info",
        arity: -1,
        syntax: "[section …]",
        summary: "The server's information and statistics.",
        group: "server",
        denyoom: false,
    },
    Spec {
        name: "function",
        arity: -2,
        syntax: "FLUSH | LIST",
        summary: "Functions (there are none).",
        group: "scripting",
        denyoom: false,
    },
];

/// `COMMAND INFO`'s entry for `spec`: name, arity, flags, first and last key, step, ACL
/// categories, tips, key specs, subcommands.
fn command_info(spec: &Spec) -> Reply {
    let keyless = matches!(spec.group, "server" | "connection" | "scripting")
        || matches!(
            spec.name,
            "keys" | "flushdb" | "flushall" | "dbsize" | "ping" | "echo"
        );
    let (first, last) = match spec.name {
        _ if keyless => (0, 0),
        "del" | "exists" => (1, -1),
        "rename" => (1, 2),
        _ => (1, 1),
    };
    let mut flags = Vec::new();
    if spec.denyoom {
        flags.push(Reply::Status("write"));
        flags.push(Reply::Status("denyoom"));
    }
    Reply::Array(vec![
        Reply::bulk(spec.name),
        Reply::Integer(i64::from(spec.arity)),
        Reply::Array(flags),
        Reply::Integer(first),
        Reply::Integer(last),
        Reply::Integer(i64::from(first != 0)),
        Reply::Array(vec![Reply::Status(match spec.group {
            "hash" => "@hash",
            "string" => "@string",
            "connection" => "@connection",
            "scripting" => "@scripting",
            "server" => "@admin",
            _ => "@keyspace",
        })]),
        Reply::Array(Vec::new()),
        Reply::Array(Vec::new()),
        Reply::Array(Vec::new()),
    ])
}

#[cfg(test)]
mod tests;
