//! The hub's messages as bytes, for `postMessage` (an `ArrayBuffer` is copied cheaply and keeps
//! every byte of a binary-safe argument).
//!
//! Little-endian integers; a byte string is its `u32` length, then its bytes; a list is its
//! `u32` count, then its items. Each message starts with a tag byte. A message that does not
//! decode is refused as a whole ([`decode_to_hub`] / [`decode_from_hub`] give `None`).

use super::{FromHub, ToHub};
use crate::emulator::Reply;

/// How deep replies may nest (the emulator's deepest reply is two levels).
const MAX_DEPTH: usize = 8;

/// The status replies the emulator sends (`Reply::Status` holds static text).
const STATUSES: [&str; 7] = ["OK", "PONG", "QUEUED", "RESET", "none", "string", "hash"];

/// Writes the codec's values (also used by the interpreter's worker: `crate::python::wire`).
pub(crate) struct Writer(pub(crate) Vec<u8>);

impl Writer {
    pub(crate) fn u8(&mut self, v: u8) {
        self.0.push(v);
    }
    pub(crate) fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    pub(crate) fn i64(&mut self, v: i64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    pub(crate) fn len(&mut self, n: usize) {
        self.u32(u32::try_from(n).unwrap_or(u32::MAX));
    }
    pub(crate) fn bytes(&mut self, b: &[u8]) {
        self.len(b.len());
        self.0.extend_from_slice(b);
    }
    pub(crate) fn argv(&mut self, argv: &[Vec<u8>]) {
        self.len(argv.len());
        for a in argv {
            self.bytes(a);
        }
    }
    pub(crate) fn reply(&mut self, r: &Reply) {
        match r {
            Reply::Status(s) => {
                self.u8(0);
                self.bytes(s.as_bytes());
            }
            Reply::Error(e) => {
                self.u8(1);
                self.bytes(e);
            }
            Reply::Integer(i) => {
                self.u8(2);
                self.i64(*i);
            }
            Reply::Bulk(b) => {
                self.u8(3);
                self.bytes(b);
            }
            Reply::Nil => self.u8(4),
            Reply::Array(items) => {
                self.u8(5);
                self.len(items.len());
                for item in items {
                    self.reply(item);
                }
            }
        }
    }
}

/// Reads the codec's values; `None` when the bytes end early or are malformed.
pub(crate) struct Reader<'a>(pub(crate) &'a [u8]);

impl Reader<'_> {
    pub(crate) fn take(&mut self, n: usize) -> Option<&[u8]> {
        if self.0.len() < n {
            return None;
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Some(head)
    }
    pub(crate) fn u8(&mut self) -> Option<u8> {
        self.take(1).map(|b| b[0])
    }
    pub(crate) fn u32(&mut self) -> Option<u32> {
        self.take(4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
    pub(crate) fn i64(&mut self) -> Option<i64> {
        let b = self.take(8)?;
        let mut a = [0; 8];
        a.copy_from_slice(b);
        Some(i64::from_le_bytes(a))
    }
    pub(crate) fn count(&mut self) -> Option<usize> {
        let n = self.u32()? as usize;
        // Every item takes at least one byte: a count beyond what is left is malformed (and
        // must not reserve gigabytes).
        (n <= self.0.len()).then_some(n)
    }
    pub(crate) fn bytes(&mut self) -> Option<Vec<u8>> {
        let n = self.u32()? as usize;
        self.take(n).map(<[u8]>::to_vec)
    }
    pub(crate) fn argv(&mut self) -> Option<Vec<Vec<u8>>> {
        let n = self.count()?;
        (0..n).map(|_| self.bytes()).collect()
    }
    pub(crate) fn reply(&mut self, depth: usize) -> Option<Reply> {
        if depth > MAX_DEPTH {
            return None;
        }
        Some(match self.u8()? {
            0 => {
                let text = self.bytes()?;
                Reply::Status(STATUSES.iter().find(|s| s.as_bytes() == text)?)
            }
            1 => Reply::Error(self.bytes()?),
            2 => Reply::Integer(self.i64()?),
            3 => Reply::Bulk(self.bytes()?),
            4 => Reply::Nil,
            5 => {
                let n = self.count()?;
                Reply::Array(
                    (0..n)
                        .map(|_| self.reply(depth + 1))
                        .collect::<Option<_>>()?,
                )
            }
            _ => return None,
        })
    }
    pub(crate) fn done<T>(&self, value: T) -> Option<T> {
        self.0.is_empty().then_some(value)
    }
}

/// A tab's message as bytes.
pub fn encode_to_hub(message: &ToHub) -> Vec<u8> {
    let mut w = Writer(Vec::new());
    match message {
        ToHub::Hello => w.u8(0),
        ToHub::Command {
            id,
            argv,
            repeat,
            refuse_writes,
        } => {
            w.u8(1);
            w.u32(*id);
            w.argv(argv);
            w.u32(*repeat);
            w.u8(u8::from(*refuse_writes));
        }
    }
    w.0
}

/// A tab's message from bytes.
pub fn decode_to_hub(bytes: &[u8]) -> Option<ToHub> {
    let mut r = Reader(bytes);
    let message = match r.u8()? {
        0 => ToHub::Hello,
        1 => ToHub::Command {
            id: r.u32()?,
            argv: r.argv()?,
            repeat: r.u32()?,
            refuse_writes: r.u8()? != 0,
        },
        _ => return None,
    };
    r.done(message)
}

/// The hub's message as bytes.
pub fn encode_from_hub(message: &FromHub) -> Vec<u8> {
    let mut w = Writer(Vec::new());
    match message {
        FromHub::Welcome {
            tab,
            run_id,
            cold,
            started_at_ms,
            state,
        } => {
            w.u8(0);
            w.u32(*tab);
            w.bytes(run_id.as_bytes());
            w.u8(u8::from(*cold));
            w.i64(*started_at_ms);
            w.len(state.len());
            for argv in state {
                w.argv(argv);
            }
        }
        FromHub::Reply { id, replies, wrote } => {
            w.u8(1);
            w.u32(*id);
            w.len(replies.len());
            for reply in replies {
                w.reply(reply);
            }
            match wrote {
                Some(at) => {
                    w.u8(1);
                    w.i64(*at);
                }
                None => w.u8(0),
            }
        }
        FromHub::Write {
            from,
            at_ms,
            argv,
            repeat,
            refuse_writes,
            reply,
        } => {
            w.u8(2);
            w.u32(*from);
            w.i64(*at_ms);
            w.argv(argv);
            w.u32(*repeat);
            w.u8(u8::from(*refuse_writes));
            w.reply(reply);
        }
    }
    w.0
}

/// The hub's message from bytes.
pub fn decode_from_hub(bytes: &[u8]) -> Option<FromHub> {
    let mut r = Reader(bytes);
    let message = match r.u8()? {
        0 => {
            let tab = r.u32()?;
            let run_id = String::from_utf8(r.bytes()?).ok()?;
            let cold = r.u8()? != 0;
            let started_at_ms = r.i64()?;
            let n = r.count()?;
            let state = (0..n).map(|_| r.argv()).collect::<Option<_>>()?;
            FromHub::Welcome {
                tab,
                run_id,
                cold,
                started_at_ms,
                state,
            }
        }
        1 => {
            let id = r.u32()?;
            let n = r.count()?;
            let replies = (0..n).map(|_| r.reply(0)).collect::<Option<_>>()?;
            let wrote = match r.u8()? {
                0 => None,
                _ => Some(r.i64()?),
            };
            FromHub::Reply { id, replies, wrote }
        }
        2 => FromHub::Write {
            from: r.u32()?,
            at_ms: r.i64()?,
            argv: r.argv()?,
            repeat: r.u32()?,
            refuse_writes: r.u8()? != 0,
            reply: r.reply(0)?,
        },
        _ => return None,
    };
    r.done(message)
}
