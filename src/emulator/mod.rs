//! The embedded mini Redis that plays `redis_client` in the lesson: pure Rust, no web crates,
//! behaving like Redis 7.0.15 seen through `redis-cli --no-raw` (the rules are in
//! `../shared/redis-cli-contract.md`; a real `redis-server` is the final word, and
//! `tests/differential.rs` compares the two byte for byte).
//!
//! | module | job |
//! |---|---|
//! | [`split`] | redis-cli's argument splitting (`sdssplitargs`) and its inverse, quoting |
//! | [`cmd`] | one file per command, the dispatch enum, and each command's syntax and summary |
//! | [`keyspace`] | keys holding strings or hashes (fields in insertion order), with expiry |
//! | [`reply`] | replies as data (RESP2) and redis-cli's printing of them |
//! | [`error`] | the typed error replies, worded as Redis words them |
//! | [`session`] | a client's transaction state: `MULTI`'s queue, the `WATCH`ed keys |
//! | [`cli`] | the redis-cli layer: repeat counts, `quit`, `help`, `clear` |
//! | [`number`], [`long_double`], [`glob`], [`rng`] | Redis's number parsing, HINCRBYFLOAT's 80-bit arithmetic, KEYS/MATCH globs, seedable randomness |
//!
//! All arguments and values are bytes, not UTF-8 strings.

pub mod cli;
pub mod cmd;
pub mod error;
pub mod glob;
pub mod keyspace;
mod liblzf;
pub mod long_double;
pub mod number;
pub mod rdb;
pub mod reply;
pub mod resp;
pub mod rng;
pub mod session;
pub mod split;

pub use error::CommandError;
pub use keyspace::{Keyspace, StrForm, Value};
pub use reply::Reply;
pub use session::Session;
pub use split::{quote_arg, split_args, ArgBuffer, Argv, InvalidArguments};

/// What a command runs against at `now_ms`, once the keys whose time had come by then are gone
/// (Redis takes one time per command).
fn context<'a>(
    keyspace: &'a mut Keyspace,
    rng: &'a mut rng::Rng,
    out_of_memory: bool,
    session: &'a mut Session,
    now_ms: i64,
) -> cmd::Ctx<'a> {
    keyspace.begin_command(now_ms);
    cmd::Ctx {
        keyspace,
        rng,
        out_of_memory,
        session,
    }
}

/// The source of the current time, in milliseconds since the Unix epoch (for SET's expiry).
/// The browser passes `Date.now`; native code uses the system clock; tests use a fixed one.
pub type Clock = Box<dyn FnMut() -> i64>;

/// What [`Emulator::execute_command`] gave, printed exactly as redis-cli prints it
/// (`Invalid argument(s)` for a line it cannot split; nothing for an empty line).
pub fn printed(outcome: &Result<Reply, LineError>) -> String {
    match outcome {
        Ok(reply) => reply.to_cli_string(),
        Err(LineError::InvalidArguments) => "Invalid argument(s)\n".to_owned(),
        Err(LineError::Empty) => String::new(),
    }
}

/// The emulated server: one database, a clock, and a seedable random generator.
pub struct Emulator {
    keyspace: Keyspace,
    /// The arguments of the command being run, in a buffer reused from command to command.
    args: split::ArgBuffer,
    rng: rng::Rng,
    clock: Clock,
    out_of_memory: bool,
    /// The transaction state of the calls that name no client ([`Emulator::run`],
    /// [`Emulator::execute_command`]): the emulator's own one client. (Boxed: most emulators
    /// never open a transaction, and the emulator is moved around.)
    session: Box<Session>,
}

impl std::fmt::Debug for Emulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Emulator")
            .field("keyspace", &self.keyspace)
            .finish_non_exhaustive()
    }
}

/// A line that is not a command: nothing was sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineError {
    /// Unbalanced or glued quotes; redis-cli prints `Invalid argument(s)`.
    InvalidArguments,
    /// Nothing but blanks.
    Empty,
}

impl std::fmt::Display for LineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            LineError::InvalidArguments => "Invalid argument(s)",
            LineError::Empty => "Empty command",
        })
    }
}

impl std::error::Error for LineError {}

impl Emulator {
    /// An empty server reading time from `clock`, with random choices seeded by `seed`.
    pub fn new(clock: Clock, seed: u64) -> Self {
        Emulator {
            keyspace: Keyspace::new(),
            args: split::ArgBuffer::new(),
            rng: rng::Rng::seeded(seed),
            clock,
            out_of_memory: false,
            session: Box::default(),
        }
    }

    /// An empty server on the system clock (not available in the browser, where the app
    /// passes `Date.now` to [`Emulator::new`]).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn with_system_clock(seed: u64) -> Self {
        Emulator::new(Box::new(system_now_ms), seed)
    }

    /// Runs one command given as arguments (name first) and returns its reply.
    pub fn run(&mut self, argv: &[Vec<u8>]) -> Reply {
        let now = (self.clock)();
        self.run_at(argv, now)
    }

    /// Runs one command at time `now_ms` instead of the clock's: a replica runs the server's
    /// commands at the times the server ran them, and so reaches the same deadlines.
    pub fn run_at(&mut self, argv: &[Vec<u8>], now_ms: i64) -> Reply {
        self.args.clear();
        for arg in argv {
            self.args.push(arg);
        }
        self.run_buffered_at(now_ms)
    }

    /// Runs one command for the client whose transaction state is `session` (a server with
    /// several clients keeps one [`Session`] per connection: `MULTI`, `WATCH` and `EXEC` are
    /// per client).
    pub fn run_in(&mut self, session: &mut Session, argv: &[Vec<u8>]) -> Reply {
        let now = (self.clock)();
        self.run_in_at(session, argv, now)
    }

    /// [`Emulator::run_in`] for arguments already in an [`ArgBuffer`] (a server's parser reads
    /// them there): nothing is copied.
    pub fn run_argv_in(&mut self, session: &mut Session, argv: Argv<'_>) -> Reply {
        let now = (self.clock)();
        let mut ctx = context(
            &mut self.keyspace,
            &mut self.rng,
            self.out_of_memory,
            session,
            now,
        );
        cmd::execute_for_client(argv, &mut ctx)
    }

    /// EXEC's checks and the end of the transaction, for a server that runs the queued commands
    /// itself ([`cmd::open_transaction`]): the commands, `None` if a watched key changed, or
    /// EXEC's error.
    #[allow(clippy::type_complexity)]
    pub fn open_transaction_in(
        &mut self,
        session: &mut Session,
    ) -> Result<Option<Vec<Vec<Vec<u8>>>>, Reply> {
        let now = (self.clock)();
        session.begin_command();
        let mut ctx = context(
            &mut self.keyspace,
            &mut self.rng,
            self.out_of_memory,
            session,
            now,
        );
        cmd::open_transaction(&mut ctx).map_err(Reply::from)
    }

    /// [`Emulator::run_in`] at time `now_ms` instead of the clock's.
    pub fn run_in_at(&mut self, session: &mut Session, argv: &[Vec<u8>], now_ms: i64) -> Reply {
        self.args.clear();
        for arg in argv {
            self.args.push(arg);
        }
        let (keyspace, rng) = (&mut self.keyspace, &mut self.rng);
        let mut ctx = context(keyspace, rng, self.out_of_memory, session, now_ms);
        cmd::execute_for_client(self.args.argv(), &mut ctx)
    }

    /// Removes the keys whose time has come by `now_ms`, as the next command would.
    pub fn expire_due(&mut self, now_ms: i64) {
        self.keyspace.begin_command(now_ms);
    }

    /// Runs the command held in `self.args`.
    fn run_buffered(&mut self) -> Reply {
        let now = (self.clock)();
        self.run_buffered_at(now)
    }

    fn run_buffered_at(&mut self, now: i64) -> Reply {
        let (keyspace, rng, session) = (&mut self.keyspace, &mut self.rng, &mut self.session);
        let mut ctx = context(keyspace, rng, self.out_of_memory, session, now);
        cmd::execute_for_client(self.args.argv(), &mut ctx)
    }

    /// The lesson's `redis_client.execute_command(redis_command)`: splits the line as
    /// redis-cli does and runs it. The reply is data; `reply.to_cli_string()` prints it.
    ///
    /// ```
    /// use write_through_lab::emulator::{Emulator, Reply};
    /// let mut redis = Emulator::new(Box::new(|| 0), 1);
    /// redis.execute_command("HMSET product_prices product1 100").unwrap();
    /// let reply = redis.execute_command("HSET product_prices product1 150").unwrap();
    /// assert_eq!(reply, Reply::Integer(0));
    /// assert_eq!(reply.to_cli_string(), "(integer) 0\n");
    /// ```
    pub fn execute_command(&mut self, line: impl AsRef<[u8]>) -> Result<Reply, LineError> {
        split::split_into(line.as_ref(), &mut self.args)
            .map_err(|InvalidArguments| LineError::InvalidArguments)?;
        if self.args.argv().is_empty() {
            return Err(LineError::Empty);
        }
        Ok(self.run_buffered())
    }

    /// [`Emulator::execute_command`], printed exactly as redis-cli prints the outcome
    /// (`Invalid argument(s)` included; an empty line prints nothing).
    pub fn execute_command_printed(&mut self, line: impl AsRef<[u8]>) -> String {
        printed(&self.execute_command(line))
    }

    /// Puts the server at `maxmemory` with the `noeviction` policy (or back): commands that add
    /// data (HSET, SET, HINCRBY, ...) then fail with Redis's `OOM` error, while reads and
    /// deletes (HGET, HDEL, DEL) still work. This is how the lab makes "the cache write fails".
    pub fn set_out_of_memory(&mut self, full: bool) {
        self.out_of_memory = full;
    }

    /// Whether the server refuses writes for lack of memory.
    pub fn is_out_of_memory(&self) -> bool {
        self.out_of_memory
    }

    /// The keys and values, for the visualization.
    pub fn keyspace(&self) -> &Keyspace {
        &self.keyspace
    }

    /// COPY's first half when the copy goes to another database (`minired` has sixteen): the
    /// value at `key` and its expiry, as a command run now would see them.
    pub fn copy_out(&mut self, key: &[u8]) -> Option<(Value, Option<i64>, StrForm)> {
        self.keyspace.begin_command((self.clock)());
        let value = self.keyspace.get(key)?.clone();
        let form = self.keyspace.form_and_idle(key).unwrap_or_default().0;
        Some((value, self.keyspace.expires_at(key), form.copied()))
    }

    /// COPY's second half: puts `value` with its expiry at `key`, unless the key exists and
    /// `replace` is false; whether it did.
    pub fn copy_in(
        &mut self,
        key: &[u8],
        (value, expires_at, form): (Value, Option<i64>, StrForm),
        replace: bool,
    ) -> bool {
        self.keyspace.begin_command((self.clock)());
        if self.keyspace.contains(key) && !replace {
            return false;
        }
        self.keyspace.set_as(key, value, false, form);
        if let Some(at) = expires_at {
            self.keyspace.set_expiry(key, at);
        }
        true
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn system_now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}
