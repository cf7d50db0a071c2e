//! Splitting a typed line into arguments exactly as redis-cli does (`sdssplitargs` in Redis's
//! `sds.c`), and its inverse: quoting an argument so that it splits back to itself.
//!
//! Arguments are bytes, not text: `"\xc3\xa9"` is the two bytes of `é`, and `"\x00"` is a NUL.

/// A byte `c` inside `quote`s (its escapes already handled): the closing quote (which must be
/// followed by whitespace or the end of the line) returns true; the end of the line inside
/// quotes is an error; anything else is kept.
#[inline]
fn quoted(c: u8, quote: u8, next: u8, bytes: &mut Vec<u8>) -> Result<bool, InvalidArguments> {
    if c == quote {
        if next != 0 && !is_c_space(next) {
            return Err(InvalidArguments);
        }
        Ok(true)
    } else if c == 0 {
        Err(InvalidArguments)
    } else {
        bytes.push(c);
        Ok(false)
    }
}

/// The line could not be split: an unbalanced quote, or a closing quote followed by something
/// other than whitespace. redis-cli prints `Invalid argument(s)` and sends nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InvalidArguments;

/// Byte classes for the splitter's fast path: which bytes end a run of ordinary bytes.
const STOPS_UNQUOTED: u8 = 1;
const STOPS_IN_DOUBLE: u8 = 2;
const STOPS_IN_SINGLE: u8 = 4;

static BYTE_CLASS: [u8; 256] = {
    let mut class = [0u8; 256];
    class[b' ' as usize] = STOPS_UNQUOTED;
    class[b'\n' as usize] = STOPS_UNQUOTED;
    class[b'\r' as usize] = STOPS_UNQUOTED;
    class[b'\t' as usize] = STOPS_UNQUOTED;
    class[b'"' as usize] = STOPS_UNQUOTED | STOPS_IN_DOUBLE;
    class[b'\'' as usize] = STOPS_UNQUOTED | STOPS_IN_SINGLE;
    class[b'\\' as usize] = STOPS_IN_DOUBLE | STOPS_IN_SINGLE;
    class
};

/// C's `isspace` in the "C" locale.
fn is_c_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// Where the next argument starts: past the spaces (as C's `isspace`) from `p`.
fn skip_spaces(line: &[u8], mut p: usize) -> usize {
    while p < line.len() && is_c_space(line[p]) {
        p += 1;
    }
    p
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Arguments split from one line, kept in two reusable buffers (all bytes back to back, and
/// where each argument starts and ends), so that running a command allocates nothing.
#[derive(Clone, Debug, Default)]
pub struct ArgBuffer {
    bytes: Vec<u8>,
    bounds: Vec<(usize, usize)>,
}

impl ArgBuffer {
    /// An empty buffer.
    pub fn new() -> Self {
        Self::default()
    }

    /// Forgets the arguments, keeping the memory.
    pub fn clear(&mut self) {
        self.bytes.clear();
        self.bounds.clear();
    }

    /// Appends one argument.
    pub fn push(&mut self, arg: &[u8]) {
        let start = self.bytes.len();
        self.bytes.extend_from_slice(arg);
        self.bounds.push((start, self.bytes.len()));
    }

    /// Keeps at most about `bytes` of memory once the arguments are cleared (after a large
    /// request).
    pub fn shrink_to(&mut self, bytes: usize) {
        if self.bytes.capacity() > bytes && self.bytes.len() <= bytes {
            self.bytes.shrink_to(bytes);
        }
        let pairs = bytes / std::mem::size_of::<(usize, usize)>();
        if self.bounds.capacity() > pairs && self.bounds.len() <= pairs {
            self.bounds.shrink_to(pairs);
        }
    }

    /// A view of the arguments.
    pub fn argv(&self) -> Argv<'_> {
        Argv {
            bytes: &self.bytes,
            bounds: &self.bounds,
        }
    }
}

/// A borrowed list of arguments (a view into an [`ArgBuffer`]).
#[derive(Clone, Copy, Debug)]
pub struct Argv<'a> {
    bytes: &'a [u8],
    bounds: &'a [(usize, usize)],
}

impl<'a> Argv<'a> {
    /// How many arguments.
    pub fn len(&self) -> usize {
        self.bounds.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.bounds.is_empty()
    }

    /// The argument at `i`, if any.
    pub fn get(&self, i: usize) -> Option<&'a [u8]> {
        let &(start, end) = self.bounds.get(i)?;
        self.bytes.get(start..end)
    }

    /// The arguments from `i` on.
    pub fn from(&self, i: usize) -> Argv<'a> {
        Argv {
            bytes: self.bytes,
            bounds: self.bounds.get(i..).unwrap_or(&[]),
        }
    }

    /// Every argument, in order.
    pub fn iter(&self) -> impl Iterator<Item = &'a [u8]> + 'a {
        let bytes = self.bytes;
        self.bounds
            .iter()
            .map(move |&(s, e)| bytes.get(s..e).unwrap_or(&[]))
    }

    /// The arguments as a vector of slices (for slice patterns).
    pub fn to_slices(&self) -> Vec<&'a [u8]> {
        self.iter().collect()
    }

    /// The arguments as owned byte strings.
    pub fn to_vecs(&self) -> Vec<Vec<u8>> {
        self.iter().map(<[u8]>::to_vec).collect()
    }
}

/// Splits `line` into arguments with `sdssplitargs` semantics.
///
/// The line is read as a C string: it ends at its first NUL byte, as it does in redis-cli.
///
/// ```text
/// HSET product_prices "product 1" 150   →  [HSET] [product_prices] [product 1] [150]
/// "\xc3\xa9" '\n'                        →  [é] [\n] (two literal bytes)
/// a"b c"                                 →  [ab c]
/// "a"b                                   →  Invalid argument(s)
/// ```
pub fn split_args(line: &[u8]) -> Result<Vec<Vec<u8>>, InvalidArguments> {
    let mut buf = ArgBuffer::new();
    split_into(line, &mut buf)?;
    Ok(buf.argv().to_vecs())
}

/// [`split_args`] into a reusable buffer (what the emulator uses, to allocate nothing).
pub fn split_into(line: &[u8], buf: &mut ArgBuffer) -> Result<(), InvalidArguments> {
    buf.clear();
    let end = memchr::memchr(0, line).unwrap_or(line.len());
    let line = &line[..end];
    // Most lines quote nothing: then an argument is a run of bytes up to a space, tab, CR or
    // LF (a vertical tab or form feed only counts as space between arguments, as in
    // sdssplitargs), and the line is copied once.
    if memchr::memchr2(b'"', b'\'', line).is_none() {
        buf.bytes.extend_from_slice(line);
        let ends_unquoted = |b: u8| matches!(b, b' ' | b'\n' | b'\r' | b'\t');
        let mut p = 0;
        loop {
            p = skip_spaces(line, p);
            if p >= line.len() {
                return Ok(());
            }
            let start = p;
            while p < line.len() && !ends_unquoted(line[p]) {
                p += 1;
            }
            buf.bounds.push((start, p));
        }
    }
    split_general(line, buf)
}

/// The whole of sdssplitargs, for lines with quotes (`line` already cut at its first NUL).
fn split_general(line: &[u8], buf: &mut ArgBuffer) -> Result<(), InvalidArguments> {
    // Reading past the end gives 0, like the NUL that ends a C string.
    let at = |i: usize| line.get(i).copied().unwrap_or(0);

    let mut p = 0;
    loop {
        p = skip_spaces(line, p);
        if p >= line.len() {
            return Ok(());
        }
        let start = buf.bytes.len();
        let mut in_double = false;
        let mut in_single = false;
        let mut done = false;
        while !done {
            // Copy a run of ordinary bytes at once; the byte that ends it is handled below.
            let stop = if in_double {
                STOPS_IN_DOUBLE
            } else if in_single {
                STOPS_IN_SINGLE
            } else {
                STOPS_UNQUOTED
            };
            let run = line[p.min(line.len())..]
                .iter()
                .take_while(|&&b| BYTE_CLASS[usize::from(b)] & stop == 0)
                .count();
            if run > 0 {
                buf.bytes.extend_from_slice(&line[p..p + run]);
                p += run;
                continue;
            }
            let c = at(p);
            if in_double {
                if c == b'\\' && at(p + 1) == b'x' {
                    if let (Some(hi), Some(lo)) = (hex_value(at(p + 2)), hex_value(at(p + 3))) {
                        buf.bytes.push(hi * 16 + lo);
                        p += 3;
                    } else {
                        // `\x` without two hex digits is an unknown escape: it gives `x`.
                        p += 1;
                        buf.bytes.push(b'x');
                    }
                } else if c == b'\\' && at(p + 1) != 0 {
                    p += 1;
                    buf.bytes.push(match at(p) {
                        b'n' => b'\n',
                        b'r' => b'\r',
                        b't' => b'\t',
                        b'b' => 0x08,
                        b'a' => 0x07,
                        other => other,
                    });
                } else {
                    done = quoted(c, b'"', at(p + 1), &mut buf.bytes)?;
                }
            } else if in_single {
                if c == b'\\' && at(p + 1) == b'\'' {
                    p += 1;
                    buf.bytes.push(b'\'');
                } else {
                    done = quoted(c, b'\'', at(p + 1), &mut buf.bytes)?;
                }
            } else {
                match c {
                    b' ' | b'\n' | b'\r' | b'\t' | 0 => done = true,
                    b'"' => in_double = true,
                    b'\'' => in_single = true,
                    other => buf.bytes.push(other),
                }
            }
            if at(p) != 0 {
                p += 1;
            }
        }
        buf.bounds.push((start, buf.bytes.len()));
    }
}

/// Quotes `arg` so that [`split_args`] gives it back unchanged.
///
/// Plain arguments (printable ASCII without spaces, quotes or backslashes) are returned as they
/// are; anything else is written in double quotes with redis-cli's escapes, the same form
/// redis-cli uses to print a bulk string (`"\xc3\xa9"`).
pub fn quote_arg(arg: &[u8]) -> String {
    let plain = !arg.is_empty()
        && arg
            .iter()
            .all(|&b| b.is_ascii_graphic() && !matches!(b, b'"' | b'\'' | b'\\'));
    if plain {
        // Only printable ASCII: the conversion cannot fail.
        return String::from_utf8_lossy(arg).into_owned();
    }
    let mut out = String::with_capacity(arg.len() + 2);
    push_repr(&mut out, arg);
    out
}

/// Appends `bytes` in double quotes with redis-cli's escapes (`sdscatrepr`): `\\ \" \n \r \t
/// \a \b`, printable ASCII as is, every other byte as lowercase `\xNN`.
pub fn push_repr(out: &mut String, bytes: &[u8]) {
    out.push('"');
    for &b in bytes {
        match b {
            b'\\' => out.push_str("\\\\"),
            b'"' => out.push_str("\\\""),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            0x07 => out.push_str("\\a"),
            0x08 => out.push_str("\\b"),
            0x20..=0x7e => out.push(b as char),
            _ => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.push_str("\\x");
                out.push(HEX[usize::from(b >> 4)] as char);
                out.push(HEX[usize::from(b & 0x0f)] as char);
            }
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fast path for lines without quotes gives exactly what the full splitter gives, on
    /// random lines of the bytes that matter (every kind of space, backslashes, NUL, letters).
    #[test]
    fn the_unquoted_fast_path_agrees_with_the_full_splitter() {
        let alphabet = b" \t\n\r\x0b\x0c\\\0axHSET9";
        let mut rng = crate::emulator::rng::Rng::seeded(7);
        for _ in 0..20_000 {
            let len = rng.below(12);
            let line: Vec<u8> = (0..len)
                .map(|_| alphabet[rng.below(alphabet.len())])
                .collect();
            let (mut fast, mut full) = (ArgBuffer::new(), ArgBuffer::new());
            let end = line.iter().position(|&b| b == 0).unwrap_or(line.len());
            let fast_result = split_into(&line, &mut fast);
            let full_result = split_general(&line[..end], &mut full);
            assert_eq!(fast_result, full_result, "{line:?}");
            assert_eq!(fast.argv().to_vecs(), full.argv().to_vecs(), "{line:?}");
        }
    }

    fn split(line: &str) -> Result<Vec<String>, InvalidArguments> {
        split_args(line.as_bytes()).map(|args| {
            args.into_iter()
                .map(|a| String::from_utf8_lossy(&a).into_owned())
                .collect()
        })
    }

    fn ok(line: &str, expected: &[&str]) {
        assert_eq!(
            split(line),
            Ok(expected.iter().map(|s| s.to_string()).collect()),
            "line {line:?}"
        );
    }

    #[test]
    fn splits_on_runs_of_blanks() {
        ok(
            "HSET  product_prices\tproduct1 150",
            &["HSET", "product_prices", "product1", "150"],
        );
        ok("  PING  ", &["PING"]);
        ok("", &[]);
        ok(" \t \r ", &[]);
        ok("a\rb", &["a", "b"]);
    }

    #[test]
    fn vertical_tab_and_form_feed_are_skipped_between_tokens_but_kept_inside() {
        ok("\x0b\x0cPING", &["PING"]);
        ok("a\x0bb", &["a\x0bb"]);
    }

    #[test]
    fn double_quotes_understand_escapes() {
        ok(r#""a b""#, &["a b"]);
        ok(r#""\n\r\t\\\"""#, &["\n\r\t\\\""]);
        ok(r#""\q""#, &["q"]);
        ok(r#""\xZZ""#, &["xZZ"]);
        ok(r#""\x4A\x4a""#, &["JJ"]);
        assert_eq!(split_args(br#""\xc3\xa9""#), Ok(vec![vec![0xc3, 0xa9]]));
        assert_eq!(split_args(br#""\b\a""#), Ok(vec![vec![0x08, 0x07]]));
    }

    #[test]
    fn single_quotes_only_understand_escaped_single_quotes() {
        ok(r"'a\'b'", &["a'b"]);
        ok(r"'a\nb'", &["a\\nb"]);
    }

    #[test]
    fn quotes_may_open_mid_token_and_empty_quotes_are_empty_arguments() {
        ok(r#"a"b c""#, &["ab c"]);
        ok(r#""" ''"#, &["", ""]);
        ok(r#"a\"b c""#, &["a\\b c"]);
    }

    #[test]
    fn backslash_outside_quotes_is_literal() {
        assert_eq!(split_args(br"a\nb"), Ok(vec![b"a\\nb".to_vec()]));
    }

    #[test]
    fn unbalanced_or_glued_quotes_are_invalid() {
        for line in [r#""abc"#, "'abc", r#""a"b"#, "'a'b", r#""abc\"#] {
            assert_eq!(split(line), Err(InvalidArguments), "line {line:?}");
        }
    }

    #[test]
    fn a_nul_byte_ends_the_line() {
        assert_eq!(split_args(b"PING\0 junk"), Ok(vec![b"PING".to_vec()]));
        assert_eq!(split_args(b"\"ab\0c\""), Err(InvalidArguments));
    }

    #[test]
    fn quoting_splits_back_to_the_same_bytes() {
        let samples: [&[u8]; 9] = [
            b"product1",
            b"product 1",
            b"",
            b"\"quoted\"",
            b"it's",
            b"back\\slash",
            "é".as_bytes(),
            b"\x00\x01\xff\n\r\t\x07\x08",
            b"--",
        ];
        for sample in samples {
            let quoted = quote_arg(sample);
            assert_eq!(
                split_args(quoted.as_bytes()),
                Ok(vec![sample.to_vec()]),
                "quoted {quoted:?}"
            );
        }
        assert_eq!(quote_arg(b"product1"), "product1");
        assert_eq!(quote_arg("é".as_bytes()), r#""\xc3\xa9""#);
    }
}
