//! The server's own commands, without a socket.

use super::introspection::SERVER_COMMANDS;
use super::*;
use crate::emulator::cmd::COMMANDS;

fn run(server: &mut Server, client: &mut Client, line: &str) -> String {
    let argv = crate::emulator::split_args(line.as_bytes()).unwrap();
    let mut out = Vec::new();
    server.execute(client, &argv, &mut out);
    String::from_utf8_lossy(&out).into_owned()
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
    let argv = vec![b"QUIT".to_vec()];
    let mut out = Vec::new();
    assert_eq!(server.execute(&mut c, &argv, &mut out), After::Close);
    assert_eq!(out, b"+OK\r\n");
}
