//! `minired --port` on the wire: the RESP transport against raw sockets (pipelining, protocol
//! errors, limits, many connections), and against real clients — `redis-cli` on the lab's own
//! differential cases (the output recorded from a real Redis must come back), `redis-benchmark`,
//! and redis-py running the tutorial's Python (`tests/clients/tutorial.py`) against `minired`
//! and a real `redis-server`, which must leave the same hash.
//!
//! The real clients come from Debian (`redis-tools`) and PyPI (redis-py in `.venv`), which
//! `make test` installs; without them those tests say so and pass, unless `WTL_REQUIRE_REDIS=1`
//! (as `make test` sets) makes their absence a failure.
#![cfg(not(target_arch = "wasm32"))]

// Shared with the differential tests; this file uses the cases and the printing, not minired's
// standard-input mode.
#[allow(dead_code)]
#[path = "support/differential.rs"]
mod differential;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A `minired --port 0` child process, killed when dropped.
struct Minired {
    child: Child,
    port: u16,
}

impl Minired {
    fn start() -> Minired {
        let mut child = Command::new(env!("CARGO_BIN_EXE_minired"))
            .args(["--port", "0"])
            .env("MINIRED_SEED", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("minired starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("minired says where it listens");
        let port = line
            .trim()
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("unexpected first line from minired: {line:?}"));
        Minired { child, port }
    }

    fn connect(&self) -> TcpStream {
        let stream = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .expect("timeout");
        stream
    }
}

impl Drop for Minired {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Sends `request` and reads until `expected` bytes have come (or the server closed).
fn exchange(stream: &mut TcpStream, request: &[u8], expected: usize) -> Vec<u8> {
    stream.write_all(request).expect("write");
    let mut got = vec![0; expected];
    let mut at = 0;
    while at < expected {
        match stream.read(&mut got[at..]) {
            Ok(0) => break,
            Ok(n) => at += n,
            Err(e) => panic!("read after {at} of {expected} bytes: {e}"),
        }
    }
    got.truncate(at);
    got
}

/// Reads one bulk reply and returns its text.
fn read_bulk(stream: &mut TcpStream) -> String {
    let mut reader = BufReader::new(stream);
    let mut header = String::new();
    reader.read_line(&mut header).expect("bulk header");
    let len: usize = header
        .trim()
        .strip_prefix('$')
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("not a bulk: {header:?}"));
    let mut body = vec![0; len + 2];
    reader.read_exact(&mut body).expect("bulk body");
    String::from_utf8_lossy(&body[..len]).into_owned()
}

/// Whether the server closed `stream` (reads end).
fn closed(stream: &mut TcpStream) -> bool {
    let mut byte = [0u8; 1];
    matches!(stream.read(&mut byte), Ok(0))
}

/// Whether Debian's `program` is installed; if not, and it is not required, says so.
fn have(program: &str, what: &str) -> bool {
    let found = differential::installed(program);
    if !found {
        differential::skip_unless_required(&format!(
            "{what} needs {program}; `make test` installs it (scripts/setup.sh test) and runs this test"
        ));
    }
    found
}

#[test]
fn pipelined_commands_answer_in_order_in_both_forms() {
    let server = Minired::start();
    let mut c = server.connect();
    let request = b"*3\r\n$4\r\nHSET\r\n$1\r\nh\r\n$1\r\nf\r\nPING\r\nHSET h f 1\r\nHGET h f\r\n";
    // Redis itself would answer an HSET missing its value with the arity error.
    let expected =
        b"-ERR wrong number of arguments for 'hset' command\r\n+PONG\r\n:1\r\n$1\r\n1\r\n";
    assert_eq!(exchange(&mut c, request, expected.len()), expected);
    // A thousand commands in one write, answered in order.
    let many: Vec<u8> = (0..1000).flat_map(|_| b"INCR n\r\n".to_vec()).collect();
    c.write_all(&many).expect("write");
    let mut all = Vec::new();
    let last = ":1000\r\n";
    while !all.ends_with(last.as_bytes()) {
        let mut chunk = [0u8; 4096];
        let n = c.read(&mut chunk).expect("replies");
        assert!(n > 0, "closed early");
        all.extend_from_slice(&chunk[..n]);
    }
    assert_eq!(all.iter().filter(|&&b| b == b'\n').count(), 1000);
    assert_eq!(exchange(&mut c, b"QUIT\r\n", 5), b"+OK\r\n");
    assert!(closed(&mut c));
}

#[test]
fn a_malformed_frame_gets_redis_error_and_only_its_connection_closes() {
    let server = Minired::start();
    let mut good = server.connect();
    assert_eq!(
        exchange(&mut good, b"SELECT 2\r\nSET k v\r\n", 10),
        b"+OK\r\n+OK\r\n"
    );
    for (frame, error) in [
        (
            &b"*1\r\n$x\r\n"[..],
            &b"-ERR Protocol error: invalid bulk length\r\n"[..],
        ),
        (
            b"*1\r\nGET\r\n",
            b"-ERR Protocol error: expected '$', got 'G'\r\n",
        ),
        (
            b"*a\r\n",
            b"-ERR Protocol error: invalid multibulk length\r\n",
        ),
        (
            b"SET \"k v\r\n",
            b"-ERR Protocol error: unbalanced quotes in request\r\n",
        ),
        // Refused from the header, before a byte of the argument is sent.
        (
            b"*1\r\n$536870913\r\n",
            b"-ERR Protocol error: invalid bulk length\r\n",
        ),
        (
            b"*1048577\r\n",
            b"-ERR Protocol error: invalid multibulk length\r\n",
        ),
    ] {
        let mut bad = server.connect();
        // A command before the bad frame, in the same write, still runs.
        let mut request = b"PING\r\n".to_vec();
        request.extend_from_slice(frame);
        let mut expected = b"+PONG\r\n".to_vec();
        expected.extend_from_slice(error);
        assert_eq!(
            exchange(&mut bad, &request, expected.len()),
            expected,
            "{}",
            differential::show(frame)
        );
        assert!(
            closed(&mut bad),
            "the connection closes after {}",
            differential::show(frame)
        );
    }
    // A client that goes away in the middle of a frame costs nothing.
    let mut half = server.connect();
    half.write_all(b"*2\r\n$3\r\nGET\r\n$10\r\nabc")
        .expect("write");
    half.shutdown(Shutdown::Both).expect("shutdown");
    drop(half);
    // The first client's state was never touched.
    assert_eq!(exchange(&mut good, b"GET k\r\n", 7), b"$1\r\nv\r\n");
}

#[test]
fn a_thousand_idle_connections_and_the_server_still_answers() {
    let server = Minired::start();
    let idle: Vec<TcpStream> = (0..1000).map(|_| server.connect()).collect();
    let mut c = server.connect();
    assert_eq!(exchange(&mut c, b"PING\r\n", 7), b"+PONG\r\n");
    c.write_all(b"INFO clients\r\n").expect("write");
    let text = read_bulk(&mut c);
    let connected: usize = text
        .lines()
        .find_map(|l| l.strip_prefix("connected_clients:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0);
    assert!(connected >= 1001, "{text}");
    drop(idle);
}

#[test]
fn redis_cli_over_tcp_prints_what_real_redis_printed_for_every_case() {
    if !have("redis-cli", "printing the cases through redis-cli over TCP") {
        return;
    }
    let server = Minired::start();
    let (cases, problems) = differential::cases();
    assert!(problems.is_empty(), "{problems:#?}");
    let port = server.port.to_string();
    let mut failures = Vec::new();
    for case in &cases {
        let cli = || {
            let mut command = Command::new("redis-cli");
            command.args(["-h", "127.0.0.1", "-p", &port, "--no-raw"]);
            command
        };
        differential::output(&mut cli(), b"FLUSHALL\n");
        let actual = differential::output(&mut cli(), &case.input);
        let recorded = case.recorded.as_deref().unwrap_or_default();
        if actual != recorded {
            failures.push(differential::difference(
                &case.name,
                &case.input,
                ("recorded redis-cli", recorded),
                ("redis-cli on minired", &actual),
            ));
        }
    }
    differential::assert_no_failures(&failures, &cases);
}

#[test]
fn redis_benchmark_runs_against_minired_without_an_error() {
    if !have("redis-benchmark", "redis-benchmark against minired") {
        return;
    }
    let server = Minired::start();
    let out = Command::new("redis-benchmark")
        .args([
            "-h",
            "127.0.0.1",
            "-p",
            &server.port.to_string(),
            "-t",
            "ping,set,get,hset",
            "-n",
            "100000",
            "-P",
            "16",
            "-q",
        ])
        .output()
        .expect("redis-benchmark runs");
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{text}");
    for test in ["PING_INLINE", "PING_MBULK", "SET", "GET", "HSET"] {
        // Progress lines are overwritten in place; the result is `TEST: N requests per second`.
        let result = text.match_indices(&format!("{test}: ")).any(|(at, found)| {
            let rest = &text[at + found.len()..];
            let number = rest.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.');
            number.len() < rest.len() && number.starts_with(" requests per second")
        });
        assert!(result, "{test} has no result in:\n{text}");
    }
    assert!(!text.to_lowercase().contains("error"), "{text}");
}

/// `tests/clients/NAME.py` run with CPython and redis-py against minired and against a real
/// redis-server: the outputs, or `None` if the tools are missing (and that is allowed).
fn redis_py_outputs(name: &str) -> Option<(String, String)> {
    let python = Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/python");
    let has_redis_py = python.exists()
        && Command::new(&python)
            .args(["-c", "import redis"])
            .status()
            .is_ok_and(|s| s.success());
    if !has_redis_py {
        differential::skip_unless_required(
            "the clients' Python needs redis-py in .venv; `make test` creates it (scripts/setup.sh test)",
        );
        return None;
    }
    if !have("redis-server", "comparing redis-py's run with a real Redis") {
        return None;
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/clients/{name}.py"));
    let run = |port: u16| {
        let out = Command::new(&python)
            .arg(&script)
            .arg(port.to_string())
            .output()
            .expect("python runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf-8")
    };
    let (mini, real) = (Minired::start(), differential::RedisServer::start());
    Some((run(mini.port), run(real.port)))
}

#[test]
fn redis_py_runs_the_tutorial_against_minired_as_against_redis_server() {
    let Some((on_mini, on_real)) = redis_py_outputs("tutorial") else {
        return;
    };
    assert_eq!(
        on_mini, on_real,
        "redis-py saw something else from minired than from redis-server"
    );
    assert!(
        on_mini
            .contains("product_prices: {'product1': '150', 'product2': '200', 'product3': '300'}"),
        "{on_mini}"
    );
}

/// `tests/clients/NAME.py` prints the same with redis-py against minired as against
/// redis-server, and what `recorded` (NAME.out, which the lab's own Python is checked against in
/// tests/python.rs) says.
fn same_on_both_servers_as_recorded(name: &str, recorded: &str) {
    let Some((on_mini, on_real)) = redis_py_outputs(name) else {
        return;
    };
    assert_eq!(
        on_mini, on_real,
        "redis-py saw something else from minired than from redis-server"
    );
    assert_eq!(
        on_real, recorded,
        "tests/clients/{name}.out is stale: record redis-py's output against redis-server again"
    );
}

/// Two connections: one WATCHes, the other writes; MULTI/EXEC through redis-py's pipelines.
#[test]
fn redis_py_transactions_on_two_connections_run_on_minired_as_on_redis_server() {
    same_on_both_servers_as_recorded("transactions", include_str!("clients/transactions.out"));
}

/// redis-py's everyday calls (decode_responses, mappings, expiry, set nx/px, pipelines with and
/// without a transaction, watch, scan_iter).
#[test]
fn redis_py_everyday_calls_run_on_minired_as_on_redis_server() {
    same_on_both_servers_as_recorded("everyday", include_str!("clients/everyday.out"));
}

/// Sends `request` and reads until the reply ends with `end`.
fn read_until(stream: &mut TcpStream, request: &[u8], end: &[u8]) -> Vec<u8> {
    stream.write_all(request).expect("write");
    let mut got = Vec::new();
    while !got.ends_with(end) {
        let mut chunk = [0u8; 4096];
        let n = stream.read(&mut chunk).expect("read");
        assert!(n > 0, "closed before {}", differential::show(end));
        got.extend_from_slice(&chunk[..n]);
    }
    got
}

#[test]
fn resp3_replies_are_byte_for_byte_redis_s() {
    if !have("redis-server", "comparing RESP3 replies with a real Redis") {
        return;
    }
    let (mini, real) = (Minired::start(), differential::RedisServer::start());
    let session: &[u8] = b"FLUSHALL\r\nHSET h f 1\r\nHINCRBYFLOAT h f 1.5\r\nHGETALL h\r\nHGETALL nope\r\n\
        HRANDFIELD h -2 WITHVALUES\r\nHGET h nope\r\nHSCAN h 0\r\nCONFIG GET save\r\nSELECT 3\r\nGET x\r\n\
        TTL x\r\nMGET a b\r\nHSET h g\r\nINCRBYFLOAT n 2.5\r\nFOO bar\r\nECHO end\r\n";
    let replies = |port: u16| {
        let mut c = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        c.set_read_timeout(Some(Duration::from_secs(10)))
            .expect("timeout");
        // The handshake's reply names the server (id, version): read past it.
        read_until(&mut c, b"HELLO 3\r\nPING\r\n", b"+PONG\r\n");
        read_until(&mut c, session, b"$3\r\nend\r\n")
    };
    let (on_mini, on_real) = (replies(mini.port), replies(real.port));
    assert_eq!(
        differential::show(&on_mini),
        differential::show(&on_real),
        "minired's RESP3 replies differ from redis-server's"
    );
}
