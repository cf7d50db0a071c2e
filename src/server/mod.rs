//! `minired --port`: the lab's emulator as a Redis server on TCP, for real clients (redis-cli,
//! redis-benchmark, redis-py) and Redis's own test suite. Native only.
//!
//! | module | job |
//! |---|---|
//! | this one | [`Server`]: sixteen databases, each the lab's [`Emulator`], and the commands about the connection or the server (`HELLO`, `CLIENT`, `SELECT`, `QUIT`, `COMMAND`, `CONFIG`, `INFO` …); pure, tested without a socket |
//! | `introspection` | what the server says about itself and its commands: `COMMAND`, `CONFIG`, `INFO`, `MEMORY USAGE` |
//! | [`tcp`] | the transport: tokio's single-threaded runtime, one task per connection, RESP in and out ([`crate::emulator::resp`]) |
//!
//! Every data command goes to the same command table as the browser's console
//! ([`Emulator::run`]); nothing here implements a Redis command a second time.

mod introspection;
pub mod tcp;

use std::time::Instant;

use crate::emulator::cmd::{self, arity_fits};
use crate::emulator::resp::{shape_of, shape_of_argv, write_reply, Shape};
use crate::emulator::{Argv, Emulator, Reply, Session};

/// How many databases `SELECT` can choose from (the browser uses database 0 only).
pub const DATABASES: usize = 16;
/// The version the server says it is: the Redis it behaves like.
pub const REDIS_VERSION: &str = "7.0.15";

/// The commands this module answers itself (every other goes to the emulator).
const SERVER_NAMES: [&str; 14] = [
    "quit", "hello", "client", "select", "command", "config", "info", "flushall", "reset", "auth",
    "debug", "function", "memory", "copy",
];

/// The subcommands of Redis 7.0.15's container commands among the server's own, with their
/// arities (`COMMAND INFO` on the real server): a transaction checks them when it queues one.
#[rustfmt::skip]
const SUBCOMMANDS: &[(&str, &[(&str, i32)])] = &[
    ("client", &[("caching", 3), ("getname", 2), ("getredir", 2), ("help", 2), ("id", 2),
        ("info", 2), ("kill", -3), ("list", -2), ("no-evict", 3), ("pause", -3), ("reply", 3),
        ("setname", 3), ("tracking", -3), ("trackinginfo", 2), ("unblock", -3), ("unpause", 2)]),
    ("command", &[("count", 2), ("docs", -2), ("getkeys", -4), ("getkeysandflags", -4),
        ("help", 2), ("info", -2), ("list", -2)]),
    ("config", &[("get", -3), ("help", 2), ("resetstat", 2), ("rewrite", 2), ("set", -4)]),
    ("function", &[("delete", 3), ("dump", 2), ("flush", -2), ("help", 2), ("kill", 2),
        ("load", -3), ("list", -2), ("restore", -3), ("stats", 2)]),
    ("memory", &[("doctor", 2), ("help", 2), ("malloc-stats", 2), ("purge", 2), ("stats", 2),
        ("usage", -3)]),
];

/// Whether `name` is one of the commands this module answers itself.
fn server_name(name: &[u8]) -> bool {
    SERVER_NAMES
        .iter()
        .any(|n| name.eq_ignore_ascii_case(n.as_bytes()))
}

/// Redis's checks of the command `name` (of `arity`) it queues in a transaction: a container's
/// subcommand must exist, then the arity must fit (the subcommand's, as `config|get`).
fn queueing_error(name: &'static str, arity: i32, argv: &[Vec<u8>]) -> Option<Reply> {
    if let Some((_, subs)) = SUBCOMMANDS.iter().find(|(n, _)| *n == name) {
        if let Some(sub) = argv.get(1) {
            let sub_name = lower(sub);
            let Some((_, arity)) = subs.iter().find(|(s, _)| *s == sub_name) else {
                return Some(unknown_subcommand(sub, &name.to_ascii_uppercase()));
            };
            return (!arity_fits(*arity, argv.len())).then(|| {
                err(&format!(
                    "ERR wrong number of arguments for '{name}|{sub_name}' command"
                ))
            });
        }
    }
    (!arity_fits(arity, argv.len())).then(|| wrong_arity(name))
}

/// Redis 7.0's answer to DEBUG when `enable-debug-command` is off (its default).
const DEBUG_NOT_ALLOWED: &str = "ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.";

/// One connection's own state.
#[derive(Debug)]
pub struct Client {
    pub id: u64,
    pub name: Option<Vec<u8>>,
    pub db: usize,
    /// `HELLO 3` switched the connection to RESP3.
    pub resp3: bool,
    /// Its transaction: `MULTI`'s queue and the keys it `WATCH`es.
    pub session: Session,
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
    /// `CONFIG SET maxmemory`, in bytes (0: no limit).
    maxmemory: u64,
    /// An EXEC of the server's is running its queue: Redis checks memory for the EXEC, not for
    /// each command it runs.
    in_exec: bool,
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
            settings: introspection::SETTABLE
                .iter()
                .map(|(k, v)| (*k, (*v).to_owned()))
                .collect(),
            connected: 0,
            maxmemory: 0,
            in_exec: false,
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
            session: Session::new(),
        }
    }

    /// A connection went away.
    pub fn disconnect(&mut self, _client: &Client) {
        self.connected = self.connected.saturating_sub(1);
    }

    /// Runs `argv` for `client` and writes the reply to `out` in the client's protocol.
    pub fn execute(&mut self, client: &mut Client, argv: Argv<'_>, out: &mut Vec<u8>) -> After {
        let (reply, shape, after) = self.reply(client, argv);
        write_reply(out, &reply, client.resp3, shape);
        after
    }

    /// The reply to `argv`, how RESP3 lays it out, and what happens next.
    pub fn reply(&mut self, client: &mut Client, argv: Argv<'_>) -> (Reply, Shape, After) {
        let Some(first) = argv.get(0) else {
            return (Reply::Nil, Shape::Plain, After::Continue);
        };
        if self.maxmemory > 0 && !self.in_exec {
            // Redis checks its memory before each command while a limit is set.
            self.check_memory();
        }
        if client.session.in_transaction() {
            if let Some(answer) = self.in_transaction(client, argv) {
                return answer;
            }
        }
        // Most commands are the emulator's: found once in its table, they go there with their
        // arguments where the parser left them. Inside a transaction every command but QUIT and
        // RESET is (the server's own are not queued: the emulator refuses them, and EXEC then
        // aborts). FLUSHALL and COPY are in both: the server's own span its sixteen databases.
        let data = match cmd::lookup(first) {
            Some((name, _)) => !matches!(name, cmd::Name::Flushall | cmd::Name::Copy),
            None => !server_name(first),
        };
        if data
            || (client.session.in_transaction()
                && !first.eq_ignore_ascii_case(b"quit")
                && !first.eq_ignore_ascii_case(b"reset"))
        {
            let reply = self.dbs[client.db].run_argv_in(&mut client.session, argv);
            // The shape only matters to RESP3.
            let shape = if client.resp3 {
                shape_of_argv(argv)
            } else {
                Shape::Plain
            };
            return (reply, shape, After::Continue);
        }
        let argv = argv.to_vecs();
        let args = &argv[1..];
        let name = lower(&argv[0]);
        let plain = |reply: Reply| (reply, Shape::Plain, After::Continue);
        match name.as_str() {
            "quit" => (Reply::ok(), Shape::Plain, After::Close),
            "hello" => self.hello(client, args),
            "client" => plain(self.client(client, args)),
            "select" => plain(Self::select(client, args)),
            "command" => self.command(args),
            "config" => self.config(args),
            "info" => plain(self.info(args)),
            "flushall" => plain(self.flushall(&argv)),
            "reset" => {
                client.session = Session::new();
                client.db = 0;
                client.resp3 = false;
                client.name = None;
                plain(Reply::Status("RESET"))
            }
            "auth" => plain(err("ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?")),
            "debug" => plain(err(DEBUG_NOT_ALLOWED)),
            "function" => plain(Self::function(args)),
            "memory" => plain(self.memory(client, args)),
            "copy" => self.copy(client, &argv),
            _ => self.data_command(client, &argv),
        }
    }

    /// Inside a transaction, what the server does itself: it queues its own commands (after
    /// their arity, as Redis checks it when queueing), and runs an EXEC whose queue holds one of
    /// them (so that a queued SELECT or FLUSHALL acts as it would alone). `None` leaves the
    /// command to the client's database, which queues the rest.
    fn in_transaction(
        &mut self,
        client: &mut Client,
        argv: Argv<'_>,
    ) -> Option<(Reply, Shape, After)> {
        let first = argv.get(0)?;
        let plain = |reply: Reply| Some((reply, Shape::Plain, After::Continue));
        let own = |name: &[u8]| {
            server_name(name)
                && !name.eq_ignore_ascii_case(b"quit")
                && !name.eq_ignore_ascii_case(b"reset")
        };
        if first.eq_ignore_ascii_case(b"exec")
            && argv.len() == 1
            && client.session.queued().iter().any(|c| own(&c[0]))
        {
            return Some(self.exec(client));
        }
        if !own(first) {
            return None;
        }
        let name = lower(first);
        // AUTH, DEBUG and MEMORY are answered without being in the server's COMMAND table.
        let (spec_name, arity) = introspection::SERVER_COMMANDS
            .iter()
            .chain(cmd::COMMANDS)
            .map(|s| (s.name, s.arity))
            .chain([("auth", -2), ("debug", -2), ("memory", -2)])
            .find(|(n, _)| *n == name)?;
        let argv = argv.to_vecs();
        if let Some(error) = queueing_error(spec_name, arity, &argv) {
            client.session.refuse();
            return plain(error);
        }
        if name == "debug" {
            // Refused before it could be queued, as Redis refuses its protected commands.
            client.session.refuse();
            return plain(err(DEBUG_NOT_ALLOWED));
        }
        if self.dbs[client.db].is_out_of_memory() {
            client.session.refuse();
            return plain(Reply::from(crate::emulator::CommandError::OutOfMemory));
        }
        client.session.queue(argv);
        plain(Reply::Status("QUEUED"))
    }

    /// EXEC of a transaction that queued commands of the server's: each runs as it would alone,
    /// in order, with nothing from another client in between.
    fn exec(&mut self, client: &mut Client) -> (Reply, Shape, After) {
        let plain = |reply: Reply| (reply, Shape::Plain, After::Continue);
        let queue = match self.dbs[client.db].open_transaction_in(&mut client.session) {
            Err(reply) => return plain(reply),
            Ok(None) => return plain(Reply::NilArray),
            Ok(Some(queue)) => queue,
        };
        let mut buffer = crate::emulator::ArgBuffer::new();
        let mut replies = Vec::with_capacity(queue.len());
        // The EXEC passed the memory check (a queue that adds data is refused whole when over
        // the limit): what it runs is not checked again, even if a command in it lowers the limit.
        self.in_exec = true;
        for db in &mut self.dbs {
            db.set_out_of_memory(false);
        }
        for command in &queue {
            buffer.clear();
            for arg in command {
                buffer.push(arg);
            }
            replies.push(self.reply(client, buffer.argv()).0);
        }
        self.in_exec = false;
        if self.maxmemory > 0 {
            self.check_memory();
        }
        plain(Reply::Array(replies))
    }

    /// A command of the emulator's, on the client's database.
    fn data_command(&mut self, client: &mut Client, argv: &[Vec<u8>]) -> (Reply, Shape, After) {
        let reply = self.dbs[client.db].run_in(&mut client.session, argv);
        (reply, shape_of(argv), After::Continue)
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

    /// COPY: within the client's database the emulator's own (handed the command without its
    /// `DB` option); to another of the sixteen, this server's, in Redis's order (options, the
    /// same key, a missing source, an existing destination without REPLACE).
    fn copy(&mut self, client: &mut Client, argv: &[Vec<u8>]) -> (Reply, Shape, After) {
        let options: Vec<&[u8]> = argv.iter().skip(3).map(Vec::as_slice).collect();
        let (replace, target) = match argv.len() {
            3.. => match crate::emulator::cmd::copy::parse_options(&options) {
                Ok((replace, Some(db))) if db as usize != client.db => (replace, db as usize),
                Ok((replace, _)) => {
                    // Within the client's own database: the database's COPY, with what was parsed.
                    let mut same: Vec<Vec<u8>> = argv[..3].to_vec();
                    if replace {
                        same.push(b"REPLACE".to_vec());
                    }
                    return self.data_command(client, &same);
                }
                Err(e) => return (Reply::from(e), Shape::Plain, After::Continue),
            },
            _ => return self.data_command(client, argv),
        };
        let reply = match self.dbs[client.db].copy_out(&argv[1]) {
            Some(copied) => Reply::Integer(i64::from(
                self.dbs[target].copy_in(&argv[2], copied, replace),
            )),
            None => Reply::Integer(0),
        };
        (reply, Shape::Plain, After::Continue)
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
}

#[cfg(test)]
mod tests;
