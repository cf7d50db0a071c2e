//! The lab's one message format, for `postMessage` between the page and its workers: the shared
//! Redis ([`crate::hub`]) and the learner's Python ([`crate::python::wire`]). An `ArrayBuffer` is
//! copied cheaply and keeps every byte of a binary-safe argument; and this format adds far less
//! code to the page's WebAssembly than serde's JSON did (issue #13 measured it).
//!
//! The layout: integers little-endian; `bool` one byte; a byte string or a list is its `u32`
//! length, then its items; an `Option` a flag byte, then the value; a message (an enum) a tag
//! byte, then its variant's fields in order. Bytes that do not decode to a whole message —
//! cut short, a tag or a status unknown, trailing bytes — are refused whole ([`decode`] gives
//! `None`).
//!
//! A type says how it travels once: [`wire_enum!`] and [`wire_struct!`] name each variant's
//! tag and fields in one place, and both directions are made from that list.
//!
//! This is a leaf: it imports nothing from the rest of the crate, so that every layer (the hub,
//! the interpreter's worker, the page) can use it (`tests/boundaries.rs`).

/// How deep nested values may go (a Redis reply inside a reply): deeper is refused, so that a
/// hostile message cannot overflow the stack.
const MAX_DEPTH: usize = 8;

/// Bytes being written.
#[derive(Default)]
pub struct Writer(Vec<u8>);

impl Writer {
    /// Appends raw bytes.
    pub fn raw(&mut self, bytes: &[u8]) {
        self.0.extend_from_slice(bytes);
    }

    /// A length or a count, as a `u32`.
    pub fn len(&mut self, n: usize) {
        u32::try_from(n).unwrap_or(u32::MAX).put(self);
    }
}

/// Bytes being read; every read gives `None` when the bytes end early.
pub struct Reader<'a> {
    rest: &'a [u8],
    depth: usize,
}

impl<'a> Reader<'a> {
    /// The next `n` bytes.
    pub fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.rest.len() < n {
            return None;
        }
        let (head, rest) = self.rest.split_at(n);
        self.rest = rest;
        Some(head)
    }

    /// A count of items that follow. Every item takes at least one byte, so a count beyond
    /// what is left is malformed (and must not reserve gigabytes).
    pub fn count(&mut self) -> Option<usize> {
        let n = u32::get(self)? as usize;
        (n <= self.rest.len()).then_some(n)
    }

    /// Reads a value that may hold values of its own kind, one level deeper.
    pub fn nested<T>(&mut self, read: impl FnOnce(&mut Self) -> Option<T>) -> Option<T> {
        if self.depth >= MAX_DEPTH {
            return None;
        }
        self.depth += 1;
        let value = read(self);
        self.depth -= 1;
        value
    }
}

/// A value that travels in the lab's messages.
pub trait Wire: Sized {
    fn put(&self, w: &mut Writer);
    fn get(r: &mut Reader<'_>) -> Option<Self>;

    /// A list of these: its count, then each. (`u8` writes its bytes whole.)
    fn put_list(items: &[Self], w: &mut Writer) {
        w.len(items.len());
        for item in items {
            item.put(w);
        }
    }

    /// A list of these, as [`Wire::put_list`] wrote it.
    fn get_list(r: &mut Reader<'_>) -> Option<Vec<Self>> {
        let n = r.count()?;
        (0..n).map(|_| Self::get(r)).collect()
    }
}

/// `value` as bytes.
pub fn encode<T: Wire>(value: &T) -> Vec<u8> {
    let mut w = Writer::default();
    value.put(&mut w);
    w.0
}

/// The value `bytes` hold, if they hold exactly one.
pub fn decode<T: Wire>(bytes: &[u8]) -> Option<T> {
    let mut r = Reader {
        rest: bytes,
        depth: 0,
    };
    let value = T::get(&mut r)?;
    r.rest.is_empty().then_some(value)
}

impl Wire for u8 {
    fn put(&self, w: &mut Writer) {
        w.0.push(*self);
    }
    fn get(r: &mut Reader<'_>) -> Option<Self> {
        r.take(1).map(|b| b[0])
    }
    fn put_list(items: &[Self], w: &mut Writer) {
        w.len(items.len());
        w.raw(items);
    }
    fn get_list(r: &mut Reader<'_>) -> Option<Vec<Self>> {
        let n = u32::get(r)? as usize;
        r.take(n).map(<[u8]>::to_vec)
    }
}

macro_rules! wire_int {
    ($($ty:ty),*) => {$(
        impl Wire for $ty {
            fn put(&self, w: &mut Writer) {
                w.raw(&self.to_le_bytes());
            }
            fn get(r: &mut Reader<'_>) -> Option<Self> {
                let bytes = r.take(std::mem::size_of::<$ty>())?;
                Some(<$ty>::from_le_bytes(bytes.try_into().ok()?))
            }
        }
    )*};
}
wire_int!(u32, u64, i64, f64);

impl Wire for usize {
    fn put(&self, w: &mut Writer) {
        (*self as u64).put(w);
    }
    fn get(r: &mut Reader<'_>) -> Option<Self> {
        usize::try_from(u64::get(r)?).ok()
    }
}

impl<T: Wire> Wire for Box<T> {
    fn put(&self, w: &mut Writer) {
        (**self).put(w);
    }
    fn get(r: &mut Reader<'_>) -> Option<Self> {
        T::get(r).map(Box::new)
    }
}

impl Wire for bool {
    fn put(&self, w: &mut Writer) {
        u8::from(*self).put(w);
    }
    fn get(r: &mut Reader<'_>) -> Option<Self> {
        u8::get(r).map(|b| b != 0)
    }
}

impl Wire for String {
    fn put(&self, w: &mut Writer) {
        u8::put_list(self.as_bytes(), w);
    }
    fn get(r: &mut Reader<'_>) -> Option<Self> {
        String::from_utf8(u8::get_list(r)?).ok()
    }
}

impl<T: Wire> Wire for Vec<T> {
    fn put(&self, w: &mut Writer) {
        T::put_list(self, w);
    }
    fn get(r: &mut Reader<'_>) -> Option<Self> {
        T::get_list(r)
    }
}

impl<T: Wire> Wire for Option<T> {
    fn put(&self, w: &mut Writer) {
        self.is_some().put(w);
        if let Some(value) = self {
            value.put(w);
        }
    }
    fn get(r: &mut Reader<'_>) -> Option<Self> {
        if bool::get(r)? {
            T::get(r).map(Some)
        } else {
            Some(None)
        }
    }
}

impl<A: Wire, B: Wire, C: Wire> Wire for (A, B, C) {
    fn put(&self, w: &mut Writer) {
        self.0.put(w);
        self.1.put(w);
        self.2.put(w);
    }
    fn get(r: &mut Reader<'_>) -> Option<Self> {
        Some((A::get(r)?, B::get(r)?, C::get(r)?))
    }
}

impl<A: Wire, B: Wire> Wire for (A, B) {
    fn put(&self, w: &mut Writer) {
        self.0.put(w);
        self.1.put(w);
    }
    fn get(r: &mut Reader<'_>) -> Option<Self> {
        Some((A::get(r)?, B::get(r)?))
    }
}

/// Makes an enum travel: each variant's tag byte and its fields, named once.
///
/// ```ignore
/// wire_enum!(ToHub {
///     0 => Hello,
///     1 => Command { id, argv, repeat, refuse_writes },
/// });
/// wire_enum!(Effect { 1 => Redis(argv), 2 => Database { key, value } });
/// ```
#[macro_export]
macro_rules! wire_enum {
    ($ty:ident { $($tag:literal => $variant:ident $({ $($field:ident),* $(,)? })? $(( $($pos:ident),* ))?),* $(,)? }) => {
        impl $crate::wire::Wire for $ty {
            fn put(&self, w: &mut $crate::wire::Writer) {
                match self {
                    $($ty::$variant $({ $($field),* })? $(( $($pos),* ))? => {
                        let tag: u8 = $tag;
                        $crate::wire::Wire::put(&tag, w);
                        $($($crate::wire::Wire::put($field, w);)*)?
                        $($($crate::wire::Wire::put($pos, w);)*)?
                    })*
                }
            }
            fn get(r: &mut $crate::wire::Reader<'_>) -> Option<Self> {
                Some(match <u8 as $crate::wire::Wire>::get(r)? {
                    $($tag => $ty::$variant
                        $({ $($field: $crate::wire::Wire::get(r)?),* })?
                        $(( $({ let $pos = $crate::wire::Wire::get(r)?; $pos }),* ))?,)*
                    _ => return None,
                })
            }
        }
    };
}

/// Makes a struct travel: its fields, named once, in order.
///
/// ```ignore
/// wire_struct!(Statement { action, code });
/// ```
#[macro_export]
macro_rules! wire_struct {
    ($ty:ident { $($field:ident),* $(,)? }) => {
        impl $crate::wire::Wire for $ty {
            fn put(&self, w: &mut $crate::wire::Writer) {
                $($crate::wire::Wire::put(&self.$field, w);)*
            }
            fn get(r: &mut $crate::wire::Reader<'_>) -> Option<Self> {
                Some($ty { $($field: $crate::wire::Wire::get(r)?),* })
            }
        }
    };
}

pub use crate::wire_enum;
pub use crate::wire_struct;

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq)]
    enum Shape {
        Dot,
        Named { name: String, tags: Vec<Vec<u8>> },
        Pair(u32, Option<i64>),
    }
    wire_enum!(Shape { 0 => Dot, 1 => Named { name, tags }, 2 => Pair(a, b) });

    #[test]
    fn every_kind_of_variant_comes_back_equal() {
        for shape in [
            Shape::Dot,
            Shape::Named {
                name: "héllo".to_owned(),
                tags: vec![b"a b".to_vec(), vec![0, 255]],
            },
            Shape::Pair(7, Some(-3)),
            Shape::Pair(0, None),
        ] {
            assert_eq!(decode::<Shape>(&encode(&shape)), Some(shape));
        }
    }

    #[test]
    fn bytes_cut_short_or_left_over_or_unknown_are_refused() {
        let bytes = encode(&Shape::Named {
            name: "x".to_owned(),
            tags: vec![b"abc".to_vec()],
        });
        for cut in 0..bytes.len() {
            assert_eq!(decode::<Shape>(&bytes[..cut]), None, "cut at {cut}");
        }
        let mut long = bytes.clone();
        long.push(0);
        assert_eq!(decode::<Shape>(&long), None);
        assert_eq!(decode::<Shape>(&[9]), None);
        // A count far beyond the bytes left is refused before anything is reserved.
        assert_eq!(decode::<Vec<Vec<u8>>>(&[255, 255, 255, 255]), None);
        // Invalid UTF-8 where text is expected.
        assert_eq!(decode::<String>(&[1, 0, 0, 0, 0xff]), None);
    }
}
