//! DUMP's payload: a value in Redis's RDB encoding (RDB version 10, Redis 7.0's), followed by
//! the RDB version and a CRC64, so that a DUMP from redis-server RESTOREs here and one from here
//! RESTOREs into redis-server.
//!
//! | part | bytes |
//! |---|---|
//! | type | 0 for a string, 16 for a hash small enough for a listpack (512 fields, 64-byte fields and values: the defaults of a redis-server 7.0 started without a configuration file), 4 for a larger one, 18 for a list (a quicklist) |
//! | value | a string: an integer form (`0xC0`-`0xC2`) for a short canonical integer, LZF (`0xC3`) past 20 bytes when liblzf fits it in 4 bytes less, else length and bytes; a listpack hash: its listpack as such a string; a large hash: its length, then field and value strings; a list: its number of nodes, then each node's container (2: a listpack) and listpack as a string |
//! | footer | the RDB version (10) as 2 bytes little-endian, then the CRC-64 (Jones, Redis's) of everything before it, 8 bytes little-endian |
//!
//! Reading accepts what Redis 7.0 writes for strings, hashes and lists and answers the errors
//! its RESTORE answers; it never panics, whatever the bytes.
//!
//! Compressed strings are written by a port of liblzf's compressor (`liblzf.rs`), so that they
//! are redis-server's bytes too; they are read with the `lzf` crate. Where the payload still
//! differs from Redis's (a hash Redis holds as a hash table, in its own order) each side
//! RESTOREs the other's (tests/dump_restore.rs does, against redis-server).

use super::keyspace::{Hash, List, Value};
use super::number::parse_i64;

/// Redis 7.0's RDB version.
pub const RDB_VERSION: u16 = 10;

const TYPE_STRING: u8 = 0;
const TYPE_HASH: u8 = 4;
const TYPE_HASH_LISTPACK: u8 = 16;
/// Redis 7.0's list: a quicklist of nodes, each a listpack (or one large element: "plain").
const TYPE_LIST_QUICKLIST_2: u8 = 18;
const NODE_PLAIN: u64 = 1;
const NODE_PACKED: u64 = 2;
/// A quicklist node takes another element while its listpack, the element and 8 bytes of
/// overhead fit in 8 KB (`list-max-listpack-size -2`, Redis's `_quicklistNodeAllowInsert`).
const NODE_BYTES: usize = 8192;
const NODE_OVERHEAD: usize = 8;

/// When Redis keeps a hash as a listpack (`hash-max-listpack-entries`, `-value`): its built-in
/// defaults (a redis-server started without redis.conf, which says 128 entries).
const LISTPACK_MAX_ENTRIES: usize = 512;
const LISTPACK_MAX_VALUE: usize = 64;

const CRC64: crc::Crc<u64> = crc::Crc::<u64>::new(&crc::CRC_64_REDIS);

/// Why a payload cannot be restored.
#[derive(Debug, PartialEq, Eq)]
pub enum LoadError {
    /// Shorter than a footer, a newer RDB version, or a checksum that does not match.
    VersionOrChecksum,
    /// Not a value Redis could have written.
    BadFormat,
    /// A kind of value the emulator does not hold (a list, a set, ...), by Redis's name.
    Unsupported(&'static str),
}

/// DUMP's payload for `value`.
pub fn dump(value: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    match value {
        Value::Str(s) => {
            out.push(TYPE_STRING);
            save_string(&mut out, s);
        }
        Value::Hash(h) if fits_listpack(h) => {
            out.push(TYPE_HASH_LISTPACK);
            save_string(&mut out, &listpack(h));
        }
        Value::Hash(h) => {
            out.push(TYPE_HASH);
            save_len(&mut out, h.len() as u64);
            for (field, value) in h {
                save_string(&mut out, field);
                save_string(&mut out, value);
            }
        }
        Value::List(l) => {
            out.push(TYPE_LIST_QUICKLIST_2);
            let nodes = quicklist_nodes(l);
            save_len(&mut out, nodes.len() as u64);
            for node in nodes {
                save_len(&mut out, NODE_PACKED);
                save_string(&mut out, &node);
            }
        }
    }
    out.extend_from_slice(&RDB_VERSION.to_le_bytes());
    let crc = CRC64.checksum(&out);
    out.extend_from_slice(&crc.to_le_bytes());
    out
}

/// The value in a DUMP payload, checked as Redis's `verifyDumpPayload` and `rdbLoadObject`
/// check it.
pub fn load(payload: &[u8]) -> Result<Value, LoadError> {
    if payload.len() < 10 {
        return Err(LoadError::VersionOrChecksum);
    }
    let (body, footer) = payload.split_at(payload.len() - 10);
    let version = u16::from_le_bytes([footer[0], footer[1]]);
    let mut crc = [0_u8; 8];
    crc.copy_from_slice(&footer[2..]);
    if version > RDB_VERSION
        || CRC64.checksum(&payload[..payload.len() - 8]) != u64::from_le_bytes(crc)
    {
        return Err(LoadError::VersionOrChecksum);
    }
    let mut r = Reader { bytes: body, at: 0 };
    let kind = r.byte().ok_or(LoadError::BadFormat)?;
    match kind {
        TYPE_STRING => Ok(Value::Str(r.string().ok_or(LoadError::BadFormat)?)),
        TYPE_HASH => {
            let len = r.len().ok_or(LoadError::BadFormat)?;
            if len == 0 {
                return Err(LoadError::BadFormat);
            }
            let mut hash = Hash::default();
            for _ in 0..len {
                let field = r.string().ok_or(LoadError::BadFormat)?;
                let value = r.string().ok_or(LoadError::BadFormat)?;
                if hash.insert(field, value).is_some() {
                    return Err(LoadError::BadFormat);
                }
            }
            Ok(Value::Hash(hash))
        }
        TYPE_HASH_LISTPACK => {
            let blob = r.string().ok_or(LoadError::BadFormat)?;
            read_listpack_hash(&blob)
                .map(Value::Hash)
                .ok_or(LoadError::BadFormat)
        }
        TYPE_LIST_QUICKLIST_2 => {
            let nodes = r.len().ok_or(LoadError::BadFormat)?;
            if nodes == 0 {
                return Err(LoadError::BadFormat);
            }
            let mut list = List::new();
            for _ in 0..nodes {
                let container = r.len().ok_or(LoadError::BadFormat)?;
                let blob = r.string().ok_or(LoadError::BadFormat)?;
                match container {
                    NODE_PLAIN => list.push_back(blob),
                    NODE_PACKED => list.extend(read_listpack(&blob).ok_or(LoadError::BadFormat)?),
                    _ => return Err(LoadError::BadFormat),
                }
            }
            if list.is_empty() {
                return Err(LoadError::BadFormat);
            }
            Ok(Value::List(list))
        }
        other => Err(match other {
            1 | 10 | 14 => LoadError::Unsupported("list (an older encoding)"),
            2 | 11 | 20 => LoadError::Unsupported("set"),
            3 | 5 | 12 | 17 => LoadError::Unsupported("zset"),
            9 | 13 => LoadError::Unsupported("hash (an older encoding)"),
            6 | 7 => LoadError::Unsupported("module"),
            15 | 19 | 21 => LoadError::Unsupported("stream"),
            _ => LoadError::BadFormat,
        }),
    }
}

pub(crate) fn fits_listpack(h: &Hash) -> bool {
    h.len() <= LISTPACK_MAX_ENTRIES
        && h.iter()
            .all(|(f, v)| f.len() <= LISTPACK_MAX_VALUE && v.len() <= LISTPACK_MAX_VALUE)
}

/// Redis's `rdbSaveLen`.
fn save_len(out: &mut Vec<u8>, len: u64) {
    if len < 1 << 6 {
        out.push(len as u8);
    } else if len < 1 << 14 {
        out.extend_from_slice(&[0x40 | (len >> 8) as u8, len as u8]);
    } else if let Ok(len) = u32::try_from(len) {
        out.push(0x80);
        out.extend_from_slice(&len.to_be_bytes());
    } else {
        out.push(0x81);
        out.extend_from_slice(&len.to_be_bytes());
    }
}

/// Redis's `rdbSaveRawString`: a short canonical integer in its integer form, a string past 20
/// bytes LZF-compressed when liblzf fits it in 4 bytes less, else its length and bytes.
fn save_string(out: &mut Vec<u8>, s: &[u8]) {
    if s.len() <= 11 {
        if let Some(n) = parse_i64(s).and_then(|n| i32::try_from(n).ok()) {
            if let Ok(n) = i8::try_from(n) {
                out.extend_from_slice(&[0xC0, n as u8]);
            } else if let Ok(n) = i16::try_from(n) {
                out.push(0xC1);
                out.extend_from_slice(&n.to_le_bytes());
            } else {
                out.push(0xC2);
                out.extend_from_slice(&n.to_le_bytes());
            }
            return;
        }
    }
    if s.len() > 20 {
        // As Redis does: liblzf's own compressor, given room for 4 bytes less than the string.
        if let Some(compressed) = super::liblzf::compress(s) {
            out.push(0xC3);
            save_len(out, compressed.len() as u64);
            save_len(out, s.len() as u64);
            out.extend_from_slice(&compressed);
            return;
        }
    }
    save_len(out, s.len() as u64);
    out.extend_from_slice(s);
}

/// A hash as Redis 7.0's listpack: its fields and values in order.
fn listpack(h: &Hash) -> Vec<u8> {
    let mut lp = Listpack::new();
    for (field, value) in h {
        lp.push(field);
        lp.push(value);
    }
    lp.finish()
}

/// Redis 7.0's listpack, written an element at a time: a 6-byte header (total bytes, element
/// count), each element as an entry (an integer form for a canonical integer, else a string
/// form, then its length backwards), and the `0xFF` end.
struct Listpack {
    /// The header's room, then the entries so far.
    bytes: Vec<u8>,
    count: usize,
}

impl Listpack {
    fn new() -> Self {
        Listpack {
            bytes: vec![0; 6],
            count: 0,
        }
    }

    /// Its size once finished (the end byte included), as Redis's `lpBytes` counts it.
    fn size(&self) -> usize {
        self.bytes.len() + 1
    }

    fn push(&mut self, element: &[u8]) {
        let start = self.bytes.len();
        encode_element(&mut self.bytes, element);
        let len = self.bytes.len() - start;
        encode_backlen(&mut self.bytes, len);
        self.count += 1;
    }

    fn finish(mut self) -> Vec<u8> {
        self.bytes.push(0xFF);
        let total = self.bytes.len() as u32;
        let count = u16::try_from(self.count).unwrap_or(u16::MAX);
        self.bytes[..4].copy_from_slice(&total.to_le_bytes());
        self.bytes[4..6].copy_from_slice(&count.to_le_bytes());
        self.bytes
    }
}

/// A list as the listpacks of its quicklist nodes, cut as RPUSH fills them, one after the
/// other: a node takes the next element while its listpack, the element and the overhead fit
/// in [`NODE_BYTES`] (Redis's bytes, tests/dump_restore.rs). Redis keeps the cuts a list's
/// history made: one that LPUSH built, or that lost elements, has its nodes cut elsewhere there
/// (the payload then differs in bytes and loads to the same list).
fn quicklist_nodes(l: &List) -> Vec<Vec<u8>> {
    let mut nodes: Vec<Listpack> = Vec::new();
    for element in l {
        match nodes.last_mut() {
            Some(node) if node.size() + element.len() + NODE_OVERHEAD <= NODE_BYTES => {
                node.push(element);
            }
            _ => {
                let mut node = Listpack::new();
                node.push(element);
                nodes.push(node);
            }
        }
    }
    nodes.into_iter().map(Listpack::finish).collect()
}

fn encode_element(lp: &mut Vec<u8>, s: &[u8]) {
    if let Some(v) = parse_i64(s) {
        if (0..=127).contains(&v) {
            lp.push(v as u8);
        } else if (-4096..=4095).contains(&v) {
            let u = if v < 0 { (1 << 13) + v } else { v } as u16;
            lp.extend_from_slice(&[0xC0 | (u >> 8) as u8, u as u8]);
        } else if let Ok(n) = i16::try_from(v) {
            lp.push(0xF1);
            lp.extend_from_slice(&n.to_le_bytes());
        } else if (-(1 << 23)..(1 << 23)).contains(&v) {
            lp.push(0xF2);
            lp.extend_from_slice(&(v as i32).to_le_bytes()[..3]);
        } else if let Ok(n) = i32::try_from(v) {
            lp.push(0xF3);
            lp.extend_from_slice(&n.to_le_bytes());
        } else {
            lp.push(0xF4);
            lp.extend_from_slice(&v.to_le_bytes());
        }
        return;
    }
    let len = s.len();
    if len < 64 {
        lp.push(0x80 | len as u8);
    } else if len < 4096 {
        lp.extend_from_slice(&[0xE0 | (len >> 8) as u8, len as u8]);
    } else {
        lp.push(0xF0);
        lp.extend_from_slice(&(len as u32).to_le_bytes());
    }
    lp.extend_from_slice(s);
}

/// Redis's `lpEncodeBacklen`: an entry's length, readable from its last byte backwards.
fn encode_backlen(lp: &mut Vec<u8>, len: usize) {
    let l = len as u64;
    if l <= 127 {
        lp.push(l as u8);
    } else if l < 16_383 {
        lp.extend_from_slice(&[(l >> 7) as u8, (l & 127) as u8 | 128]);
    } else if l < 2_097_151 {
        lp.extend_from_slice(&[
            (l >> 14) as u8,
            ((l >> 7) & 127) as u8 | 128,
            (l & 127) as u8 | 128,
        ]);
    } else if l < 268_435_455 {
        lp.extend_from_slice(&[
            (l >> 21) as u8,
            ((l >> 14) & 127) as u8 | 128,
            ((l >> 7) & 127) as u8 | 128,
            (l & 127) as u8 | 128,
        ]);
    } else {
        lp.extend_from_slice(&[
            (l >> 28) as u8,
            ((l >> 21) & 127) as u8 | 128,
            ((l >> 14) & 127) as u8 | 128,
            ((l >> 7) & 127) as u8 | 128,
            (l & 127) as u8 | 128,
        ]);
    }
}

fn backlen_size(len: usize) -> usize {
    match len {
        0..=127 => 1,
        128..=16_382 => 2,
        16_383..=2_097_150 => 3,
        2_097_151..=268_435_454 => 4,
        _ => 5,
    }
}

/// A listpack's elements, checked as Redis's shallow validation checks the header (total bytes,
/// the end byte) and, beyond it, every entry read (an entry that runs past the end is a bad
/// format).
fn read_listpack(lp: &[u8]) -> Option<Vec<Vec<u8>>> {
    if lp.len() < 7 || u32::from_le_bytes([lp[0], lp[1], lp[2], lp[3]]) as usize != lp.len() {
        return None;
    }
    if *lp.last()? != 0xFF {
        return None;
    }
    let end = lp.len() - 1;
    let mut at = 6;
    let mut elements = Vec::new();
    while at < end {
        let (element, size) = read_element(&lp[at..end])?;
        at += size;
        let back = backlen_size(size);
        if at + back > end {
            return None;
        }
        at += back;
        elements.push(element);
    }
    Some(elements)
}

/// A listpack's fields and values ([`read_listpack`]); an odd count, a repeated field or no
/// field at all is a bad format.
fn read_listpack_hash(lp: &[u8]) -> Option<Hash> {
    let elements = read_listpack(lp)?;
    if elements.is_empty() || elements.len() % 2 != 0 {
        return None;
    }
    let mut hash = Hash::default();
    let mut pairs = elements.into_iter();
    while let (Some(field), Some(value)) = (pairs.next(), pairs.next()) {
        if hash.insert(field, value).is_some() {
            return None;
        }
    }
    Some(hash)
}

/// One listpack entry's element (an integer as its decimal text) and the entry's size without
/// its backlen.
fn read_element(b: &[u8]) -> Option<(Vec<u8>, usize)> {
    let first = *b.first()?;
    let int = |v: i64, size: usize| Some((v.to_string().into_bytes(), size));
    let le = |n: usize| -> Option<u64> {
        let bytes = b.get(1..1 + n)?;
        Some(
            bytes
                .iter()
                .rev()
                .fold(0_u64, |acc, &x| (acc << 8) | u64::from(x)),
        )
    };
    let string = |header: usize, len: usize| {
        let s = b.get(header..header + len)?;
        Some((s.to_vec(), header + len))
    };
    match first {
        0x00..=0x7F => int(i64::from(first), 1),
        0x80..=0xBF => string(1, usize::from(first & 0x3F)),
        0xC0..=0xDF => {
            let u = (u16::from(first & 0x1F) << 8) | u16::from(*b.get(1)?);
            let v = if u >= 1 << 12 {
                i64::from(u) - (1 << 13)
            } else {
                i64::from(u)
            };
            int(v, 2)
        }
        0xE0..=0xEF => {
            let len = (usize::from(first & 0x0F) << 8) | usize::from(*b.get(1)?);
            string(2, len)
        }
        0xF0 => string(5, usize::try_from(le(4)?).ok()?),
        0xF1 => int(i64::from(le(2)? as u16 as i16), 3),
        0xF2 => {
            let u = le(3)? as i64;
            int(if u >= 1 << 23 { u - (1 << 24) } else { u }, 4)
        }
        0xF3 => int(i64::from(le(4)? as u32 as i32), 5),
        0xF4 => int(le(8)? as i64, 9),
        _ => None,
    }
}

/// A cursor over an RDB value.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn byte(&mut self) -> Option<u8> {
        let b = *self.bytes.get(self.at)?;
        self.at += 1;
        Some(b)
    }

    fn take(&mut self, n: usize) -> Option<&[u8]> {
        let end = self.at.checked_add(n)?;
        let s = self.bytes.get(self.at..end)?;
        self.at = end;
        Some(s)
    }

    /// A length, or the special form's number with its flag: `(value, special)`.
    fn len_or_special(&mut self) -> Option<(u64, bool)> {
        let first = self.byte()?;
        match first >> 6 {
            0 => Some((u64::from(first & 0x3F), false)),
            1 => Some((
                (u64::from(first & 0x3F) << 8) | u64::from(self.byte()?),
                false,
            )),
            2 => match first {
                0x80 => {
                    let b = self.take(4)?;
                    Some((
                        u64::from(u32::from_be_bytes([b[0], b[1], b[2], b[3]])),
                        false,
                    ))
                }
                0x81 => {
                    let mut n = [0_u8; 8];
                    n.copy_from_slice(self.take(8)?);
                    Some((u64::from_be_bytes(n), false))
                }
                _ => None,
            },
            _ => Some((u64::from(first & 0x3F), true)),
        }
    }

    fn len(&mut self) -> Option<u64> {
        match self.len_or_special()? {
            (len, false) => Some(len),
            _ => None,
        }
    }

    /// Redis's `rdbGenericLoadStringObject`.
    fn string(&mut self) -> Option<Vec<u8>> {
        match self.len_or_special()? {
            (len, false) => Some(self.take(usize::try_from(len).ok()?)?.to_vec()),
            (0, true) => Some((self.byte()? as i8).to_string().into_bytes()),
            (1, true) => {
                let b = self.take(2)?;
                Some(i16::from_le_bytes([b[0], b[1]]).to_string().into_bytes())
            }
            (2, true) => {
                let b = self.take(4)?;
                Some(
                    i32::from_le_bytes([b[0], b[1], b[2], b[3]])
                        .to_string()
                        .into_bytes(),
                )
            }
            (3, true) => {
                let compressed_len = usize::try_from(self.len()?).ok()?;
                let len = usize::try_from(self.len()?).ok()?;
                // The lab's limit on a string holds here too: a payload cannot claim more.
                if len as u64 > super::cmd::LAB_MAX_STRING || len == 0 {
                    return None;
                }
                let compressed = self.take(compressed_len)?;
                let s = lzf::decompress(compressed, len).ok()?;
                (s.len() == len).then_some(s)
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emulator::rng::Rng;

    /// `body` with a footer of `version` and its right checksum.
    fn sealed(body: &[u8], version: u16) -> Vec<u8> {
        let mut p = body.to_vec();
        p.extend_from_slice(&version.to_le_bytes());
        let crc = CRC64.checksum(&p);
        p.extend_from_slice(&crc.to_le_bytes());
        p
    }

    #[test]
    fn the_checksum_is_redis_crc64() {
        // The CRC-64 check value Redis's own crc64 test uses.
        assert_eq!(CRC64.checksum(b"123456789"), 0xe9c6_d914_c4b8_d9ca);
    }

    #[test]
    fn what_is_dumped_loads_back() {
        let mut hash = Hash::default();
        for (f, v) in [
            ("a", "1"),
            ("b", "-4096"),
            ("c", "hello"),
            ("d", "9223372036854775807"),
        ] {
            hash.insert(f.as_bytes().to_vec(), v.as_bytes().to_vec());
        }
        let mut wide = Hash::default();
        for i in 0..600 {
            wide.insert(format!("f{i}").into_bytes(), vec![b'x'; i % 90]);
        }
        for value in [
            Value::Str(b"hello".to_vec()),
            Value::Str(b"-123".to_vec()),
            Value::Str(b"x".repeat(10_000)),
            Value::Str(Vec::new()),
            Value::Hash(hash),
            Value::Hash(wide),
        ] {
            assert_eq!(load(&dump(&value)), Ok(value));
        }
    }

    #[test]
    fn a_damaged_payload_is_refused_as_redis_refuses_it() {
        let good = dump(&Value::Str(b"hello".to_vec()));
        assert_eq!(load(&good[..9]), Err(LoadError::VersionOrChecksum));
        let mut flipped = good.clone();
        flipped[1] ^= 1;
        assert_eq!(load(&flipped), Err(LoadError::VersionOrChecksum));
        let body = &good[..good.len() - 10];
        assert_eq!(load(&sealed(body, 11)), Err(LoadError::VersionOrChecksum));
        assert!(load(&sealed(body, 9)).is_ok());
        assert_eq!(load(&sealed(&body[..3], 10)), Err(LoadError::BadFormat));
        assert_eq!(
            load(&sealed(&[2, 1, 0xC0, 1], 10)),
            Err(LoadError::Unsupported("set"))
        );
        // An empty hash, and a listpack whose byte count lies.
        assert_eq!(load(&sealed(&[4, 0], 10)), Err(LoadError::BadFormat));
        assert_eq!(
            load(&sealed(&[16, 7, 8, 0, 0, 0, 0, 0, 0xFF], 10)),
            Err(LoadError::BadFormat)
        );
    }

    #[test]
    fn any_bytes_load_or_are_refused_without_panicking() {
        let mut rng = Rng::seeded(11);
        let seeds = [
            dump(&Value::Str(b"x".repeat(300))),
            dump(&Value::Hash(
                [(b"f".to_vec(), b"v".to_vec())].into_iter().collect(),
            )),
        ];
        for round in 0..20_000 {
            let mut body = if round % 2 == 0 {
                let seed = &seeds[round % seeds.len()];
                seed[..seed.len() - 10].to_vec()
            } else {
                let len = rng.below(40);
                (0..len).map(|_| rng.below(256) as u8).collect()
            };
            if !body.is_empty() {
                for _ in 0..1 + rng.below(3) {
                    let at = rng.below(body.len());
                    body[at] = rng.below(256) as u8;
                }
            }
            let _ = load(&sealed(&body, 10));
        }
    }
}
