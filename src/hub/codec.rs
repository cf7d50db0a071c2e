//! The hub's messages as bytes, in the lab's one message format ([`crate::wire`]): each
//! message's tag and fields are named once below, and [`wire::encode`](crate::wire::encode) /
//! [`wire::decode`](crate::wire::decode) make and read them. A message that does not decode is
//! refused as a whole.

use super::{FromHub, ToHub};
use crate::emulator::Reply;
use crate::wire::{wire_enum, Reader, Wire, Writer};

wire_enum!(ToHub {
    0 => Hello,
    1 => Command { id, argv, repeat, refuse_writes },
});

wire_enum!(FromHub {
    0 => Welcome { tab, run_id, cold, started_at_ms, state },
    1 => Reply { id, replies, wrote, ran },
    2 => Write { from, at_ms, argv, repeat, refuse_writes, reply },
});

/// The status replies the emulator sends (`Reply::Status` holds static text).
const STATUSES: [&str; 7] = ["OK", "PONG", "QUEUED", "RESET", "none", "string", "hash"];

/// A status travels as its text, and must be one the emulator sends.
struct Status(&'static str);

impl Wire for Status {
    fn put(&self, w: &mut Writer) {
        u8::put_list(self.0.as_bytes(), w);
    }
    fn get(r: &mut Reader<'_>) -> Option<Self> {
        let text = u8::get_list(r)?;
        STATUSES
            .iter()
            .find(|s| s.as_bytes() == text)
            .map(|s| Status(s))
    }
}

/// A reply nests (an array of replies): each level is read one deeper, within the format's
/// limit.
impl Wire for Reply {
    fn put(&self, w: &mut Writer) {
        match self {
            Reply::Status(s) => {
                0u8.put(w);
                Status(s).put(w);
            }
            Reply::Error(e) => {
                1u8.put(w);
                e.put(w);
            }
            Reply::Integer(i) => {
                2u8.put(w);
                i.put(w);
            }
            Reply::Bulk(b) => {
                3u8.put(w);
                b.put(w);
            }
            Reply::Nil => 4u8.put(w),
            Reply::NilArray => 6u8.put(w),
            Reply::Array(items) => {
                5u8.put(w);
                items.put(w);
            }
        }
    }
    fn get(r: &mut Reader<'_>) -> Option<Self> {
        r.nested(|r| {
            Some(match u8::get(r)? {
                0 => Reply::Status(Status::get(r)?.0),
                1 => Reply::Error(Wire::get(r)?),
                2 => Reply::Integer(Wire::get(r)?),
                3 => Reply::Bulk(Wire::get(r)?),
                4 => Reply::Nil,
                5 => Reply::Array(Wire::get(r)?),
                6 => Reply::NilArray,
                _ => return None,
            })
        })
    }
}
