//! The differential cases, shared by the recorded test (`tests/differential_recorded.rs`) and the
//! live one (`tests/differential.rs`): the `### name` sections of every
//! `tests/differential/NAME.redis` with what real Redis printed for each, recorded in
//! `tests/differential/NAME.out` by `scripts/record-differential.sh`; running `minired`; and
//! showing outputs in failure messages.

use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// What to do when a recording is missing or does not match the cases.
pub const RECORD: &str = "run scripts/record-differential.sh";

/// One `### name` section of a case file.
pub struct Case {
    /// `file: name`, `file` being the case file's stem.
    pub name: String,
    /// The lines to type, as they are in the case file.
    pub input: Vec<u8>,
    /// What `redis-cli --no-raw` printed for `input` on a freshly flushed Redis, as recorded in
    /// the `.out` file next to the case file; `None` when that file is missing or stale (one of
    /// the problems [`cases`] returns says so).
    pub recorded: Option<Vec<u8>>,
}

/// Every case, in the order the live test (and the recording script) runs them: case files
/// sorted by name, then sections in file order. Also, for each case file without a usable
/// recording, a message saying what is wrong and what to do.
pub fn cases() -> (Vec<Case>, Vec<String>) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/differential");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/differential")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "redis"))
        .collect();
    files.sort();
    let (mut cases, mut problems) = (Vec::new(), Vec::new());
    for file in files {
        let stem = file
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let inputs = sections(&std::fs::read(&file).expect("case file"));
        let outputs: Vec<Option<Vec<u8>>> =
            match recording(&format!("tests/differential/{stem}"), &inputs) {
                Ok(outputs) => outputs.into_iter().map(Some).collect(),
                Err(problem) => {
                    problems.push(problem);
                    vec![None; inputs.len()]
                }
            };
        for ((name, input), recorded) in inputs.into_iter().zip(outputs) {
            cases.push(Case {
                name: format!("{stem}: {name}"),
                input,
                recorded,
            });
        }
    }
    assert!(
        cases.len() >= 60,
        "expected at least 60 cases, found {}",
        cases.len()
    );
    (cases, problems)
}

/// The `### name` sections of a case or recording file, with the bytes that follow each header
/// up to the next; anything before the first header is a comment.
fn sections(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut sections = Vec::new();
    let mut current: Option<(String, Vec<u8>)> = None;
    for line in bytes.split_inclusive(|&b| b == b'\n') {
        if let Some(name) = line.strip_prefix(b"### ") {
            sections.extend(current.take());
            let name = String::from_utf8_lossy(name).trim().to_owned();
            current = Some((name, Vec::new()));
        } else if let Some((_, body)) = current.as_mut() {
            body.extend_from_slice(line);
        }
    }
    sections.extend(current);
    sections
}

/// The recorded outputs of the cases `inputs` of `{base}.redis`, one per case, from `{base}.out`
/// (`base` relative to the crate): it must hold the same sections, in the same order.
fn recording(base: &str, inputs: &[(String, Vec<u8>)]) -> Result<Vec<Vec<u8>>, String> {
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("{base}.out"));
    let bytes =
        std::fs::read(&out).map_err(|e| format!("no recording {base}.out ({e}): {RECORD}\n"))?;
    let (names, outputs): (Vec<String>, Vec<Vec<u8>>) = sections(&bytes).into_iter().unzip();
    let case = |i: usize| inputs.get(i).map(|(name, _)| name);
    if let Some(i) = (0..names.len().max(inputs.len())).find(|&i| names.get(i) != case(i)) {
        let shown = |name: Option<&String>| name.map_or("none".into(), |n| format!("{n:?}"));
        return Err(format!(
            "recording stale: {base}.out does not record the cases of {base}.redis; the first \
             difference is case {} (recorded: {}, case file: {}): {RECORD}\n",
            i + 1,
            shown(names.get(i)),
            shown(case(i)),
        ));
    }
    Ok(outputs)
}

/// The standard output of `minired` (the emulator behind `redis-cli --no-raw`) fed `input`.
pub fn minired(input: &[u8]) -> Vec<u8> {
    let mut command = Command::new(env!("CARGO_BIN_EXE_minired"));
    command.env("MINIRED_SEED", "1");
    output(&mut command, input)
}

/// The standard output of `command` fed `input` on its standard input (its standard error goes
/// nowhere).
pub fn output(command: &mut Command, input: &[u8]) -> Vec<u8> {
    let program = command.get_program().to_string_lossy().into_owned();
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{program}: {e}"));
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input)
        .unwrap_or_else(|e| panic!("write to {program}: {e}"));
    child
        .wait_with_output()
        .unwrap_or_else(|e| panic!("{program} output: {e}"))
        .stdout
}

/// Runs `minired` on `case` and adds a failure if its output is not `expected`, a (label,
/// output) pair.
pub fn check_minired(case: &Case, expected: (&str, &[u8]), failures: &mut Vec<String>) {
    let actual = minired(&case.input);
    if expected.1 != actual {
        failures.push(difference(
            &format!("case {}", case.name),
            &case.input,
            expected,
            ("minired", &actual),
        ));
    }
}

/// Fails with every failure met over `cases`, if there is any.
#[track_caller]
pub fn assert_no_failures(failures: &[String], cases: &[Case]) {
    assert!(
        failures.is_empty(),
        "{} failure(s) over {} cases and their recordings in tests/differential/*.out:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// `bytes` as text for a failure message: bytes that are not UTF-8, and control characters other
/// than newline and tab (a NUL, a carriage return), are shown escaped as `\xNN`.
pub fn show(bytes: &[u8]) -> String {
    let mut text = String::new();
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            if c.is_control() && c != '\n' && c != '\t' {
                text.push_str(&format!("\\x{:02x}", u32::from(c)));
            } else {
                text.push(c);
            }
        }
        for b in chunk.invalid() {
            text.push_str(&format!("\\x{b:02x}"));
        }
    }
    text
}

/// A failure message for two outputs of `input` that differ: the first line where they differ,
/// then the input and both outputs in full. `expected` and `actual` are (label, output) pairs.
pub fn difference(
    title: &str,
    input: &[u8],
    expected: (&str, &[u8]),
    actual: (&str, &[u8]),
) -> String {
    let lines = |bytes: &[u8]| -> Vec<String> {
        bytes
            .split_inclusive(|&b| b == b'\n')
            .map(|line| match line.strip_suffix(b"\n") {
                Some(line) => show(line),
                None => format!("{} (no newline at end)", show(line)),
            })
            .collect()
    };
    let (e, a) = (lines(expected.1), lines(actual.1));
    let first = e.iter().zip(&a).take_while(|(x, y)| x == y).count();
    let line = |lines: &[String]| lines.get(first).cloned().unwrap_or("(no such line)".into());
    let block = |bytes: &[u8]| {
        let mut text = show(bytes);
        if !text.is_empty() && !text.ends_with('\n') {
            text.push_str("\n(no newline at end)\n");
        }
        text
    };
    format!(
        "{title} differs at output line {}:\n  {}: {}\n  {}: {}\n--- input\n{}--- {}\n{}--- {}\n{}",
        first + 1,
        expected.0,
        line(&e),
        actual.0,
        line(&a),
        block(input),
        expected.0,
        block(expected.1),
        actual.0,
        block(actual.1),
    )
}

/// A `redis-server` child process on loopback, killed when dropped.
pub struct RedisServer {
    child: Child,
    pub port: u16,
    _dir: TempDir,
}

struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl RedisServer {
    pub fn start() -> RedisServer {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let dir = std::env::temp_dir().join(format!("wtl-redis-{port}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let child = Command::new("redis-server")
            .args([
                "--port",
                &port.to_string(),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .arg("--dir")
            .arg(&dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server must be installed (make test installs Debian's redis-server)");
        let server = RedisServer {
            child,
            port,
            _dir: TempDir(dir),
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if server.cli(b"PING\n", &[]).starts_with(b"PONG") {
                return server;
            }
            assert!(
                Instant::now() < deadline,
                "redis-server did not answer PING"
            );
            // Polling a starting server: it has no event to wait on from here.
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Feeds `input` to `redis-cli --no-raw` and returns its standard output.
    pub fn cli(&self, input: &[u8], extra: &[&str]) -> Vec<u8> {
        let mut command = Command::new("redis-cli");
        command
            .args(["-h", "127.0.0.1", "-p", &self.port.to_string(), "--no-raw"])
            .args(extra);
        output(&mut command, input)
    }

    /// Runs `input` on an empty database.
    pub fn fresh(&self, input: &[u8]) -> Vec<u8> {
        self.cli(b"FLUSHALL\n", &[]);
        self.cli(input, &[])
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Whether `program` runs (`program --version`), i.e. is installed and on `PATH`.
pub fn installed(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

/// A test cannot run here because of `why` (a missing server or client): a failure when
/// `WTL_REQUIRE_REDIS=1` (as `make test` sets it), else a line on stderr, past the test
/// harness's capture, so that a passing run still says what it did not check.
pub fn skip_unless_required(why: &str) {
    assert!(
        std::env::var("WTL_REQUIRE_REDIS").as_deref() != Ok("1"),
        "WTL_REQUIRE_REDIS=1: {why}"
    );
    let _ = writeln!(std::io::stderr(), "skipped: {why}");
}
