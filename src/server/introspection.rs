//! What the server says about itself, truthfully: `COMMAND` (the commands it has), `CONFIG
//! GET/SET` (the parameters it keeps), `INFO` (server, memory, clients, keyspace) and
//! `MEMORY USAGE` (this server's own bytes for a key).

use super::{
    err, lower, unknown_subcommand, wrong_arity, After, Client, Server, DATABASES, REDIS_VERSION,
};
use crate::emulator::cmd::{Access, Spec, COMMANDS};
use crate::emulator::glob::glob_match;
use crate::emulator::resp::Shape;
use crate::emulator::Reply;

/// Redis 7.0's configuration parameters this server keeps, with their defaults. `CONFIG SET`
/// stores a new value and `CONFIG GET` reads it back. Only `maxmemory` changes what commands
/// do here (past it, writes are refused: [`Server::check_memory`]); the others change nothing
/// (the emulator keeps nothing on disk and has no replicas; `OBJECT ENCODING` and `DUMP` use
/// Redis's default listpack limits whatever `hash-max-listpack-*` says; any `maxmemory-policy`
/// acts as `noeviction`).
pub(super) const SETTABLE: &[(&str, &str)] = &[
    ("appendonly", "no"),
    ("hash-max-listpack-entries", "512"),
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

/// What the server counts as its own memory before any key: about what a redis-server 7.0.15
/// reports at start (`used_memory:988752` in `INFO memory`, measured on loopback with no keys),
/// so that a `maxmemory` under it refuses writes at once, as there.
const BASE_MEMORY: u64 = 988_752;

/// A `CONFIG SET` memory value as Redis 7.0's `memtoull` reads it: digits with an optional unit
/// (`b`; `k`, `m`, `g` for powers of 1000; `kb`, `mb`, `gb` for powers of 1024; any case); an
/// empty value is 0.
fn memory_value(text: &[u8]) -> Option<u64> {
    let digits = text.iter().take_while(|b| b.is_ascii_digit()).count();
    let (number, unit) = text.split_at(digits);
    let unit = unit.to_ascii_lowercase();
    let scale: u64 = match unit.as_slice() {
        b"" | b"b" => 1,
        b"k" => 1_000,
        b"kb" => 1 << 10,
        b"m" => 1_000_000,
        b"mb" => 1 << 20,
        b"g" => 1_000_000_000,
        b"gb" => 1 << 30,
        _ => return None,
    };
    let number: u64 = if number.is_empty() {
        0
    } else {
        std::str::from_utf8(number).ok()?.parse().ok()?
    };
    number.checked_mul(scale)
}

/// Older names Redis 7.0 still accepts for the same parameters.
const ALIASES: &[(&str, &str)] = &[
    ("hash-max-ziplist-entries", "hash-max-listpack-entries"),
    ("hash-max-ziplist-value", "hash-max-listpack-value"),
    ("list-max-ziplist-size", "list-max-listpack-size"),
    ("zset-max-ziplist-entries", "zset-max-listpack-entries"),
    ("zset-max-ziplist-value", "zset-max-listpack-value"),
];

impl Server {
    /// `MEMORY USAGE key [SAMPLES count]`: the bytes this server's own structures hold for the
    /// key and its value (its layout, not Redis's; `INFO memory` says the allocator is libc,
    /// which tells Redis's test suite not to compare the figures with its own).
    pub(super) fn memory(&self, client: &Client, args: &[Vec<u8>]) -> Reply {
        let Some(sub) = args.first() else {
            return wrong_arity("memory");
        };
        match lower(sub).as_str() {
            "usage" if args.len() == 2 || (args.len() == 4 && lower(&args[2]) == "samples") => {
                match self.dbs[client.db].keyspace().peek(&args[1]) {
                    None => Reply::Nil,
                    Some(value) => Reply::Integer(footprint(&args[1], value) as i64),
                }
            }
            "usage" => err("ERR syntax error"),
            _ => unknown_subcommand(sub, "MEMORY"),
        }
    }

    /// `COMMAND`, `COMMAND COUNT`, `COMMAND INFO name…`, `COMMAND DOCS [name…]`, for the
    /// commands this server has: the emulator's table and the ones above.
    pub(super) fn command(&self, args: &[Vec<u8>]) -> (Reply, Shape, After) {
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

    pub(super) fn config(&mut self, args: &[Vec<u8>]) -> (Reply, Shape, After) {
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
                        .any(|p| glob_match(&p.to_ascii_lowercase(), name.as_bytes()))
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
            let value = if name == "maxmemory" {
                // Stored as Redis stores it: a number of bytes (`1mb` reads back as 1048576).
                let Some(bytes) = memory_value(&pair[1]) else {
                    return err(&format!("ERR CONFIG SET failed (possibly related to argument '{}') - argument must be a memory value", String::from_utf8_lossy(&pair[0])));
                };
                bytes.to_string()
            } else {
                String::from_utf8_lossy(&pair[1]).into_owned()
            };
            updates.push((slot, value));
        }
        for (slot, value) in updates {
            if self.settings[slot].0 == "maxmemory" {
                self.maxmemory = value.parse().unwrap_or(0);
                // Inside an EXEC the new limit counts from the next command after it.
                if !self.in_exec {
                    self.check_memory();
                }
            }
            self.settings[slot].1 = value;
        }
        Reply::ok()
    }

    /// A `CONFIG SET` parameter's value now.
    fn setting(&self, name: &str) -> &str {
        self.settings
            .iter()
            .find(|(k, _)| *k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// The memory the server counts as used: its own ([`BASE_MEMORY`]) and its keys' (what
    /// `MEMORY USAGE` says of each).
    pub(super) fn used_memory(&self) -> u64 {
        let keys: usize = self
            .dbs
            .iter()
            .flat_map(|db| db.keyspace().iter())
            .map(|(key, value)| footprint(key, value))
            .sum();
        BASE_MEMORY + keys as u64
    }

    /// With `maxmemory` set, whether the server is over it: then, as Redis with `noeviction`,
    /// every database refuses the commands that may add data (`OOM …`) until it is under again.
    pub(super) fn check_memory(&mut self) {
        let full = self.maxmemory > 0 && self.used_memory() > self.maxmemory;
        for db in &mut self.dbs {
            db.set_out_of_memory(full);
        }
    }

    /// `INFO [section …]`: the `server`, `clients` and `keyspace` sections, with real values.
    pub(super) fn info(&self, args: &[Vec<u8>]) -> Reply {
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
            sections.push(format!(
                "# Memory\r\nused_memory:{}\r\nmaxmemory:{}\r\nmaxmemory_policy:{}\r\nmem_allocator:libc\r\n",
                self.used_memory(),
                self.maxmemory,
                self.setting("maxmemory-policy"),
            ));
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
/// value's buffer, for a list its ring of buffers and every element's.
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
        crate::emulator::Value::List(l) => {
            l.capacity() * VEC + l.iter().map(Vec::capacity).sum::<usize>()
        }
    };
    VEC + key.len() + data
}

/// The commands this module answers, described as the emulator's table describes its own.
pub(super) const SERVER_COMMANDS: &[Spec] = &[
    Spec {
        name: "quit",
        arity: -1,
        syntax: "",
        summary: "Closes the connection.",
        group: "connection",
        denyoom: false,
        access: Access::Read,
    },
    Spec {
        name: "hello",
        arity: -1,
        syntax: "[protover [AUTH username password] [SETNAME clientname]]",
        summary: "Handshakes with the server: RESP2 or RESP3, and a name.",
        group: "connection",
        denyoom: false,
        access: Access::Read,
    },
    Spec {
        name: "client",
        arity: -2,
        syntax: "ID | GETNAME | SETNAME name",
        summary: "The connection's id and name.",
        group: "connection",
        denyoom: false,
        access: Access::Read,
    },
    Spec {
        name: "select",
        arity: 2,
        syntax: "index",
        summary: "Changes the selected database (0 to 15).",
        group: "connection",
        denyoom: false,
        access: Access::Read,
    },
    Spec {
        name: "reset",
        arity: 1,
        syntax: "",
        summary: "Resets the connection.",
        group: "connection",
        denyoom: false,
        access: Access::Read,
    },
    Spec {
        name: "command",
        arity: -1,
        syntax: "[COUNT | INFO [name …] | DOCS [name …]]",
        summary: "Describes the server's commands.",
        group: "server",
        denyoom: false,
        access: Access::Read,
    },
    Spec {
        name: "config",
        arity: -2,
        syntax: "GET parameter [parameter …]",
        summary: "Reads the server's configuration.",
        group: "server",
        denyoom: false,
        access: Access::Read,
    },
    Spec {
        name: "info",
        arity: -1,
        syntax: "[section …]",
        summary: "The server's information and statistics.",
        group: "server",
        denyoom: false,
        access: Access::Read,
    },
    Spec {
        name: "function",
        arity: -2,
        syntax: "FLUSH | LIST",
        summary: "Functions (there are none).",
        group: "scripting",
        denyoom: false,
        access: Access::Read,
    },
];

/// `COMMAND INFO`'s entry for `spec`: name, arity, flags, first and last key, step, ACL
/// categories, tips, key specs, subcommands.
fn command_info(spec: &Spec) -> Reply {
    let keyless = matches!(spec.group, "server" | "connection" | "scripting")
        || matches!(
            spec.name,
            "keys"
                | "flushdb"
                | "flushall"
                | "dbsize"
                | "ping"
                | "echo"
                | "multi"
                | "exec"
                | "discard"
                | "unwatch"
        );
    let (first, last) = match spec.name {
        _ if keyless => (0, 0),
        "del" | "exists" | "watch" => (1, -1),
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
            "transactions" => "@transaction",
            "server" => "@admin",
            _ => "@keyspace",
        })]),
        Reply::Array(Vec::new()),
        Reply::Array(Vec::new()),
        Reply::Array(Vec::new()),
    ])
}
