//! Replies as data (RESP2), and redis-cli's human (`--no-raw`) printing of them.

use super::error::CommandError;
use super::split::push_repr;

/// A reply of the emulated server, mirroring RESP2.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Reply {
    /// A status line such as `OK` or `PONG`.
    Status(&'static str),
    /// An error reply; the message is bytes, as an unknown command echoes what was typed.
    Error(Vec<u8>),
    /// An integer.
    Integer(i64),
    /// A bulk string.
    Bulk(Vec<u8>),
    /// The null bulk string.
    Nil,
    /// The null array (`*-1`): what `EXEC` replies when a watched key was modified. redis-cli
    /// prints it as it prints [`Reply::Nil`].
    NilArray,
    /// An array (possibly nested).
    Array(Vec<Reply>),
}

impl From<CommandError> for Reply {
    fn from(error: CommandError) -> Self {
        Reply::Error(error.message())
    }
}

impl Reply {
    /// `OK`.
    pub fn ok() -> Reply {
        Reply::Status("OK")
    }

    /// A bulk string from anything byte-like.
    pub fn bulk(bytes: impl Into<Vec<u8>>) -> Reply {
        Reply::Bulk(bytes.into())
    }

    /// A flat array of bulk strings.
    pub fn bulks<I, B>(items: I) -> Reply
    where
        I: IntoIterator<Item = B>,
        B: Into<Vec<u8>>,
    {
        Reply::Array(items.into_iter().map(|b| Reply::Bulk(b.into())).collect())
    }

    /// Whether this is an error reply.
    pub fn is_error(&self) -> bool {
        matches!(self, Reply::Error(_))
    }

    /// The reply printed exactly as `redis-cli --no-raw` prints it, final newline included.
    ///
    /// ```text
    /// Status("OK")                 OK
    /// Integer(1)                   (integer) 1
    /// Bulk("é")                    "\xc3\xa9"
    /// Array([Bulk(a), Bulk(b)])    1) "a"
    ///                              2) "b"
    /// ```
    pub fn to_cli_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.print_into(&mut out, "");
        out
    }

    /// [`Reply::to_cli_bytes`] as text (bytes that are not UTF-8 only occur in error replies
    /// that echo them; they are replaced with U+FFFD).
    pub fn to_cli_string(&self) -> String {
        String::from_utf8_lossy(&self.to_cli_bytes()).into_owned()
    }

    fn print_into(&self, out: &mut Vec<u8>, prefix: &str) {
        match self {
            Reply::Status(text) => {
                out.extend_from_slice(text.as_bytes());
                out.push(b'\n');
            }
            Reply::Error(message) => {
                // redis-cli prints the message with `%s`: a NUL byte would end it.
                let end = message
                    .iter()
                    .position(|&b| b == 0)
                    .unwrap_or(message.len());
                out.extend_from_slice(b"(error) ");
                out.extend_from_slice(&message[..end]);
                out.push(b'\n');
            }
            Reply::Integer(n) => {
                out.extend_from_slice(format!("(integer) {n}\n").as_bytes());
            }
            Reply::Bulk(bytes) => {
                let mut text = String::with_capacity(bytes.len() + 3);
                push_repr(&mut text, bytes);
                out.extend_from_slice(text.as_bytes());
                out.push(b'\n');
            }
            Reply::Nil | Reply::NilArray => out.extend_from_slice(b"(nil)\n"),
            Reply::Array(items) if items.is_empty() => out.extend_from_slice(b"(empty array)\n"),
            Reply::Array(items) => {
                // The index is right-aligned to the width of the element count; nested arrays
                // are indented by the parent's prefix plus that width and two spaces.
                let width = items.len().to_string().len();
                let child_prefix = format!("{prefix}{}", " ".repeat(width + 2));
                for (i, item) in items.iter().enumerate() {
                    let lead = if i == 0 { "" } else { prefix };
                    out.extend_from_slice(format!("{lead}{:>width$}) ", i + 1).as_bytes());
                    item.print_into(out, &child_prefix);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn printed(reply: Reply) -> String {
        reply.to_cli_string()
    }

    #[test]
    fn scalars_print_like_redis_cli() {
        assert_eq!(printed(Reply::ok()), "OK\n");
        assert_eq!(printed(Reply::Integer(-3)), "(integer) -3\n");
        assert_eq!(printed(Reply::Nil), "(nil)\n");
        assert_eq!(printed(Reply::bulk("150")), "\"150\"\n");
        assert_eq!(
            printed(CommandError::WrongType.into()),
            "(error) WRONGTYPE Operation against a key holding the wrong kind of value\n"
        );
    }

    #[test]
    fn bulk_strings_escape_like_sdscatrepr() {
        assert_eq!(printed(Reply::bulk("é")), "\"\\xc3\\xa9\"\n");
        assert_eq!(
            printed(Reply::bulk(b"a\"\\\n\r\t\x07\x08\x00\x7f".to_vec())),
            "\"a\\\"\\\\\\n\\r\\t\\a\\b\\x00\\x7f\"\n"
        );
    }

    #[test]
    fn arrays_pad_the_index_to_the_count_width() {
        let ten = Reply::bulks((1..=10).map(|i| i.to_string()));
        let text = printed(ten);
        assert!(text.starts_with(" 1) \"1\"\n 2) \"2\"\n"), "{text}");
        assert!(text.ends_with("10) \"10\"\n"), "{text}");
        assert_eq!(printed(Reply::Array(vec![])), "(empty array)\n");
    }

    #[test]
    fn nested_arrays_put_the_first_element_on_the_parents_line() {
        let scan = Reply::Array(vec![Reply::bulk("0"), Reply::bulks(["product1", "100"])]);
        assert_eq!(
            printed(scan),
            "1) \"0\"\n2) 1) \"product1\"\n   2) \"100\"\n"
        );
        let empty_scan = Reply::Array(vec![Reply::bulk("0"), Reply::Array(vec![])]);
        assert_eq!(printed(empty_scan), "1) \"0\"\n2) (empty array)\n");
    }
}
