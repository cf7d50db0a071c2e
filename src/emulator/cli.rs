//! The redis-cli layer: what redis-cli does with a line before and after the server sees it.
//!
//! - blank lines do nothing; a line that does not split prints `Invalid argument(s)`;
//! - `quit` / `exit` as the first token end the session;
//! - a first token that is a whole number, on a line with more tokens, repeats the command
//!   (`3 PING`); a count ≤ 0 or out of range prints
//!   `Invalid redis-cli repeat command option value.`;
//! - `help`, `?`, `clear` and `:set` are redis-cli's own and are not sent.

use super::cmd::{Spec, COMMANDS};
use super::number::repeat_count;
use super::split::split_args;
use super::{Emulator, Reply};

/// What one line produced.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LineOutput {
    /// Bytes for standard output, exactly as redis-cli writes them.
    pub stdout: Vec<u8>,
    /// Bytes redis-cli writes to standard error (a closed connection after QUIT).
    pub stderr: Vec<u8>,
    /// The replies of the commands the line ran, in order (empty for redis-cli's own commands).
    pub replies: Vec<Reply>,
    /// The argument vector sent (each repeat sends the same); empty when nothing was sent.
    pub argv: Vec<Vec<u8>>,
    /// The line was `clear`: a console should clear its screen.
    pub clear: bool,
    /// The line was `quit` or `exit`: the session is over.
    pub quit: bool,
}

/// A redis-cli session on an emulator: feed it lines, it answers as redis-cli would.
#[derive(Debug)]
pub struct Session {
    emulator: Emulator,
    finished: bool,
    max_repeat: Option<u64>,
}

/// C's `strcasecmp` against a C string: the token ends at its first NUL byte.
fn c_eq_ignore_case(token: &[u8], word: &str) -> bool {
    let end = token.iter().position(|&b| b == 0).unwrap_or(token.len());
    token[..end].eq_ignore_ascii_case(word.as_bytes())
}

impl Session {
    /// A session on `emulator`.
    pub fn new(emulator: Emulator) -> Self {
        Session {
            emulator,
            finished: false,
            max_repeat: None,
        }
    }

    /// A session that refuses repeat counts above `max` (redis-cli has no limit; a browser tab
    /// printing a billion PONGs would freeze, so the lab's console sets one).
    pub fn with_max_repeat(emulator: Emulator, max: u64) -> Self {
        Session {
            max_repeat: Some(max),
            ..Session::new(emulator)
        }
    }

    /// The emulator behind the session.
    pub fn emulator(&self) -> &Emulator {
        &self.emulator
    }

    /// The emulator behind the session, mutably.
    pub fn emulator_mut(&mut self) -> &mut Emulator {
        &mut self.emulator
    }

    /// Whether `quit` or `exit` ended the session (later lines do nothing).
    pub fn is_finished(&self) -> bool {
        self.finished
    }

    /// Runs one line (without its `\n`).
    pub fn feed_line(&mut self, line: &[u8]) -> LineOutput {
        if self.finished {
            return LineOutput::default();
        }
        let out = run_line(&mut self.emulator, line, self.max_repeat);
        self.finished = out.quit;
        out
    }
}

/// Runs one line (without its `\n`) on `emulator` as redis-cli would, refusing repeat counts
/// above `max_repeat` if one is given. A `quit` only sets [`LineOutput::quit`]: what ends is
/// up to the caller.
pub fn run_line(emulator: &mut Emulator, line: &[u8], max_repeat: Option<u64>) -> LineOutput {
    match plan_line(line, max_repeat) {
        Planned::Answered(out) => out,
        Planned::Send { argv, repeat } => {
            let replies = (0..repeat).map(|_| emulator.run(&argv)).collect();
            sent(argv, replies)
        }
    }
}

/// What redis-cli does with a line before the server sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Planned {
    /// redis-cli answers it itself (or prints an error); nothing is sent.
    Answered(LineOutput),
    /// Send `argv` to the server `repeat` times in a row, then print the replies ([`sent`]).
    Send { argv: Vec<Vec<u8>>, repeat: u64 },
}

/// The output of a line whose command `argv` was sent and answered with `replies`.
pub fn sent(argv: Vec<Vec<u8>>, replies: Vec<Reply>) -> LineOutput {
    let mut out = LineOutput::default();
    for reply in &replies {
        out.stdout.extend_from_slice(&reply.to_cli_bytes());
    }
    out.replies = replies;
    out.argv = argv;
    out
}

/// Splits `line` as redis-cli does and decides: answer it here (`help`, `clear`, `quit`, a
/// bad repeat count, a line that does not split) or send a command, how many times.
pub fn plan_line(line: &[u8], max_repeat: Option<u64>) -> Planned {
    let mut out = LineOutput::default();
    let Ok(argv) = split_args(line) else {
        out.stdout.extend_from_slice(b"Invalid argument(s)\n");
        return Planned::Answered(out);
    };
    if argv.is_empty() {
        return Planned::Answered(out);
    }
    let (repeat, argv) = if argv.len() > 1 {
        match repeat_count(&argv[0]) {
            Some(Ok(n)) => (n, &argv[1..]),
            Some(Err(())) => {
                out.stdout
                    .extend_from_slice(b"Invalid redis-cli repeat command option value.\n");
                return Planned::Answered(out);
            }
            None => (1, &argv[..]),
        }
    } else {
        (1, &argv[..])
    };
    // redis-cli looks at the first token of the line, repeat count included.
    if c_eq_ignore_case(&argv_first(line), "quit") || c_eq_ignore_case(&argv_first(line), "exit") {
        out.quit = true;
        return Planned::Answered(out);
    }
    let name = &argv[0];
    if argv.len() == 1 && c_eq_ignore_case(name, "clear") && repeat_was_absent(line) {
        out.stdout.extend_from_slice(b"\x1b[H\x1b[2J");
        out.clear = true;
        return Planned::Answered(out);
    }
    if c_eq_ignore_case(name, ":set") && repeat_was_absent(line) {
        match argv.get(1) {
            Some(pref) if c_eq_ignore_case(pref, "hints") || c_eq_ignore_case(pref, "nohints") => {}
            Some(pref) => {
                out.stdout
                    .extend_from_slice(b"unknown redis-cli preference '");
                out.stdout.extend_from_slice(pref);
                out.stdout.extend_from_slice(b"'\n");
            }
            None => out
                .stdout
                .extend_from_slice(b"unknown redis-cli internal command ':set'\n"),
        }
        return Planned::Answered(out);
    }
    if c_eq_ignore_case(name, "help") || c_eq_ignore_case(name, "?") {
        out.stdout.extend_from_slice(help(&argv[1..]).as_bytes());
        return Planned::Answered(out);
    }
    if c_eq_ignore_case(name, "quit") {
        // `2 quit`: the server replies OK and closes the connection; redis-cli reconnects
        // for the next line.
        out.stdout.extend_from_slice(b"OK\n");
        out.replies.push(Reply::ok());
        if repeat > 1 {
            out.stderr
                .extend_from_slice(b"Error: Server closed the connection\n");
        }
        return Planned::Answered(out);
    }
    if let Some(max) = max_repeat.filter(|&max| repeat > max) {
        out.stdout.extend_from_slice(
            format!("This console repeats a command at most {max} times.\n").as_bytes(),
        );
        return Planned::Answered(out);
    }
    Planned::Send {
        argv: argv.to_vec(),
        repeat,
    }
}

/// The line's own first token (before any repeat count is taken off).
fn argv_first(line: &[u8]) -> Vec<u8> {
    split_args(line)
        .ok()
        .and_then(|a| a.into_iter().next())
        .unwrap_or_default()
}

/// Whether the line's first token is the command itself (no repeat count in front).
fn repeat_was_absent(line: &[u8]) -> bool {
    let args = split_args(line).unwrap_or_default();
    args.len() < 2 || repeat_count(&args[0]).is_none()
}

/// The emulator's own `help`: an overview, `help <command>`, or `help @<group>`.
pub fn help(topic: &[Vec<u8>]) -> String {
    let Some(first) = topic.first() else {
        let mut text = String::from(
            "Write-Through Lab's Redis emulator (Redis 7.0 commands, redis-cli 7.0 output)\n\
             Type \"help <command>\" for one command, \"help @hash\" (or @string, @generic, @server,\n\
             @connection) for a group, \"clear\" to clear the screen.\n\nCommands:\n",
        );
        for spec in COMMANDS {
            text.push_str(&format!("  {:<13}{}\n", spec.display_name(), spec.summary));
        }
        return text;
    };
    let topic = String::from_utf8_lossy(first).into_owned();
    if let Some(group) = topic.strip_prefix('@') {
        let specs: Vec<&Spec> = COMMANDS
            .iter()
            .filter(|s| s.group.eq_ignore_ascii_case(group))
            .collect();
        if specs.is_empty() {
            return String::new();
        }
        return specs
            .iter()
            .map(|s| describe(s))
            .collect::<Vec<_>>()
            .join("");
    }
    match super::cmd::spec(&topic) {
        Some(spec) => describe(spec),
        None => String::new(),
    }
}

/// Words the console completes besides the commands: redis-cli's own.
const CLI_WORDS: [&str; 4] = ["CLEAR", "EXIT", "HELP", "QUIT"];

/// Tab completion of the command name: every command (and redis-cli word) that starts with
/// what was typed, in alphabetical order, upper case as redis-cli completes them. Only the first
/// word is completed; an empty input completes to nothing.
pub fn completions(input: &str) -> Vec<String> {
    let typed = input.trim_start();
    if typed.is_empty() || typed.contains(char::is_whitespace) {
        return Vec::new();
    }
    let mut words: Vec<String> = COMMANDS
        .iter()
        .map(Spec::display_name)
        .chain(CLI_WORDS.iter().map(|w| (*w).to_owned()))
        .filter(|w| w.len() >= typed.len() && w[..typed.len()].eq_ignore_ascii_case(typed))
        .collect();
    words.sort();
    words
}

/// The console's input line as redis-cli keeps it: what is typed, the lines sent before (↑ and ↓
/// walk them, ↓ past the newest clears the line) and Tab's turn through the completions of what
/// was typed (each Tab the next one; typing starts over).
#[derive(Debug, Default)]
pub struct Prompt {
    pub line: String,
    history: Vec<String>,
    /// Which history line is shown, if any.
    cursor: Option<usize>,
    /// The completions Tab turns through, and which one is shown.
    cycle: Option<(Vec<String>, usize)>,
}

impl Prompt {
    /// The learner typed: the line is theirs, and Tab starts over.
    pub fn typed(&mut self, line: String) {
        self.line = line;
        self.cycle = None;
    }

    /// A key pressed in the line (`ArrowUp`, `ArrowDown`, `Tab`, …): whether the prompt used it
    /// (then the browser's own action is not wanted).
    pub fn key(&mut self, key: &str) -> bool {
        match key {
            "ArrowUp" if !self.history.is_empty() => {
                let i = self
                    .cursor
                    .map_or(self.history.len() - 1, |i| i.saturating_sub(1));
                self.cursor = Some(i);
                self.line = self.history[i].clone();
                true
            }
            "ArrowDown" => {
                match self.cursor.map(|i| i + 1) {
                    Some(i) if i < self.history.len() => {
                        self.cursor = Some(i);
                        self.line = self.history[i].clone();
                    }
                    _ => {
                        self.cursor = None;
                        self.line.clear();
                    }
                }
                true
            }
            "Tab" => {
                let (words, i) = match self.cycle.take() {
                    Some((words, i)) => {
                        let next = (i + 1) % words.len();
                        (words, next)
                    }
                    None => (completions(&self.line), 0),
                };
                if words.is_empty() {
                    return false;
                }
                self.line = words[i].clone();
                self.cycle = Some((words, i));
                true
            }
            _ => false,
        }
    }

    /// Enter: the line is sent (and kept in the history unless blank); the prompt is empty again.
    pub fn submit(&mut self) -> String {
        let line = std::mem::take(&mut self.line);
        if !line.trim().is_empty() {
            self.history.push(line.clone());
        }
        self.cursor = None;
        self.cycle = None;
        line
    }
}

/// The syntax hint shown after the cursor, as redis-cli shows it: the command's arguments,
/// less the ones already typed (`HSET key ` → `field value [field value ...]`).
pub fn hint(input: &str) -> Option<String> {
    let args = split_args(input.as_bytes()).ok()?;
    let name = String::from_utf8_lossy(args.first()?).into_owned();
    let spec = super::cmd::spec(&name)?;
    let typed = args.len() - 1;
    // After a name typed without a space, the hint needs one to read.
    let lead = if input.ends_with(char::is_whitespace) {
        ""
    } else {
        " "
    };
    let rest: Vec<&str> = syntax_tokens(spec.syntax).into_iter().skip(typed).collect();
    if rest.is_empty() {
        return None;
    }
    Some(format!("{lead}{}", rest.join(" ")))
}

/// Splits a syntax line into its arguments, keeping `[...]` groups whole.
fn syntax_tokens(syntax: &str) -> Vec<&str> {
    let mut tokens = Vec::new();
    let (mut depth, mut start) = (0usize, None::<usize>);
    for (i, c) in syntax.char_indices() {
        match c {
            '[' => {
                if depth == 0 && start.is_none() {
                    start = Some(i);
                }
                depth += 1;
            }
            ']' => depth = depth.saturating_sub(1),
            ' ' if depth == 0 => {
                if let Some(s) = start.take() {
                    tokens.push(&syntax[s..i]);
                }
            }
            _ => {
                if start.is_none() {
                    start = Some(i);
                }
            }
        }
    }
    if let Some(s) = start {
        tokens.push(&syntax[s..]);
    }
    tokens
}

/// One command's help, in redis-cli's layout.
fn describe(spec: &Spec) -> String {
    let usage = if spec.syntax.is_empty() {
        spec.display_name()
    } else {
        format!("{} {}", spec.display_name(), spec.syntax)
    };
    format!(
        "\n  {usage}\n  summary: {}\n  group: {}\n",
        spec.summary, spec.group
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session() -> Session {
        Session::new(Emulator::new(Box::new(|| 1_000), 7))
    }

    fn run(lines: &[&str]) -> String {
        let mut s = session();
        let mut out = Vec::new();
        for line in lines {
            out.extend(s.feed_line(line.as_bytes()).stdout);
        }
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn repeat_counts_repeat_the_command() {
        assert_eq!(run(&["3 PING"]), "PONG\nPONG\nPONG\n");
        assert_eq!(
            run(&["0 PING", "-1 PING", "\"\" PING"]),
            "Invalid redis-cli repeat command option value.\n".repeat(3)
        );
        assert_eq!(
            run(&["3"]),
            "(error) ERR unknown command '3', with args beginning with: \n"
        );
    }

    #[test]
    fn quit_ends_the_session_and_later_lines_do_nothing() {
        let mut s = session();
        assert!(s.feed_line(b"QUIT now").quit);
        assert!(s.feed_line(b"PING").stdout.is_empty());
        assert!(s.is_finished());
    }

    #[test]
    fn blank_and_invalid_lines() {
        assert_eq!(run(&["", "   ", "\"abc"]), "Invalid argument(s)\n");
    }

    #[test]
    fn clear_and_preferences_are_redis_clis_own() {
        assert_eq!(run(&["clear"]), "\x1b[H\x1b[2J");
        assert_eq!(
            run(&[":set hints", ":set foo", ":set"]),
            "unknown redis-cli preference 'foo'\nunknown redis-cli internal command ':set'\n"
        );
    }

    #[test]
    fn help_describes_a_command() {
        let text = run(&["help hset"]);
        assert!(
            text.contains("HSET key field value [field value ...]"),
            "{text}"
        );
        assert!(run(&["help"]).contains("HINCRBYFLOAT"));
        assert!(run(&["help @hash"]).contains("HGETALL"));
    }

    #[test]
    fn tab_completes_command_names() {
        assert_eq!(completions("hs"), ["HSCAN", "HSET", "HSETNX", "HSTRLEN"]);
        assert_eq!(completions("HINCRBYF"), ["HINCRBYFLOAT"]);
        assert_eq!(completions("cl"), ["CLEAR"]);
        assert!(completions("").is_empty());
        assert!(completions("HSET k").is_empty());
        assert!(completions("nope").is_empty());
    }

    #[test]
    fn hints_show_the_arguments_still_to_type() {
        assert_eq!(
            hint("HSET").as_deref(),
            Some(" key field value [field value ...]")
        );
        assert_eq!(
            hint("hset ").as_deref(),
            Some("key field value [field value ...]")
        );
        assert_eq!(
            hint("HSET product_prices ").as_deref(),
            Some("field value [field value ...]")
        );
        assert_eq!(
            hint("HSCAN k 0 ").as_deref(),
            Some("[MATCH pattern] [COUNT count]")
        );
        assert_eq!(hint("HGET k f"), None);
        assert_eq!(hint("NOPE "), None);
        assert_eq!(hint("\"abc"), None);
    }
    #[test]
    fn the_prompt_recalls_sent_lines_and_turns_through_completions() {
        let mut p = Prompt::default();
        assert!(
            !p.key("ArrowUp"),
            "no history yet: the key is the browser's"
        );
        p.typed("HSET h f 1".into());
        assert_eq!(p.submit(), "HSET h f 1");
        p.typed("  ".into());
        assert_eq!(p.submit(), "  ");
        p.typed("HGET h f".into());
        p.submit();
        assert!(p.key("ArrowUp"));
        assert_eq!(p.line, "HGET h f");
        assert!(p.key("ArrowUp"));
        assert!(p.key("ArrowUp"));
        assert_eq!(
            p.line, "HSET h f 1",
            "blank lines are not kept; the oldest stays"
        );
        assert!(p.key("ArrowDown"));
        assert_eq!(p.line, "HGET h f");
        assert!(p.key("ArrowDown"));
        assert_eq!(p.line, "", "past the newest: an empty line");

        p.typed("hl".into());
        assert!(p.key("Tab"));
        assert_eq!(p.line, "HLEN");
        p.typed("hg".into());
        let first = {
            p.key("Tab");
            p.line.clone()
        };
        p.key("Tab");
        assert_eq!((first.as_str(), p.line.as_str()), ("HGET", "HGETALL"));
        p.typed("nothing-starts-so".into());
        assert!(!p.key("Tab"), "no completion: the key is the browser's");
        assert!(!p.key("Enter"));
    }
}
