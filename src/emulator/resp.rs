//! Redis's wire protocol, RESP: requests read the way Redis 7.0's `networking.c` reads them
//! (multibulk `*2\r\n$4\r\nPING\r\n…` and inline `PING\r\n`, with the same limits and the same
//! protocol errors), and replies written in RESP2 or RESP3. Pure: the TCP server
//! (`crate::server`) feeds it bytes; the fuzzer feeds it anything.

use super::number::parse_i64;
use super::reply::Reply;
use super::split::{split_into, ArgBuffer, Argv};

/// An inline request, or a count line, longer than this without a newline is refused
/// (`PROTO_INLINE_MAX_SIZE`).
pub const PROTO_INLINE_MAX_SIZE: usize = 64 * 1024;
/// The longest bulk argument (`proto-max-bulk-len`, 512 MB).
pub const PROTO_MAX_BULK_LEN: i64 = 512 * 1024 * 1024;
/// The most arguments in one multibulk request. Redis 7.0 allows up to `INT_MAX` and grows its
/// buffers as the arguments arrive; this server refuses more than 1,048,576 before reading any.
pub const MAX_MULTIBULK_LEN: i64 = 1024 * 1024;

/// A request Redis would not read: the server replies with the error and closes the connection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProtocolError {
    TooBigInline,
    UnbalancedQuotes,
    TooBigMultibulkCount,
    InvalidMultibulkLength,
    TooBigBulkCount,
    /// The byte found where a bulk's `$` should be.
    ExpectedDollar(u8),
    InvalidBulkLength,
}

impl ProtocolError {
    /// The error reply's text, as Redis words it (without the leading `-`).
    pub fn message(&self) -> Vec<u8> {
        let text: &[u8] = match self {
            ProtocolError::TooBigInline => b"ERR Protocol error: too big inline request",
            ProtocolError::UnbalancedQuotes => b"ERR Protocol error: unbalanced quotes in request",
            ProtocolError::TooBigMultibulkCount => {
                b"ERR Protocol error: too big mbulk count string"
            }
            ProtocolError::InvalidMultibulkLength => {
                b"ERR Protocol error: invalid multibulk length"
            }
            ProtocolError::TooBigBulkCount => b"ERR Protocol error: too big bulk count string",
            ProtocolError::InvalidBulkLength => b"ERR Protocol error: invalid bulk length",
            ProtocolError::ExpectedDollar(got) => {
                // Redis prints the byte with `%c`: a NUL ends the C string there.
                let mut m = b"ERR Protocol error: expected '$', got '".to_vec();
                if *got != 0 {
                    m.push(*got);
                }
                m.push(b'\'');
                return m;
            }
        };
        text.to_vec()
    }
}

/// What one call of [`RequestParser::parse`] found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Parsed {
    /// A whole command: its arguments, name first, are [`RequestParser::argv`] until the next
    /// call (read straight into one reusable buffer: a command costs no allocation).
    Command,
    /// A request with no arguments (an empty line, `*0`): nothing to run.
    Empty,
    /// The request is not complete yet: read more.
    Incomplete,
}

/// Reads requests from a connection's bytes, remembering where it is in a multibulk request
/// between reads (so a request arriving in many pieces is not read again from its start).
#[derive(Debug, Default)]
pub struct RequestParser {
    /// Arguments still to read of the current multibulk request (0: none started).
    multibulk_left: usize,
    /// The length of the bulk argument being read, once its `$` line was read.
    bulk_len: Option<usize>,
    args: ArgBuffer,
}

/// The position of the first `byte` in `buf`.
fn find(buf: &[u8], byte: u8) -> Option<usize> {
    memchr::memchr(byte, buf)
}

impl RequestParser {
    /// The arguments of the command the last [`RequestParser::parse`] found (`Parsed::Command`).
    pub fn argv(&self) -> Argv<'_> {
        self.args.argv()
    }

    /// Gives back what a large request needed, once it has run (call it between reads: the
    /// last command's arguments are forgotten, unless a request is half read).
    pub fn shrink(&mut self) {
        if self.multibulk_left == 0 {
            self.args.clear();
            self.args.shrink_to(16 * 1024);
        }
    }

    /// Reads from the start of `buf` (the bytes not consumed yet): how many bytes it consumed,
    /// and what they made. A protocol error leaves the parser unusable: close the connection.
    pub fn parse(&mut self, buf: &[u8]) -> Result<(usize, Parsed), ProtocolError> {
        if self.multibulk_left == 0 {
            match buf.first() {
                None => return Ok((0, Parsed::Incomplete)),
                Some(b'*') => {}
                Some(_) => return self.inline(buf),
            }
        }
        self.multibulk(buf)
    }

    fn inline(&mut self, buf: &[u8]) -> Result<(usize, Parsed), ProtocolError> {
        let Some(newline) = find(buf, b'\n') else {
            if buf.len() > PROTO_INLINE_MAX_SIZE {
                return Err(ProtocolError::TooBigInline);
            }
            return Ok((0, Parsed::Incomplete));
        };
        let end = if newline > 0 && buf[newline - 1] == b'\r' {
            newline - 1
        } else {
            newline
        };
        split_into(&buf[..end], &mut self.args).map_err(|_| ProtocolError::UnbalancedQuotes)?;
        let parsed = if self.args.argv().is_empty() {
            Parsed::Empty
        } else {
            Parsed::Command
        };
        Ok((newline + 1, parsed))
    }

    /// A `\r`-ended line at the start of `buf`: its content, and the length of the line with
    /// its two ending bytes (Redis only checks that a byte follows the `\r`).
    fn line(buf: &[u8]) -> Option<(&[u8], usize)> {
        let cr = find(buf, b'\r')?;
        (cr + 2 <= buf.len()).then(|| (&buf[..cr], cr + 2))
    }

    fn multibulk(&mut self, buf: &[u8]) -> Result<(usize, Parsed), ProtocolError> {
        let mut pos = 0;
        if self.multibulk_left == 0 {
            let Some((line, used)) = Self::line(buf) else {
                if find(buf, b'\r').is_none() && buf.len() > PROTO_INLINE_MAX_SIZE {
                    return Err(ProtocolError::TooBigMultibulkCount);
                }
                return Ok((0, Parsed::Incomplete));
            };
            let count = parse_i64(&line[1..]).ok_or(ProtocolError::InvalidMultibulkLength)?;
            if count > MAX_MULTIBULK_LEN {
                return Err(ProtocolError::InvalidMultibulkLength);
            }
            if count <= 0 {
                return Ok((used, Parsed::Empty));
            }
            pos = used;
            self.multibulk_left = count as usize;
            self.args.clear();
        }
        while self.multibulk_left > 0 {
            let rest = &buf[pos..];
            let len = match self.bulk_len {
                Some(len) => len,
                None => {
                    let Some((line, used)) = Self::line(rest) else {
                        if find(rest, b'\r').is_none() && rest.len() > PROTO_INLINE_MAX_SIZE {
                            return Err(ProtocolError::TooBigBulkCount);
                        }
                        return Ok((pos, Parsed::Incomplete));
                    };
                    // An empty line has its `\r` where the `$` should be.
                    match line.first() {
                        Some(b'$') => {}
                        other => {
                            return Err(ProtocolError::ExpectedDollar(*other.unwrap_or(&b'\r')))
                        }
                    }
                    let len = parse_i64(&line[1..])
                        .filter(|l| (0..=PROTO_MAX_BULK_LEN).contains(l))
                        .ok_or(ProtocolError::InvalidBulkLength)?
                        as usize;
                    pos += used;
                    self.bulk_len = Some(len);
                    len
                }
            };
            let rest = &buf[pos..];
            // The bulk and the two bytes after it (Redis skips them without looking).
            if rest.len() < len + 2 {
                return Ok((pos, Parsed::Incomplete));
            }
            self.args.push(&rest[..len]);
            pos += len + 2;
            self.bulk_len = None;
            self.multibulk_left -= 1;
        }
        Ok((pos, Parsed::Command))
    }
}

/// How a reply is laid out in RESP3 when it differs from RESP2.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// As it is.
    Plain,
    /// A flat array of keys and values is a map (HGETALL, CONFIG GET, HELLO).
    Map,
    /// A flat array of field and value is an array of `[field, value]` pairs (HRANDFIELD …
    /// WITHVALUES).
    Pairs,
    /// A map whose values are maps too (COMMAND DOCS).
    MapOfMaps,
}

fn line(out: &mut Vec<u8>, prefix: u8, content: &[u8]) {
    out.push(prefix);
    out.extend_from_slice(content);
    out.extend_from_slice(b"\r\n");
}

/// `prefix`, the decimal `n` and CRLF, without an allocation.
fn number_line(out: &mut Vec<u8>, prefix: u8, n: i64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut rest = n.unsigned_abs();
    loop {
        at -= 1;
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    out.push(prefix);
    if n < 0 {
        out.push(b'-');
    }
    out.extend_from_slice(&digits[at..]);
    out.extend_from_slice(b"\r\n");
}

fn bulk(out: &mut Vec<u8>, bytes: &[u8]) {
    number_line(out, b'$', bytes.len() as i64);
    out.extend_from_slice(bytes);
    out.extend_from_slice(b"\r\n");
}

/// A command as a client sends it (redis-cli, redis-py): an array of bulk strings.
pub fn encode_request(argv: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::with_capacity(16 + argv.iter().map(|a| a.len() + 16).sum::<usize>());
    number_line(&mut out, b'*', argv.len() as i64);
    for arg in argv {
        bulk(&mut out, arg);
    }
    out
}

/// How the reply to the data command `argv` is laid out in RESP3: HGETALL's and LCS … IDX's
/// are maps, HRANDFIELD … WITHVALUES's an array of pairs.
pub fn shape_of(argv: &[Vec<u8>]) -> Shape {
    shape_by(argv.len(), |i| argv.get(i).map(Vec::as_slice))
}

/// [`shape_of`] for arguments held in an [`ArgBuffer`].
pub fn shape_of_argv(argv: Argv<'_>) -> Shape {
    shape_by(argv.len(), |i| argv.get(i))
}

fn shape_by<'a>(len: usize, arg: impl Fn(usize) -> Option<&'a [u8]>) -> Shape {
    let Some(name) = arg(0) else {
        return Shape::Plain;
    };
    let is = |i: usize, word: &[u8]| arg(i).is_some_and(|a| a.eq_ignore_ascii_case(word));
    let lcs_idx = name.eq_ignore_ascii_case(b"lcs") && (3..len).any(|i| is(i, b"idx"));
    if name.eq_ignore_ascii_case(b"hgetall") || lcs_idx {
        Shape::Map
    } else if name.eq_ignore_ascii_case(b"hrandfield") && len == 4 && is(3, b"withvalues") {
        Shape::Pairs
    } else {
        Shape::Plain
    }
}

/// Writes `reply` to `out` in RESP2, or in RESP3 (`resp3`) laid out as `shape` says.
pub fn write_reply(out: &mut Vec<u8>, reply: &Reply, resp3: bool, shape: Shape) {
    match reply {
        Reply::Status(s) => line(out, b'+', s.as_bytes()),
        Reply::Error(e) => {
            // An error is one line: Redis turns newlines in its text into spaces.
            let text: Vec<u8> = e
                .iter()
                .map(|&b| if b == b'\r' || b == b'\n' { b' ' } else { b })
                .collect();
            line(out, b'-', &text);
        }
        Reply::Integer(n) => number_line(out, b':', *n),
        Reply::Bulk(b) => bulk(out, b),
        Reply::Nil if resp3 => out.extend_from_slice(b"_\r\n"),
        Reply::Nil => out.extend_from_slice(b"$-1\r\n"),
        Reply::NilArray if resp3 => out.extend_from_slice(b"_\r\n"),
        Reply::NilArray => out.extend_from_slice(b"*-1\r\n"),
        Reply::Array(items)
            if resp3 && matches!(shape, Shape::Map | Shape::MapOfMaps) && items.len() % 2 == 0 =>
        {
            number_line(out, b'%', (items.len() / 2) as i64);
            let inner = if shape == Shape::MapOfMaps {
                Shape::Map
            } else {
                Shape::Plain
            };
            for pair in items.chunks(2) {
                write_reply(out, &pair[0], resp3, Shape::Plain);
                write_reply(out, &pair[1], resp3, inner);
            }
        }
        Reply::Array(items) if resp3 && shape == Shape::Pairs && items.len() % 2 == 0 => {
            number_line(out, b'*', (items.len() / 2) as i64);
            for pair in items.chunks(2) {
                out.extend_from_slice(b"*2\r\n");
                for item in pair {
                    write_reply(out, item, resp3, Shape::Plain);
                }
            }
        }
        Reply::Array(items) => {
            number_line(out, b'*', items.len() as i64);
            for item in items {
                write_reply(out, item, resp3, Shape::Plain);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a parse found, with a command's arguments copied out of the parser.
    #[derive(Debug, PartialEq, Eq)]
    enum Got {
        Command(Vec<Vec<u8>>),
        Empty,
    }

    fn got(parser: &RequestParser, parsed: Parsed) -> Option<Got> {
        match parsed {
            Parsed::Command => Some(Got::Command(parser.argv().to_vecs())),
            Parsed::Empty => Some(Got::Empty),
            Parsed::Incomplete => None,
        }
    }

    fn parse_all(input: &[u8]) -> Result<Vec<Got>, ProtocolError> {
        let mut parser = RequestParser::default();
        let mut out = Vec::new();
        let mut pos = 0;
        loop {
            let (used, parsed) = parser.parse(&input[pos..])?;
            pos += used;
            match got(&parser, parsed) {
                Some(g) => out.push(g),
                None => return Ok(out),
            }
        }
    }

    fn cmd(args: &[&str]) -> Got {
        Got::Command(args.iter().map(|a| a.as_bytes().to_vec()).collect())
    }

    #[test]
    fn multibulk_and_inline_requests_pipelined_in_one_read() {
        let input = b"*2\r\n$4\r\nECHO\r\n$2\r\nhi\r\nPING\r\nSET k \"a b\"\n\r\n*0\r\n*-1\r\n";
        assert_eq!(
            parse_all(input).unwrap(),
            [
                cmd(&["ECHO", "hi"]),
                cmd(&["PING"]),
                cmd(&["SET", "k", "a b"]),
                Got::Empty,
                Got::Empty,
                Got::Empty
            ]
        );
    }

    #[test]
    fn a_request_in_pieces_is_read_once_it_is_whole() {
        let input = b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhello\r\n";
        let mut parser = RequestParser::default();
        let mut buffer = Vec::new();
        let mut found = None;
        for &byte in input.iter() {
            buffer.push(byte);
            let (used, parsed) = parser.parse(&buffer).unwrap();
            buffer.drain(..used);
            if let Some(g) = got(&parser, parsed) {
                found = Some(g);
            }
        }
        assert_eq!(found, Some(cmd(&["SET", "k", "hello"])));
        assert!(buffer.is_empty());
    }

    #[test]
    fn protocol_errors_have_redis_texts() {
        let error = |input: &[u8]| {
            let e = parse_all(input).unwrap_err();
            String::from_utf8(e.message()).unwrap()
        };
        assert_eq!(
            error(b"*x\r\n"),
            "ERR Protocol error: invalid multibulk length"
        );
        assert_eq!(
            error(b"*1048577\r\n"),
            "ERR Protocol error: invalid multibulk length"
        );
        assert_eq!(
            error(b"*1\r\nfoo\r\n"),
            "ERR Protocol error: expected '$', got 'f'"
        );
        assert_eq!(
            error(b"*1\r\n$-1\r\n"),
            "ERR Protocol error: invalid bulk length"
        );
        assert_eq!(
            error(b"*1\r\n$536870913\r\n"),
            "ERR Protocol error: invalid bulk length"
        );
        assert_eq!(
            error(b"SET \"a\r\n"),
            "ERR Protocol error: unbalanced quotes in request"
        );
        assert_eq!(
            error(&vec![b'a'; PROTO_INLINE_MAX_SIZE + 1]),
            "ERR Protocol error: too big inline request"
        );
        let mut count = b"*".to_vec();
        count.resize(PROTO_INLINE_MAX_SIZE + 2, b'1');
        assert_eq!(
            error(&count),
            "ERR Protocol error: too big mbulk count string"
        );
    }

    #[test]
    fn a_big_bulk_is_refused_from_its_header_before_its_bytes_arrive() {
        let mut parser = RequestParser::default();
        assert_eq!(
            parser.parse(b"*1\r\n$536870913\r\n"),
            Err(ProtocolError::InvalidBulkLength)
        );
        let mut parser = RequestParser::default();
        // Within the limit, the parser waits for the bytes without holding them itself.
        assert_eq!(
            parser.parse(b"*1\r\n$536870912\r\n").unwrap(),
            (16, Parsed::Incomplete)
        );
    }

    #[test]
    fn replies_in_resp2_and_resp3() {
        let hash = Reply::bulks(["f", "v"]);
        let written = |reply: &Reply, resp3: bool, shape: Shape| {
            let mut out = Vec::new();
            write_reply(&mut out, reply, resp3, shape);
            String::from_utf8(out).unwrap()
        };
        assert_eq!(
            written(&hash, false, Shape::Map),
            "*2\r\n$1\r\nf\r\n$1\r\nv\r\n"
        );
        assert_eq!(
            written(&hash, true, Shape::Map),
            "%1\r\n$1\r\nf\r\n$1\r\nv\r\n"
        );
        assert_eq!(
            written(&hash, true, Shape::Pairs),
            "*1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n"
        );
        let docs = Reply::Array(vec![Reply::bulk("get"), Reply::bulks(["group", "string"])]);
        assert_eq!(
            written(&docs, true, Shape::MapOfMaps),
            "%1\r\n$3\r\nget\r\n%1\r\n$5\r\ngroup\r\n$6\r\nstring\r\n"
        );
        assert_eq!(written(&Reply::Nil, false, Shape::Plain), "$-1\r\n");
        assert_eq!(written(&Reply::Nil, true, Shape::Plain), "_\r\n");
        assert_eq!(written(&Reply::Integer(-3), true, Shape::Plain), ":-3\r\n");
        assert_eq!(written(&Reply::Integer(0), true, Shape::Plain), ":0\r\n");
        assert_eq!(
            written(&Reply::Integer(i64::MIN), false, Shape::Plain),
            ":-9223372036854775808\r\n"
        );
        assert_eq!(
            written(&Reply::Status("OK"), false, Shape::Plain),
            "+OK\r\n"
        );
        assert_eq!(
            written(&Reply::Error(b"ERR a\r\nb".to_vec()), false, Shape::Plain),
            "-ERR a  b\r\n"
        );
    }
}
