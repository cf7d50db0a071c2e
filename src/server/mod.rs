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

/// The configuration `CONFIG GET` answers: the values this server really has.
fn config(port: u16) -> Vec<(&'static str, String)> {
    vec![
        ("appendonly", "no".to_owned()),
        ("bind", "127.0.0.1".to_owned()),
        ("databases", DATABASES.to_string()),
        ("maxmemory", "0".to_owned()),
        ("maxmemory-policy", "noeviction".to_owned()),
        ("port", port.to_string()),
        (
            "proto-max-bulk-len",
            crate::emulator::resp::PROTO_MAX_BULK_LEN.to_string(),
        ),
        ("save", String::new()),
    ]
}

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
                (Reply::Array(docs), Shape::Map, After::Continue)
            }
            _ => plain(unknown_subcommand(sub, "COMMAND")),
        }
    }

    fn config(&self, args: &[Vec<u8>]) -> (Reply, Shape, After) {
        let plain = |reply: Reply| (reply, Shape::Plain, After::Continue);
        let Some(sub) = args.first() else {
            return plain(wrong_arity("config"));
        };
        match lower(sub).as_str() {
            "get" if args.len() >= 2 => {
                let mut found = Vec::new();
                for (name, value) in config(self.port) {
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
            "set" if args.len() >= 3 => {
                let mut m =
                    b"ERR Unknown option or number of arguments for CONFIG SET - '".to_vec();
                m.extend(args[1].iter().take(128));
                m.push(b'\'');
                plain(Reply::Error(m))
            }
            "resetstat" if args.len() == 1 => plain(Reply::ok()),
            "get" | "set" | "resetstat" => plain(err(&format!(
                "ERR wrong number of arguments for 'config|{}' command",
                lower(sub)
            ))),
            _ => plain(unknown_subcommand(sub, "CONFIG")),
        }
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
