//! The emulated database: keys holding strings or hashes, with optional expiry times.
//!
//! Hash fields keep **insertion order**, as Redis 7.0 does for every small hash (listpack
//! encoding): updating a field keeps its place; deleting and re-adding moves it to the end.
//! Keys keep insertion order too, which makes KEYS deterministic here (Redis leaves it undefined).

use indexmap::IndexMap;

use super::error::CommandError;
use rustc_hash::FxBuildHasher;

/// A hash: field → value, in insertion order. (FxHash: fast, and hash flooding is no threat to
/// an emulator that serves one learner.)
pub type Hash = IndexMap<Vec<u8>, Vec<u8>, FxBuildHasher>;

/// A list's elements, head first.
pub type List = std::collections::VecDeque<Vec<u8>>;

/// The value a key holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    /// A string (also what INCR works on).
    Str(Vec<u8>),
    /// A hash of fields to values.
    Hash(Hash),
    /// A list of elements (RPUSH, LPUSH, LRANGE, LLEN, LPOP, RPOP).
    List(List),
}

impl Value {
    /// The name TYPE replies with.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Str(_) => "string",
            Value::Hash(_) => "hash",
            Value::List(_) => "list",
        }
    }
}

/// How Redis 7.0 would hold a string, as far as `OBJECT ENCODING` and `OBJECT REFCOUNT` show it:
/// it depends on the command that made the string, not only on its bytes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum StrForm {
    /// Through Redis's `tryObjectEncoding` (SET, MSET, GETSET, INCR, APPEND to a new key,
    /// RESTORE …): an integer of at most 20 bytes is `int` (the shared object when it is 0 to
    /// 9999), else `embstr` up to 44 bytes, else `raw`.
    #[default]
    Encoded,
    /// COPY's copy of an encoded string (`dupStringObject`): the same, but never shared.
    Copied,
    /// Changed in place (APPEND to a string, SETRANGE, SETBIT): `raw`.
    Raw,
    /// A number's text made as a string (INCRBYFLOAT): `embstr` up to 44 bytes, else `raw`.
    Text,
}

impl StrForm {
    /// The form COPY gives a copy of a string of this form.
    pub fn copied(self) -> StrForm {
        match self {
            StrForm::Encoded => StrForm::Copied,
            other => other,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Entry {
    value: Value,
    /// Unix time in milliseconds after which the key no longer exists.
    expires_at_ms: Option<i64>,
    /// How a string value is held (ignored for a hash).
    form: StrForm,
    /// When a command last read or wrote the key (`OBJECT IDLETIME`; Redis's LRU clock).
    used_at_ms: std::cell::Cell<i64>,
}

impl Entry {
    fn new(value: Value, expires_at_ms: Option<i64>, form: StrForm, now_ms: i64) -> Entry {
        Entry {
            value,
            expires_at_ms,
            form,
            used_at_ms: std::cell::Cell::new(now_ms),
        }
    }
}

/// The keys of the one database (db 0) the emulator serves.
#[derive(Clone, Debug, Default)]
pub struct Keyspace {
    entries: IndexMap<Vec<u8>, Entry, FxBuildHasher>,
    /// The time of the command being executed (Redis takes one snapshot per command).
    now_ms: i64,
    /// How many keys have an expiry time, so that expiring costs nothing when none do.
    volatile: usize,
    /// Bumped by every access that may change a key (Redis's `dirty` counter, conservatively):
    /// a reader that kept a copy knows from it whether the copy is still current.
    generation: u64,
    /// The keys some client WATCHes, each with the stamp of its last modification (Redis's
    /// `signalModifiedKey`): a transaction aborts if a key it watched got a newer stamp.
    watched: rustc_hash::FxHashMap<Vec<u8>, u64>,
    /// The last stamp given.
    stamp: u64,
}

impl Keyspace {
    /// An empty keyspace.
    pub fn new() -> Self {
        Self::default()
    }

    /// Starts a command at time `now_ms`: keys whose time has come are removed first, as Redis's
    /// lazy and active expiry together make them disappear.
    pub fn begin_command(&mut self, now_ms: i64) {
        self.now_ms = now_ms;
        if self.volatile > 0 {
            let now = self.now_ms;
            let before = self.entries.len();
            let (watched, stamp) = (&mut self.watched, &mut self.stamp);
            self.entries.retain(|key, e| {
                let keep = e.expires_at_ms.is_none_or(|t| t > now);
                if !keep {
                    touch(watched, stamp, key);
                }
                keep
            });
            if self.entries.len() != before {
                self.generation += 1;
            }
            self.volatile = self
                .entries
                .values()
                .filter(|e| e.expires_at_ms.is_some())
                .count();
        }
    }

    /// The time of the current command.
    pub fn now_ms(&self) -> i64 {
        self.now_ms
    }

    /// The value at `key`, if any (a command's read: the key counts as used now).
    pub fn get(&self, key: &[u8]) -> Option<&Value> {
        let entry = self.entries.get(key)?;
        entry.used_at_ms.set(self.now_ms);
        Some(&entry.value)
    }

    /// The value at `key` without counting as a use of it (Redis's `LOOKUP_NOTOUCH`: TYPE,
    /// OBJECT, MEMORY USAGE).
    pub fn peek(&self, key: &[u8]) -> Option<&Value> {
        self.entries.get(key).map(|e| &e.value)
    }

    /// The value at `key`, mutably.
    pub fn get_mut(&mut self, key: &[u8]) -> Option<&mut Value> {
        self.generation += 1;
        let now = self.now_ms;
        self.entries.get_mut(key).map(|e| {
            e.used_at_ms.set(now);
            &mut e.value
        })
    }

    /// How the string at `key` is held, and the whole seconds since a command last used the
    /// key, as Redis's clock of seconds counts them (for `OBJECT`).
    pub fn form_and_idle(&self, key: &[u8]) -> Option<(StrForm, i64)> {
        let entry = self.entries.get(key)?;
        let idle = self.now_ms.div_euclid(1000) - entry.used_at_ms.get().div_euclid(1000);
        Some((entry.form, idle.max(0)))
    }

    /// Makes `key` look unused for `seconds` (RESTORE … IDLETIME).
    pub fn set_idle(&mut self, key: &[u8], seconds: i64) {
        if let Some(entry) = self.entries.get(key) {
            let at = self.now_ms.saturating_sub(seconds.saturating_mul(1000));
            entry.used_at_ms.set(at);
        }
    }

    /// Whether `key` exists.
    pub fn contains(&self, key: &[u8]) -> bool {
        self.entries.contains_key(key)
    }

    /// The hash at `key`: `Ok(None)` if there is no key, WRONGTYPE if it holds another type.
    pub fn hash(&self, key: &[u8]) -> Result<Option<&Hash>, CommandError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Hash(h)) => Ok(Some(h)),
            Some(_) => Err(CommandError::WrongType),
        }
    }

    /// The hash at `key` for writing, creating an empty one if there is no key (it is removed
    /// again by [`Keyspace::drop_if_empty`] if the command leaves it empty).
    pub fn hash_or_create(&mut self, key: &[u8]) -> Result<&mut Hash, CommandError> {
        match self.value_or_create(key, || Value::Hash(Hash::default())) {
            Some(Value::Hash(h)) => Ok(h),
            _ => Err(CommandError::WrongType),
        }
    }

    /// The list at `key` for writing, creating an empty one if there is no key (it is removed
    /// again by [`Keyspace::drop_if_empty`] if the command leaves it empty).
    pub fn list_or_create(&mut self, key: &[u8]) -> Result<&mut List, CommandError> {
        match self.value_or_create(key, || Value::List(List::new())) {
            Some(Value::List(l)) => Ok(l),
            _ => Err(CommandError::WrongType),
        }
    }

    /// The value at `key` for writing (a use of the key), `empty()` put there first if there is
    /// no key.
    fn value_or_create(&mut self, key: &[u8], empty: impl FnOnce() -> Value) -> Option<&mut Value> {
        self.generation += 1;
        // Look up before inserting, so that the common case (the key exists) copies nothing.
        let index = match self.entries.get_index_of(key) {
            Some(i) => i,
            None => {
                let entry = Entry::new(empty(), None, StrForm::Encoded, self.now_ms);
                self.entries.insert_full(key.to_vec(), entry).0
            }
        };
        let (_, entry) = self.entries.get_index_mut(index)?;
        entry.used_at_ms.set(self.now_ms);
        Some(&mut entry.value)
    }

    /// Removes `key` if it is an empty hash or list (Redis never keeps either empty).
    pub fn drop_if_empty(&mut self, key: &[u8]) {
        let empty = match self.entries.get(key).map(|e| &e.value) {
            Some(Value::Hash(h)) => h.is_empty(),
            Some(Value::List(l)) => l.is_empty(),
            _ => false,
        };
        if empty {
            self.remove(key);
        }
    }

    /// Sets `key` to `value`; its expiry is kept only if `keep_ttl`. A string is held as
    /// Redis holds what SET stores ([`StrForm::Encoded`]).
    pub fn set(&mut self, key: &[u8], value: Value, keep_ttl: bool) {
        self.set_as(key, value, keep_ttl, StrForm::Encoded);
    }

    /// [`Keyspace::set`], with the string held as `form` says.
    pub fn set_as(&mut self, key: &[u8], value: Value, keep_ttl: bool, form: StrForm) {
        self.generation += 1;
        self.touch(key);
        let old_expiry = self.entries.get(key).and_then(|e| e.expires_at_ms);
        let expires_at_ms = if keep_ttl { old_expiry } else { None };
        if old_expiry.is_some() && expires_at_ms.is_none() {
            self.volatile -= 1;
        }
        let entry = Entry::new(value, expires_at_ms, form, self.now_ms);
        match self.entries.get_mut(key) {
            Some(slot) => *slot = entry,
            None => {
                self.entries.insert(key.to_vec(), entry);
            }
        }
    }

    /// Gives `key` (which must exist) an expiry time.
    pub fn set_expiry(&mut self, key: &[u8], at_ms: i64) {
        self.generation += 1;
        self.touch(key);
        if let Some(entry) = self.entries.get_mut(key) {
            if entry.expires_at_ms.is_none() {
                self.volatile += 1;
            }
            entry.expires_at_ms = Some(at_ms);
            // Redis looks the key up to write it: a use.
            entry.used_at_ms.set(self.now_ms);
        }
    }

    /// When `key` expires (Unix milliseconds), if it has an expiry.
    pub fn expires_at(&self, key: &[u8]) -> Option<i64> {
        self.entries.get(key).and_then(|e| e.expires_at_ms)
    }

    /// Removes `key`'s expiry; returns whether it had one.
    pub fn clear_expiry(&mut self, key: &[u8]) -> bool {
        let Some(entry) = self.entries.get_mut(key) else {
            return false;
        };
        // Redis looks the key up to write it (PERSIST, GETEX … PERSIST): a use, expiry or not.
        entry.used_at_ms.set(self.now_ms);
        if entry.expires_at_ms.is_none() {
            return false;
        }
        entry.expires_at_ms = None;
        self.volatile -= 1;
        self.generation += 1;
        touch(&mut self.watched, &mut self.stamp, key);
        true
    }

    /// Removes `key`; returns whether it existed.
    pub fn remove(&mut self, key: &[u8]) -> bool {
        self.generation += 1;
        match self.entries.shift_remove(key) {
            Some(entry) => {
                if entry.expires_at_ms.is_some() {
                    self.volatile -= 1;
                }
                self.touch(key);
                true
            }
            None => false,
        }
    }

    /// Moves the value and expiry of `from` to `to` (replacing `to`); `from` must exist.
    pub fn rename(&mut self, from: &[u8], to: &[u8]) {
        self.generation += 1;
        self.touch(from);
        self.touch(to);
        if let Some(entry) = self.entries.shift_remove(from) {
            entry.used_at_ms.set(self.now_ms);
            if let Some(old) = self.entries.shift_remove(to) {
                if old.expires_at_ms.is_some() {
                    self.volatile -= 1;
                }
            }
            self.entries.insert(to.to_vec(), entry);
        }
    }

    /// A number that changes whenever a key may have changed (equal numbers: nothing changed).
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Every key, in insertion order.
    pub fn keys(&self) -> impl Iterator<Item = &Vec<u8>> {
        self.entries.keys()
    }

    /// Every key with its value, in the order the keys were created.
    pub fn iter(&self) -> impl Iterator<Item = (&Vec<u8>, &Value)> {
        self.entries.iter().map(|(key, e)| (key, &e.value))
    }

    /// How many keys have an expiry time (`INFO keyspace`'s `expires`).
    pub fn expires(&self) -> usize {
        self.volatile
    }

    /// How many keys there are.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no keys.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Removes every key.
    pub fn clear(&mut self) {
        self.generation += 1;
        if !self.watched.is_empty() {
            for key in self.entries.keys() {
                touch(&mut self.watched, &mut self.stamp, key);
            }
        }
        self.entries.clear();
        self.volatile = 0;
    }
}

impl Keyspace {
    /// Starts watching `key` (for `WATCH`) and returns the stamp of its last modification; the
    /// watcher compares it with [`Keyspace::stamp_of`] at `EXEC`.
    pub fn watch(&mut self, key: &[u8]) -> u64 {
        if let Some(&stamp) = self.watched.get(key) {
            return stamp;
        }
        self.watched.insert(key.to_vec(), self.stamp);
        self.stamp
    }

    /// The stamp of `key`'s last modification since someone watched it.
    pub fn stamp_of(&self, key: &[u8]) -> Option<u64> {
        self.watched.get(key).copied()
    }

    /// Says that a command modified `key` (Redis's `signalModifiedKey`). The removing and
    /// replacing methods say it themselves; a command that changes a hash in place says it
    /// once it has changed it (not when it only looked, as `HSETNX` on a field that exists).
    pub fn touch(&mut self, key: &[u8]) {
        touch(&mut self.watched, &mut self.stamp, key);
    }
}

fn touch(watched: &mut rustc_hash::FxHashMap<Vec<u8>, u64>, stamp: &mut u64, key: &[u8]) {
    if let Some(at) = watched.get_mut(key) {
        *stamp += 1;
        *at = *stamp;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_generation_moves_on_changes_and_expiries_only() {
        let mut ks = Keyspace::new();
        ks.begin_command(1_000);
        ks.set(b"k", Value::Str(b"v".to_vec()), false);
        ks.set(b"t", Value::Str(b"v".to_vec()), false);
        ks.set_expiry(b"t", 5_000);
        let at = ks.generation();
        ks.begin_command(2_000);
        let _ = (ks.get(b"k"), ks.hash(b"k"), ks.contains(b"t"), ks.len());
        assert_eq!(
            ks.generation(),
            at,
            "reads and an expiry not yet due change nothing"
        );
        ks.begin_command(6_000);
        assert!(
            ks.generation() > at,
            "the key that expired changed the keyspace"
        );
        let at = ks.generation();
        ks.hash_or_create(b"h")
            .unwrap()
            .insert(b"f".to_vec(), b"1".to_vec());
        assert!(ks.generation() > at);
    }

    #[test]
    fn expired_keys_disappear_at_the_next_command() {
        let mut ks = Keyspace::new();
        ks.begin_command(1_000);
        ks.set(b"k", Value::Str(b"v".to_vec()), false);
        ks.set_expiry(b"k", 1_500);
        ks.begin_command(1_499);
        assert!(ks.contains(b"k"));
        ks.begin_command(1_500);
        assert!(!ks.contains(b"k"));
        assert_eq!(ks.volatile, 0);
    }

    #[test]
    fn setting_a_value_clears_the_expiry_unless_kept() {
        let mut ks = Keyspace::new();
        ks.set(b"k", Value::Str(b"v".to_vec()), false);
        ks.set_expiry(b"k", 10);
        ks.set(b"k", Value::Str(b"w".to_vec()), true);
        assert_eq!(ks.volatile, 1);
        ks.set(b"k", Value::Str(b"x".to_vec()), false);
        assert_eq!(ks.volatile, 0);
        ks.begin_command(100);
        assert!(ks.contains(b"k"));
    }

    #[test]
    fn an_emptied_hash_is_removed() {
        let mut ks = Keyspace::new();
        ks.hash_or_create(b"h")
            .unwrap()
            .insert(b"f".to_vec(), b"1".to_vec());
        ks.hash_or_create(b"h")
            .unwrap()
            .shift_remove(b"f".as_slice());
        ks.drop_if_empty(b"h");
        assert!(ks.is_empty());
    }
}
