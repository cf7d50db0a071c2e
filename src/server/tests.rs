//! The server's own commands, without a socket.

use super::introspection::SERVER_COMMANDS;
use super::*;
use crate::emulator::cmd::COMMANDS;

fn run(server: &mut Server, client: &mut Client, line: &str) -> String {
    let mut argv = crate::emulator::ArgBuffer::new();
    crate::emulator::split::split_into(line.as_bytes(), &mut argv).unwrap();
    let mut out = Vec::new();
    server.execute(client, argv.argv(), &mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// Runs a recorded session's lines on one connection of a new server: each must get the reply
/// Redis gave.
fn answers_as_recorded(steps: &[(&str, &str)]) {
    let mut server = Server::new(6379, 1);
    let mut c = server.connect();
    for (line, reply) in steps {
        assert_eq!(run(&mut server, &mut c, line), *reply, "{line}");
    }
}

#[test]
fn each_connection_has_its_own_database_and_name() {
    let mut server = Server::new(6379, 1);
    let (mut a, mut b) = (server.connect(), server.connect());
    assert_eq!(run(&mut server, &mut a, "SELECT 3"), "+OK\r\n");
    assert_eq!(run(&mut server, &mut a, "SET k a"), "+OK\r\n");
    assert_eq!(run(&mut server, &mut b, "GET k"), "$-1\r\n");
    assert_eq!(run(&mut server, &mut b, "SELECT 3"), "+OK\r\n");
    assert_eq!(run(&mut server, &mut b, "GET k"), "$1\r\na\r\n");
    assert_eq!(
        run(&mut server, &mut a, "SELECT 16"),
        "-ERR DB index is out of range\r\n"
    );
    assert_eq!(
        run(&mut server, &mut a, "CLIENT SETNAME worker-a"),
        "+OK\r\n"
    );
    assert_eq!(
        run(&mut server, &mut a, "CLIENT GETNAME"),
        "$8\r\nworker-a\r\n"
    );
    assert_eq!(run(&mut server, &mut b, "CLIENT GETNAME"), "$-1\r\n");
    assert_eq!(run(&mut server, &mut b, "CLIENT ID"), ":2\r\n");
    assert_eq!(
        run(&mut server, &mut a, "CLIENT SETNAME \"a b\""),
        "-ERR Client names cannot contain spaces, newlines or special characters.\r\n"
    );
    assert_eq!(
        run(&mut server, &mut a, "CLIENT SETINFO lib-name redis-py"),
        "-ERR unknown subcommand 'SETINFO'. Try CLIENT HELP.\r\n"
    );
    // FLUSHALL empties every database.
    assert_eq!(run(&mut server, &mut a, "FLUSHALL"), "+OK\r\n");
    assert_eq!(run(&mut server, &mut b, "DBSIZE"), ":0\r\n");
}

#[test]
fn hello_3_switches_to_resp3_maps_and_nulls() {
    let mut server = Server::new(6379, 1);
    let mut c = server.connect();
    run(&mut server, &mut c, "HSET h f v");
    assert_eq!(
        run(&mut server, &mut c, "HGETALL h"),
        "*2\r\n$1\r\nf\r\n$1\r\nv\r\n"
    );
    let hello = run(&mut server, &mut c, "HELLO 3");
    assert!(hello.starts_with("%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n:3\r\n"), "{hello}");
    assert_eq!(
        run(&mut server, &mut c, "HGETALL h"),
        "%1\r\n$1\r\nf\r\n$1\r\nv\r\n"
    );
    assert_eq!(run(&mut server, &mut c, "HGET h nope"), "_\r\n");
    assert_eq!(
        run(&mut server, &mut c, "HRANDFIELD h 1 WITHVALUES"),
        "*1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n"
    );
    assert_eq!(
        run(&mut server, &mut c, "HELLO 4"),
        "-NOPROTO unsupported protocol version\r\n"
    );
    assert!(run(&mut server, &mut c, "HELLO 2").starts_with("*14\r\n"));
}

#[test]
fn the_server_describes_itself_truthfully() {
    let mut server = Server::new(7001, 1);
    let mut c = server.connect();
    assert_eq!(
        run(&mut server, &mut c, "CONFIG GET save"),
        "*2\r\n$4\r\nsave\r\n$0\r\n\r\n"
    );
    assert_eq!(
        run(&mut server, &mut c, "CONFIG GET appendonly"),
        "*2\r\n$10\r\nappendonly\r\n$2\r\nno\r\n"
    );
    assert_eq!(
        run(&mut server, &mut c, "CONFIG GET nothing-like-this"),
        "*0\r\n"
    );
    assert_eq!(
        run(&mut server, &mut c, "CONFIG SET no-such-thing 10"),
        "-ERR Unknown option or number of arguments for CONFIG SET - 'no-such-thing'\r\n"
    );
    // What is set is what is read back, under its old name too.
    assert_eq!(
        run(&mut server, &mut c, "CONFIG SET hash-max-ziplist-value 10"),
        "+OK\r\n"
    );
    assert_eq!(
        run(&mut server, &mut c, "CONFIG GET hash-max-listpack-value"),
        "*2\r\n$23\r\nhash-max-listpack-value\r\n$2\r\n10\r\n"
    );
    run(&mut server, &mut c, "SET a 1");
    let info = run(&mut server, &mut c, "INFO");
    assert!(
        info.contains("# Server\r\nredis_version:7.0.15\r\n"),
        "{info}"
    );
    assert!(info.contains("tcp_port:7001\r\n"));
    assert!(info.contains("# Keyspace\r\ndb0:keys=1,expires=0,avg_ttl=0"));
    let count = run(&mut server, &mut c, "COMMAND COUNT");
    assert_eq!(
        count,
        format!(":{}\r\n", COMMANDS.len() + SERVER_COMMANDS.len())
    );
    assert!(run(&mut server, &mut c, "COMMAND INFO hset")
        .starts_with("*1\r\n*10\r\n$4\r\nhset\r\n:-4\r\n"));
    assert!(
        run(&mut server, &mut c, "DEBUG SLEEP 0").starts_with("-ERR DEBUG command not allowed.")
    );
}

#[test]
fn unknown_commands_answer_as_redis_does_and_quit_closes() {
    let mut server = Server::new(6379, 1);
    let mut c = server.connect();
    assert_eq!(
        run(&mut server, &mut c, "FOO bar"),
        "-ERR unknown command 'FOO', with args beginning with: 'bar' \r\n"
    );
    let mut argv = crate::emulator::ArgBuffer::new();
    argv.push(b"QUIT");
    let mut out = Vec::new();
    assert_eq!(server.execute(&mut c, argv.argv(), &mut out), After::Close);
    assert_eq!(out, b"+OK\r\n");
}

/// COPY between the sixteen databases, step by step as Redis 7.0.15 answered the same session
/// (recorded with redis-cli): the value and its expiry go to the other database; the same key
/// name may be copied to another database; an existing destination is kept without REPLACE.
#[test]
fn copy_goes_between_databases_as_redis_does() {
    answers_as_recorded(&[
        ("SET s foobar EX 1000", "+OK\r\n"),
        ("COPY s t DB 1", ":1\r\n"),
        ("EXISTS t", ":0\r\n"),
        ("SELECT 1", "+OK\r\n"),
        ("GET t", "$6\r\nfoobar\r\n"),
        ("PERSIST t", ":1\r\n"),
        ("COPY t s DB 0", ":0\r\n"),
        ("SET t other", "+OK\r\n"),
        ("COPY t t DB 0", ":1\r\n"),
        ("COPY t t DB 0 REPLACE", ":1\r\n"),
        ("SELECT 0", "+OK\r\n"),
        ("GET t", "$5\r\nother\r\n"),
        ("COPY s t DB 0", ":0\r\n"),
        (
            "COPY s s DB 0",
            "-ERR source and destination objects are the same\r\n",
        ),
        ("COPY s s DB 1", ":1\r\n"),
        ("COPY s s DB 1 REPLACE", ":1\r\n"),
        ("COPY s x DB 16", "-ERR DB index is out of range\r\n"),
        (
            "COPY s x DB one",
            "-ERR value is not an integer or out of range\r\n",
        ),
        ("SELECT 1", "+OK\r\n"),
        ("GET s", "$6\r\nfoobar\r\n"),
    ]);
}

/// LCS ... IDX is a map in RESP3, as HGETALL is.
#[test]
fn lcs_idx_is_a_map_in_resp3() {
    let mut server = Server::new(6379, 1);
    let mut c = server.connect();
    run(&mut server, &mut c, "MSET a ohmytext b mynewtext");
    let resp2 = run(&mut server, &mut c, "LCS a b IDX MINMATCHLEN 4");
    assert!(resp2.starts_with("*4\r\n$7\r\nmatches\r\n"), "{resp2}");
    run(&mut server, &mut c, "HELLO 3");
    let resp3 = run(&mut server, &mut c, "LCS a b IDX MINMATCHLEN 4");
    assert_eq!(
        resp3,
        "%2\r\n$7\r\nmatches\r\n*1\r\n*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n$3\r\nlen\r\n:6\r\n"
    );
}

/// The server's own commands inside a transaction, step by step as Redis 7.0.15 answered the
/// same session (recorded on a socket): queued after Redis's checks (a container's subcommand,
/// then its arity), run at EXEC as they would run alone (a queued SELECT moves the commands
/// after it, a queued FLUSHALL empties every database); `CONFIG SET maxmemory` takes Redis's
/// memory values, and at the limit writes and every command inside MULTI are refused.
#[test]
fn server_commands_queue_in_transactions_and_maxmemory_refuses_writes_as_redis_does() {
    answers_as_recorded(&[
        ("FLUSHALL", "+OK\r\n"),
        ("SELECT 1", "+OK\r\n"),
        ("SET a one", "+OK\r\n"),
        ("SELECT 0", "+OK\r\n"),
        ("MULTI", "+OK\r\n"),
        ("SET foo bar", "+QUEUED\r\n"),
        ("CONFIG SET maxmemory bla", "+QUEUED\r\n"),
        ("SELECT 1", "+QUEUED\r\n"),
        ("GET a", "+QUEUED\r\n"),
        ("FLUSHALL", "+QUEUED\r\n"),
        ("EXEC", "*5\r\n+OK\r\n-ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value\r\n+OK\r\n$3\r\none\r\n+OK\r\n"),
        ("GET a", "$-1\r\n"),
        ("DBSIZE", ":0\r\n"),
        ("MULTI", "+OK\r\n"),
        ("CONFIG GET", "-ERR wrong number of arguments for 'config|get' command\r\n"),
        ("EXEC", "-EXECABORT Transaction discarded because of previous errors.\r\n"),
        ("MULTI", "+OK\r\n"),
        ("CONFIG FOO", "-ERR unknown subcommand 'FOO'. Try CONFIG HELP.\r\n"),
        ("EXEC", "-EXECABORT Transaction discarded because of previous errors.\r\n"),
        ("MULTI", "+OK\r\n"),
        ("CLIENT SETNAME a b", "-ERR wrong number of arguments for 'client|setname' command\r\n"),
        ("MEMORY USAGE", "-ERR wrong number of arguments for 'memory|usage' command\r\n"),
        ("EXEC", "-EXECABORT Transaction discarded because of previous errors.\r\n"),
        ("CONFIG SET maxmemory 1mb", "+OK\r\n"),
        ("CONFIG GET maxmemory", "*2\r\n$9\r\nmaxmemory\r\n$7\r\n1048576\r\n"),
        ("CONFIG SET maxmemory 1", "+OK\r\n"),
        ("SET x 1", "-OOM command not allowed when used memory > 'maxmemory'.\r\n"),
        ("DEL x", ":0\r\n"),
        ("MULTI", "+OK\r\n"),
        ("CONFIG GET maxmemory", "-OOM command not allowed when used memory > 'maxmemory'.\r\n"),
        ("SET x 1", "-OOM command not allowed when used memory > 'maxmemory'.\r\n"),
        ("DISCARD", "+OK\r\n"),
        ("CONFIG SET maxmemory 0", "+OK\r\n"),
        ("SET x 1", "+OK\r\n"),
    ]);
}

/// Memory inside transactions, step by step as Redis 7.0.15 answered the same session: an
/// EXEC is checked once (a limit set inside it counts from the next command after it), DEBUG is
/// refused when queued, and at the limit MULTI and WATCH inside a transaction are refused too.
#[test]
fn memory_is_checked_for_an_exec_not_inside_it_as_redis_does() {
    answers_as_recorded(&[
        ("FLUSHALL", "+OK\r\n"),
        ("MULTI", "+OK\r\n"),
        ("CONFIG SET maxmemory 1", "+QUEUED\r\n"),
        ("SET x 1", "+QUEUED\r\n"),
        ("EXEC", "*2\r\n+OK\r\n+OK\r\n"),
        ("SET y 1", "-OOM command not allowed when used memory > 'maxmemory'.\r\n"),
        ("CONFIG SET maxmemory 0", "+OK\r\n"),
        ("MULTI", "+OK\r\n"),
        ("DEBUG OBJECT x", "-ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.\r\n"),
        ("EXEC", "-EXECABORT Transaction discarded because of previous errors.\r\n"),
        ("MULTI", "+OK\r\n"),
        ("CONFIG SET maxmemory 1", "+QUEUED\r\n"),
        ("EXEC", "*1\r\n+OK\r\n"),
        ("MULTI", "+OK\r\n"),
        ("WATCH x", "-OOM command not allowed when used memory > 'maxmemory'.\r\n"),
        ("MULTI", "-OOM command not allowed when used memory > 'maxmemory'.\r\n"),
        ("DISCARD", "+OK\r\n"),
        ("CONFIG SET maxmemory 0", "+OK\r\n"),
    ]);
}
