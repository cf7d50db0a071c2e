//! A client's connection state for transactions: the commands queued since `MULTI`, whether one
//! of them was refused (the transaction will abort), and the keys it `WATCH`es with the stamp
//! each had then. Redis keeps this per connection; so does every caller of the emulator that
//! serves several clients (the checker's clients, the hub's tabs, `minired`'s connections), and
//! [`crate::emulator::Emulator`] keeps one of its own for its single-client calls.

/// One client's transaction state.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Session {
    /// The commands queued since `MULTI` (`None`: not in a transaction).
    queue: Option<Vec<Vec<Vec<u8>>>>,
    /// A command was refused while queueing (Redis's `CLIENT_DIRTY_EXEC`): `EXEC` aborts.
    refused: bool,
    /// The watched keys, each with the stamp of its last modification when watched.
    watched: Vec<(Vec<u8>, u64)>,
    /// The commands the last `EXEC` ran (for replication), cleared by the next command.
    executed: Vec<Vec<Vec<u8>>>,
}

impl Session {
    /// A connection with no transaction and nothing watched.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether a `MULTI` is open (replies are `QUEUED` until `EXEC` or `DISCARD`).
    pub fn in_transaction(&self) -> bool {
        self.queue.is_some()
    }

    /// The commands the last command ran as a transaction (empty unless it was an `EXEC` that
    /// ran): what a replica must run, in order, to follow it.
    pub fn executed(&self) -> &[Vec<Vec<u8>>] {
        &self.executed
    }

    pub(crate) fn begin_command(&mut self) {
        self.executed.clear();
    }

    pub(crate) fn open(&mut self) {
        self.queue = Some(Vec::new());
        self.refused = false;
    }

    pub(crate) fn queue(&mut self, argv: Vec<Vec<u8>>) {
        if let Some(queue) = &mut self.queue {
            queue.push(argv);
        }
    }

    /// The commands queued so far.
    pub fn queued(&self) -> &[Vec<Vec<u8>>] {
        self.queue.as_deref().unwrap_or_default()
    }

    pub(crate) fn refuse(&mut self) {
        if self.queue.is_some() {
            self.refused = true;
        }
    }

    /// Ends the transaction (and the watches): the queue, and whether it was refused.
    pub(crate) fn close(&mut self) -> Option<(Vec<Vec<Vec<u8>>>, bool)> {
        self.watched.clear();
        let queue = self.queue.take()?;
        Some((queue, std::mem::take(&mut self.refused)))
    }

    pub(crate) fn watch(&mut self, key: &[u8], stamp: u64) {
        if !self.watched.iter().any(|(k, _)| k == key) {
            self.watched.push((key.to_vec(), stamp));
        }
    }

    pub(crate) fn unwatch(&mut self) {
        self.watched.clear();
    }

    pub(crate) fn watched(&self) -> &[(Vec<u8>, u64)] {
        &self.watched
    }

    pub(crate) fn ran(&mut self, commands: Vec<Vec<Vec<u8>>>) {
        self.executed = commands;
    }
}
