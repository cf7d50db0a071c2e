//! The errors a command can reply with. Each variant's text is Redis 7.0's to the letter; they
//! become error replies in exactly one place, `Reply::from(CommandError)`.

use std::fmt;

/// An error reply from the emulated server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CommandError {
    /// The command name is not one Redis knows.
    UnknownCommand { name: Vec<u8>, args: Vec<Vec<u8>> },
    /// A command Redis 7.0 has but this emulator does not implement.
    NotSupported { name: String },
    /// An option EXPIRE does not know (its text as typed, up to a NUL byte).
    UnsupportedOption(Vec<u8>),
    /// EXPIRE's NX with XX, GT or LT.
    ExpireOptionsNx,
    /// EXPIRE's GT with LT.
    ExpireOptionsGtLt,
    /// DECRBY's decrement is the one number that cannot be negated.
    DecrementOverflow,
    /// A string would grow past `proto-max-bulk-len` (APPEND).
    StringTooLong,
    /// Wrong number of arguments; carries the command's lowercase name.
    WrongArity(&'static str),
    /// The key holds a value of another type.
    WrongType,
    /// An argument that must be a 64-bit integer is not one.
    NotAnInteger,
    /// The hash field holds something other than an integer (HINCRBY).
    HashValueNotAnInteger,
    /// An integer increment would leave the 64-bit range.
    Overflow,
    /// An argument that must be a float is not one.
    NotAFloat,
    /// The increment of HINCRBYFLOAT is NaN or infinite.
    NanOrInfinity,
    /// The hash field holds something other than a float (HINCRBYFLOAT).
    HashValueNotAFloat,
    /// The float increment would give NaN or infinity.
    IncrementWouldBeNanOrInfinity,
    /// The key does not exist (RENAME).
    NoSuchKey,
    /// A syntax error in the command's options.
    Syntax,
    /// An HSCAN cursor that is not an unsigned number.
    InvalidCursor,
    /// A SET expiry that is not positive or overflows.
    InvalidExpireTime(&'static str),
    /// A count beyond half the range of a long (HRANDFIELD ... WITHVALUES).
    OutOfRange,
    /// A negative count (LPOP, RPOP).
    MustBePositive,
    /// A count outside the given inclusive range.
    OutOfRangeBetween(i64, i64),
    /// HRANDFIELD with a negative count beyond what the emulator will hold in one reply
    /// (Redis itself would stream billions of fields; this is the emulator's own limit).
    TooManyPicks(i64),
    /// SETRANGE's offset is negative.
    OffsetOutOfRange,
    /// SETBIT's and GETBIT's offset is not an integer, negative, or 2^32 bits or more.
    BitOffset,
    /// SETBIT's value is not 0 or 1.
    BitValue,
    /// LCS on a key that holds something other than a string.
    LcsNotStrings,
    /// LCS with both LEN and IDX.
    LcsLenAndIdx,
    /// An allocation the server cannot make (LCS's table).
    InsufficientMemory,
    /// COPY of a key to itself.
    SameObject,
    /// A database number that is not one of the sixteen.
    DbIndexOutOfRange,
    /// COPY to another database where there is only one (the lab's Redis is database 0).
    OtherDatabase,
    /// RESTORE onto an existing key without REPLACE.
    BusyKey,
    /// RESTORE's TTL is negative.
    InvalidTtl,
    /// RESTORE's IDLETIME is negative.
    InvalidIdletime,
    /// RESTORE's FREQ is outside 0 to 255.
    InvalidFreq,
    /// A DUMP payload too short, of a newer RDB version, or with a wrong checksum.
    DumpPayload,
    /// A DUMP payload whose value Redis could not have written.
    BadDataFormat,
    /// A DUMP payload of a kind of value the emulator does not hold.
    UnsupportedPayload(&'static str),
    /// The server is at `maxmemory` with the `noeviction` policy and refuses commands that add
    /// data (`-OOM`, as Redis words it).
    OutOfMemory,
    /// A container command's subcommand it does not have (`OBJECT FOO`): the subcommand as
    /// typed, and the command's name in upper case.
    UnknownSubcommand { sub: Vec<u8>, command: &'static str },
    /// OBJECT FREQ without an LFU `maxmemory-policy` (the emulator's is `noeviction`).
    NoLfuPolicy,
    /// MULTI inside a transaction.
    NestedMulti,
    /// A command Redis flags `no-multi` (SAVE, SHUTDOWN, SYNC, PSYNC) inside a transaction.
    NotInMulti,
    /// EXEC with no MULTI before it.
    ExecWithoutMulti,
    /// DISCARD with no MULTI before it.
    DiscardWithoutMulti,
    /// WATCH inside a transaction.
    WatchInsideMulti,
    /// EXEC after a command was refused while queueing.
    ExecAbort,
    /// EXEC of a transaction that would add data while the server is out of memory.
    ExecAbortOutOfMemory,
    /// EXEC with arguments (refused, and the transaction with it, even outside one).
    ExecAbortArity,
}

/// C's `%.*s`: at most `max` bytes, and never past a NUL byte.
fn c_str(bytes: &[u8], max: usize) -> &[u8] {
    let end = bytes
        .iter()
        .position(|&b| b == 0)
        .unwrap_or(bytes.len())
        .min(max);
    &bytes[..end]
}

impl CommandError {
    /// The error message as the server sends it (without the leading `-`), as bytes: an unknown
    /// command echoes the bytes that were typed.
    pub fn message(&self) -> Vec<u8> {
        let text = match self {
            CommandError::UnknownCommand { name, args } => {
                return unknown_command_message(name, args)
            }
            CommandError::NotSupported { name } => {
                format!("ERR '{name}' is a Redis command that this emulator does not implement")
            }
            CommandError::WrongArity(name) => {
                format!("ERR wrong number of arguments for '{name}' command")
            }
            CommandError::WrongType => {
                "WRONGTYPE Operation against a key holding the wrong kind of value".to_owned()
            }
            CommandError::NotAnInteger => "ERR value is not an integer or out of range".to_owned(),
            CommandError::HashValueNotAnInteger => "ERR hash value is not an integer".to_owned(),
            CommandError::Overflow => "ERR increment or decrement would overflow".to_owned(),
            CommandError::DecrementOverflow => "ERR decrement would overflow".to_owned(),
            CommandError::UnknownSubcommand { sub, command } => {
                let mut m = b"ERR unknown subcommand '".to_vec();
                m.extend_from_slice(c_str(sub, 128));
                m.extend_from_slice(format!("'. Try {command} HELP.").as_bytes());
                return m;
            }
            CommandError::NoLfuPolicy => "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.".to_owned(),
            CommandError::UnsupportedOption(option) => {
                let mut m = b"ERR Unsupported option ".to_vec();
                m.extend_from_slice(option);
                return m;
            }
            CommandError::ExpireOptionsNx => {
                "ERR NX and XX, GT or LT options at the same time are not compatible".to_owned()
            }
            CommandError::ExpireOptionsGtLt => {
                "ERR GT and LT options at the same time are not compatible".to_owned()
            }
            CommandError::StringTooLong => {
                "ERR string exceeds maximum allowed size (proto-max-bulk-len)".to_owned()
            }
            CommandError::NotAFloat => "ERR value is not a valid float".to_owned(),
            CommandError::NanOrInfinity => "ERR value is NaN or Infinity".to_owned(),
            CommandError::HashValueNotAFloat => "ERR hash value is not a float".to_owned(),
            CommandError::IncrementWouldBeNanOrInfinity => {
                "ERR increment would produce NaN or Infinity".to_owned()
            }
            CommandError::NoSuchKey => "ERR no such key".to_owned(),
            CommandError::Syntax => "ERR syntax error".to_owned(),
            CommandError::InvalidCursor => "ERR invalid cursor".to_owned(),
            CommandError::InvalidExpireTime(name) => {
                format!("ERR invalid expire time in '{name}' command")
            }
            CommandError::OutOfRange => "ERR value is out of range".to_owned(),
            CommandError::MustBePositive => "ERR value is out of range, must be positive".to_owned(),
            CommandError::OutOfMemory => {
                "OOM command not allowed when used memory > 'maxmemory'.".to_owned()
            }
            CommandError::OffsetOutOfRange => "ERR offset is out of range".to_owned(),
            CommandError::BitOffset => {
                "ERR bit offset is not an integer or out of range".to_owned()
            }
            CommandError::BitValue => "ERR bit is not an integer or out of range".to_owned(),
            CommandError::LcsNotStrings => {
                "ERR The specified keys must contain string values".to_owned()
            }
            CommandError::LcsLenAndIdx => {
                "ERR If you want both the length and indexes, please just use IDX.".to_owned()
            }
            CommandError::InsufficientMemory => "ERR Insufficient memory".to_owned(),
            CommandError::SameObject => {
                "ERR source and destination objects are the same".to_owned()
            }
            CommandError::DbIndexOutOfRange => "ERR DB index is out of range".to_owned(),
            CommandError::OtherDatabase => {
                "ERR the lab's Redis has one database (0): COPY to another one is not possible here"
                    .to_owned()
            }
            CommandError::BusyKey => "BUSYKEY Target key name already exists.".to_owned(),
            CommandError::InvalidTtl => "ERR Invalid TTL value, must be >= 0".to_owned(),
            CommandError::InvalidIdletime => "ERR Invalid IDLETIME value, must be >= 0".to_owned(),
            CommandError::InvalidFreq => {
                "ERR Invalid FREQ value, must be >= 0 and <= 255".to_owned()
            }
            CommandError::DumpPayload => {
                "ERR DUMP payload version or checksum are wrong".to_owned()
            }
            CommandError::BadDataFormat => "ERR Bad data format".to_owned(),
            CommandError::UnsupportedPayload(kind) => format!(
                "ERR the payload holds a {kind}: the lab's Redis holds strings, hashes and lists only"
            ),
            CommandError::NestedMulti => "ERR MULTI calls can not be nested".to_owned(),
            CommandError::NotInMulti => "ERR Command not allowed inside a transaction".to_owned(),
            CommandError::ExecWithoutMulti => "ERR EXEC without MULTI".to_owned(),
            CommandError::DiscardWithoutMulti => "ERR DISCARD without MULTI".to_owned(),
            CommandError::WatchInsideMulti => "ERR WATCH inside MULTI is not allowed".to_owned(),
            CommandError::ExecAbort => {
                "EXECABORT Transaction discarded because of previous errors.".to_owned()
            }
            CommandError::ExecAbortOutOfMemory => "EXECABORT Transaction discarded because of: \
                 OOM command not allowed when used memory > 'maxmemory'."
                .to_owned(),
            CommandError::ExecAbortArity => "EXECABORT Transaction discarded because of: \
                 wrong number of arguments for 'exec' command"
                .to_owned(),
            CommandError::TooManyPicks(max) => {
                format!("ERR the emulator returns at most {max} random fields in one reply")
            }
            CommandError::OutOfRangeBetween(min, max) => {
                format!("ERR value is out of range, value must between {min} and {max}")
            }
        };
        text.into_bytes()
    }
}

/// `ERR unknown command 'NAME', with args beginning with: 'a' 'b' ` — the name cut to 128 bytes,
/// arguments added while the list is shorter than 128 bytes, each cut to fit; C strings, so a
/// NUL byte ends a name or an argument; CR and LF become spaces.
fn unknown_command_message(name: &[u8], args: &[Vec<u8>]) -> Vec<u8> {
    let mut listed: Vec<u8> = Vec::new();
    for arg in args {
        if listed.len() >= 128 {
            break;
        }
        let room = 128 - listed.len();
        listed.push(b'\'');
        listed.extend_from_slice(c_str(arg, room));
        listed.extend_from_slice(b"' ");
    }
    let mut message = b"ERR unknown command '".to_vec();
    message.extend_from_slice(c_str(name, 128));
    message.extend_from_slice(b"', with args beginning with: ");
    message.extend_from_slice(&listed);
    for b in &mut message {
        if *b == b'\r' || *b == b'\n' {
            *b = b' ';
        }
    }
    message
}

impl fmt::Display for CommandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&String::from_utf8_lossy(&self.message()))
    }
}

impl std::error::Error for CommandError {}

#[cfg(test)]
mod tests {
    use super::*;

    fn unknown(name: &str, args: &[&str]) -> String {
        CommandError::UnknownCommand {
            name: name.as_bytes().to_vec(),
            args: args.iter().map(|a| a.as_bytes().to_vec()).collect(),
        }
        .to_string()
    }

    #[test]
    fn unknown_command_lists_arguments_with_a_trailing_space() {
        assert_eq!(
            unknown("FOO", &["a", "b"]),
            "ERR unknown command 'FOO', with args beginning with: 'a' 'b' "
        );
        assert_eq!(
            unknown("FOO", &[]),
            "ERR unknown command 'FOO', with args beginning with: "
        );
    }

    #[test]
    fn unknown_command_cuts_long_names_and_arguments() {
        let long = "x".repeat(200);
        let msg = unknown(&long, &[&long, "more"]);
        let expected = format!(
            "ERR unknown command '{}', with args beginning with: '{}' ",
            "x".repeat(128),
            "x".repeat(128)
        );
        assert_eq!(msg, expected);
        let msg = unknown("f", &[&"a".repeat(120), "bcdefghijkl", "z"]);
        assert_eq!(
            msg,
            format!(
                "ERR unknown command 'f', with args beginning with: '{}' 'bcdef' ",
                "a".repeat(120)
            )
        );
    }

    #[test]
    fn unknown_command_replaces_line_breaks_and_stops_at_nul() {
        assert_eq!(
            unknown("a\r\nb", &["x\0y"]),
            "ERR unknown command 'a  b', with args beginning with: 'x' "
        );
    }

    #[test]
    fn arity_errors_use_the_lowercase_name() {
        assert_eq!(
            CommandError::WrongArity("hset").to_string(),
            "ERR wrong number of arguments for 'hset' command"
        );
    }
}
