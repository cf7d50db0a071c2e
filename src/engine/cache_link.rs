//! The lab's way to its cache: a Redis of its own (on the host, and for copies of the stores),
//! or the Redis every tab shares ([`crate::hub`]), reached by messages. Either way the lab
//! reads a keyspace synchronously (its own, or its replica of the shared one) and writes with
//! an `await`.

use std::cell::{Ref, RefCell};
use std::rc::Rc;

use crate::emulator::cli::{plan_line, sent, LineOutput, Planned};
use crate::emulator::{split_args, Emulator, LineError, Reply};
use crate::hub::shared::{Connected, OtherWrite, SharedCache};

/// Where the lab's cache is.
pub enum CacheLink {
    /// A Redis of the lab's own: nobody else writes it.
    Own(RefCell<Emulator>),
    /// The Redis every tab shares, through this tab's connection.
    Shared(Rc<SharedCache>),
}

impl std::fmt::Debug for CacheLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CacheLink::Own(_) => f.write_str("CacheLink::Own"),
            CacheLink::Shared(s) => f.debug_tuple("CacheLink::Shared").field(s).finish(),
        }
    }
}

/// The reply a tab gets for a command in flight when the shared server went away (its worker
/// ended, or the tab that ran it closed): the tab connects to the next server on its own.
fn gone() -> Reply {
    Reply::Error(
        b"ERR connection lost: the shared Redis restarted; send the command again".to_vec(),
    )
}

impl CacheLink {
    /// The keyspace as this tab knows it: its own, or the replica of the shared one.
    pub fn read(&self) -> Ref<'_, Emulator> {
        match self {
            CacheLink::Own(redis) => redis.borrow(),
            CacheLink::Shared(shared) => shared.replica(),
        }
    }

    /// How the shared server greeted this tab (`None` for a Redis of the lab's own).
    pub fn connected(&self) -> Option<Connected> {
        match self {
            CacheLink::Own(_) => None,
            CacheLink::Shared(shared) => shared.connected(),
        }
    }

    /// Runs `argv` `repeat` times in a row; `refuse_writes` answers writes with `OOM` (the
    /// "cache write fails" fault).
    pub async fn run(&self, argv: Vec<Vec<u8>>, repeat: u32, refuse_writes: bool) -> Vec<Reply> {
        self.run_ordered(argv, repeat, refuse_writes).await.0
    }

    /// [`CacheLink::run`], and the other tabs' writes the server ran before it (not yet taken).
    pub async fn run_ordered(
        &self,
        argv: Vec<Vec<u8>>,
        repeat: u32,
        refuse_writes: bool,
    ) -> (Vec<Reply>, Vec<OtherWrite>) {
        match self {
            CacheLink::Own(redis) => {
                let mut redis = redis.borrow_mut();
                redis.set_out_of_memory(refuse_writes);
                let replies = (0..repeat.max(1)).map(|_| redis.run(&argv)).collect();
                redis.set_out_of_memory(false);
                (replies, Vec::new())
            }
            CacheLink::Shared(shared) => match shared.run(argv, repeat.max(1), refuse_writes).await
            {
                Ok(answer) => (answer.replies, shared.take_other_writes_before(answer.seq)),
                Err(_) => (vec![gone()], Vec::new()),
            },
        }
    }

    /// Runs one command given as arguments.
    pub async fn run_one(&self, argv: Vec<Vec<u8>>, refuse_writes: bool) -> Reply {
        self.run(argv, 1, refuse_writes)
            .await
            .pop()
            .unwrap_or(Reply::Nil)
    }

    /// `execute_command(line)`: splits the line as redis-cli does and runs it.
    pub async fn execute_command(
        &self,
        line: &str,
        refuse_writes: bool,
    ) -> Result<Reply, LineError> {
        Ok(self.execute_command_ordered(line, refuse_writes).await?.0)
    }

    /// [`CacheLink::execute_command`], and the other tabs' writes the server ran before it.
    pub async fn execute_command_ordered(
        &self,
        line: &str,
        refuse_writes: bool,
    ) -> Result<(Reply, Vec<OtherWrite>), LineError> {
        let argv = split_args(line.as_bytes()).map_err(|_| LineError::InvalidArguments)?;
        if argv.is_empty() {
            return Err(LineError::Empty);
        }
        let (mut replies, before) = self.run_ordered(argv, 1, refuse_writes).await;
        Ok((replies.pop().unwrap_or(Reply::Nil), before))
    }

    /// A console line, as redis-cli runs it (repeat counts up to `max_repeat`).
    pub async fn console_line(
        &self,
        line: &str,
        max_repeat: u64,
        refuse_writes: bool,
    ) -> LineOutput {
        match plan_line(line.as_bytes(), Some(max_repeat)) {
            Planned::Answered(out) => out,
            Planned::Send { argv, repeat } => {
                let repeat = u32::try_from(repeat).unwrap_or(u32::MAX);
                sent(self.run(argv, repeat, refuse_writes).await)
            }
        }
    }

    /// Other tabs' writes received since the last call (none for a Redis of the lab's own).
    pub fn take_other_writes(&self) -> Vec<OtherWrite> {
        match self {
            CacheLink::Own(_) => Vec::new(),
            CacheLink::Shared(shared) => shared.take_other_writes(),
        }
    }
}
