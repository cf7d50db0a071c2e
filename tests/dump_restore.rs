//! The bytes on the wire and DUMP/RESTORE against the real server, live. "On the wire" (the
//! lab's view of a command's frames) must show what redis-cli sends and what redis-server
//! answers, byte for byte, in RESP2 and RESP3. And DUMP and RESTORE: values written to a real Redis 7.0.15 are
//! DUMPed there, RESTOREd into the emulator and read back; the emulator's DUMPs of them are
//! RESTOREd into Redis and read back there; and the emulator's payload is Redis's, byte for
//! byte, except where the two LZF compressors choose differently (a long run of one byte) or
//! Redis keeps the hash as a hash table (whose order is its own). Starts its own `redis-server` on loopback (see tests/differential.rs for what
//! happens without one).
#![cfg(not(target_arch = "wasm32"))]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;

use write_through_lab::emulator::{split_args, Emulator, Reply};
use write_through_lab::engine::Wire;

#[path = "support/differential.rs"]
#[allow(dead_code)]
mod differential;

use differential::{installed, skip_unless_required, RedisServer};

/// A reply as it came over the wire.
#[derive(Debug, PartialEq)]
enum Resp {
    Status(Vec<u8>),
    Error(Vec<u8>),
    Integer(i64),
    Bulk(Option<Vec<u8>>),
    Array(Vec<Resp>),
}

/// One connection to redis-server, speaking RESP2 with binary-safe arguments.
struct Client {
    writer: TcpStream,
    reader: BufReader<TcpStream>,
}

impl Client {
    fn connect(port: u16) -> Client {
        let writer = TcpStream::connect(("127.0.0.1", port)).expect("connect to redis-server");
        let reader = BufReader::new(writer.try_clone().expect("clone the stream"));
        Client { writer, reader }
    }

    fn call(&mut self, args: &[&[u8]]) -> Resp {
        let mut frame = format!("*{}\r\n", args.len()).into_bytes();
        for arg in args {
            frame.extend_from_slice(format!("${}\r\n", arg.len()).as_bytes());
            frame.extend_from_slice(arg);
            frame.extend_from_slice(b"\r\n");
        }
        self.writer.write_all(&frame).expect("send");
        self.read()
    }

    /// One reply, as the bytes that came.
    fn raw(&mut self, frame: &[u8]) -> Vec<u8> {
        self.writer.write_all(frame).expect("send");
        let mut raw = Vec::new();
        self.read_into(&mut raw);
        raw
    }

    fn read(&mut self) -> Resp {
        self.read_into(&mut Vec::new())
    }

    fn read_into(&mut self, raw: &mut Vec<u8>) -> Resp {
        let mut line = Vec::new();
        self.reader.read_until(b'\n', &mut line).expect("read");
        raw.extend_from_slice(&line);
        line.truncate(line.len() - 2);
        let (kind, rest) = (line[0], line[1..].to_vec());
        let number = || -> i64 { String::from_utf8_lossy(&rest).parse().expect("a number") };
        match kind {
            b'+' => Resp::Status(rest),
            b'-' => Resp::Error(rest),
            b':' => Resp::Integer(number()),
            b'$' if number() < 0 => Resp::Bulk(None),
            b'$' => {
                let mut data = vec![0; number() as usize + 2];
                self.reader.read_exact(&mut data).expect("read a bulk");
                raw.extend_from_slice(&data);
                data.truncate(data.len() - 2);
                Resp::Bulk(Some(data))
            }
            b'_' => Resp::Bulk(None),
            b'*' | b'%' => {
                let n = number() * if kind == b'%' { 2 } else { 1 };
                Resp::Array((0..n).map(|_| self.read_into(raw)).collect())
            }
            _ => panic!("not RESP: {line:?}"),
        }
    }
}

/// What a key holds, read the same way from both servers: its type and its contents, a hash as
/// sorted (field, value) pairs, a list in its order.
fn contents_redis(redis: &mut Client, key: &[u8]) -> (Vec<u8>, Vec<Vec<u8>>) {
    let Resp::Status(kind) = redis.call(&[b"TYPE", key]) else {
        panic!("TYPE")
    };
    let values = match kind.as_slice() {
        b"string" => match redis.call(&[b"GET", key]) {
            Resp::Bulk(Some(v)) => vec![v],
            other => panic!("GET: {other:?}"),
        },
        b"list" => match redis.call(&[b"LRANGE", key, b"0", b"-1"]) {
            Resp::Array(items) => items
                .into_iter()
                .map(|i| match i {
                    Resp::Bulk(Some(v)) => v,
                    other => panic!("LRANGE item: {other:?}"),
                })
                .collect(),
            other => panic!("LRANGE: {other:?}"),
        },
        _ => match redis.call(&[b"HGETALL", key]) {
            Resp::Array(items) => sorted_pairs(items.into_iter().map(|i| match i {
                Resp::Bulk(Some(v)) => v,
                other => panic!("HGETALL item: {other:?}"),
            })),
            other => panic!("HGETALL: {other:?}"),
        },
    };
    (kind, values)
}

fn contents_emulator(emulator: &mut Emulator, key: &[u8]) -> (Vec<u8>, Vec<Vec<u8>>) {
    let run = |e: &mut Emulator, args: &[&[u8]]| {
        e.run(&args.iter().map(|a| a.to_vec()).collect::<Vec<_>>())
    };
    let Reply::Status(kind) = run(emulator, &[b"TYPE", key]) else {
        panic!("TYPE")
    };
    let values = match kind {
        "string" => match run(emulator, &[b"GET", key]) {
            Reply::Bulk(v) => vec![v],
            other => panic!("GET: {other:?}"),
        },
        "list" => match run(emulator, &[b"LRANGE", key, b"0", b"-1"]) {
            Reply::Array(items) => items
                .into_iter()
                .map(|i| match i {
                    Reply::Bulk(v) => v,
                    other => panic!("LRANGE item: {other:?}"),
                })
                .collect(),
            other => panic!("LRANGE: {other:?}"),
        },
        _ => match run(emulator, &[b"HGETALL", key]) {
            Reply::Array(items) => sorted_pairs(items.into_iter().map(|i| match i {
                Reply::Bulk(v) => v,
                other => panic!("HGETALL item: {other:?}"),
            })),
            other => panic!("HGETALL: {other:?}"),
        },
    };
    (kind.as_bytes().to_vec(), values)
}

fn sorted_pairs(items: impl Iterator<Item = Vec<u8>>) -> Vec<Vec<u8>> {
    let items: Vec<Vec<u8>> = items.collect();
    let mut pairs: Vec<Vec<u8>> = items
        .chunks(2)
        .map(|p| [p[0].clone(), b"=".to_vec(), p[1].clone()].concat())
        .collect();
    pairs.sort();
    pairs
}

#[test]
fn a_dump_from_redis_restores_here_and_back_and_is_the_same_bytes() {
    if !["redis-server", "redis-cli"].into_iter().all(installed) {
        skip_unless_required("the DUMP/RESTORE test needs Debian's redis-server and redis-tools");
        return;
    }
    let server = RedisServer::start();
    let mut redis = Client::connect(server.port);
    let mut emulator = Emulator::with_system_clock(7);
    let ints: Vec<String> = [
        "127",
        "-4096",
        "4095",
        "32767",
        "-8388608",
        "2147483647",
        "9223372036854775807",
        "-1",
        "007",
        "1.5",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    // (key, command, byte-identical expected)
    let mut writes: Vec<(Vec<u8>, Vec<Vec<u8>>, bool)> = vec![
        (
            b"s:short".to_vec(),
            vec![b"SET".to_vec(), b"s:short".to_vec(), b"hello".to_vec()],
            true,
        ),
        (
            b"s:int8".to_vec(),
            vec![b"SET".to_vec(), b"s:int8".to_vec(), b"100".to_vec()],
            true,
        ),
        (
            b"s:int16".to_vec(),
            vec![b"SET".to_vec(), b"s:int16".to_vec(), b"-3000".to_vec()],
            true,
        ),
        (
            b"s:int32".to_vec(),
            vec![b"SET".to_vec(), b"s:int32".to_vec(), b"123456789".to_vec()],
            true,
        ),
        (
            b"s:int64".to_vec(),
            vec![
                b"SET".to_vec(),
                b"s:int64".to_vec(),
                b"12345678901".to_vec(),
            ],
            true,
        ),
        (
            b"s:empty".to_vec(),
            vec![b"SET".to_vec(), b"s:empty".to_vec(), Vec::new()],
            true,
        ),
        (
            b"s:binary".to_vec(),
            vec![
                b"SET".to_vec(),
                b"s:binary".to_vec(),
                b"\x00\xff\r\n".repeat(3),
            ],
            true,
        ),
        (
            b"s:text".to_vec(),
            vec![
                b"SET".to_vec(),
                b"s:text".to_vec(),
                b"the quick brown fox jumps over the lazy dog, the quick brown fox".to_vec(),
            ],
            true,
        ),
        (
            b"s:run".to_vec(),
            vec![b"SET".to_vec(), b"s:run".to_vec(), b"a".repeat(5000)],
            true,
        ),
        (
            b"h:tutorial".to_vec(),
            [
                b"HSET".as_slice(),
                b"product_prices",
                b"product1",
                b"100",
                b"product2",
                b"200",
                b"product3",
                b"300",
            ]
            .iter()
            .map(|a| a.to_vec())
            .collect(),
            true,
        ),
    ];
    writes[9].0 = b"product_prices".to_vec();
    let mut ints_hash = vec![b"HSET".to_vec(), b"h:ints".to_vec()];
    for (i, v) in ints.iter().enumerate() {
        ints_hash.push(format!("f{i}").into_bytes());
        ints_hash.push(v.clone().into_bytes());
    }
    writes.push((b"h:ints".to_vec(), ints_hash, true));
    let mut wide = vec![b"HSET".to_vec(), b"h:wide".to_vec()];
    for i in 0..600 {
        wide.push(format!("field:{i}").into_bytes());
        wide.push(format!("{}", i * 37).into_bytes());
    }
    writes.push((b"h:wide".to_vec(), wide, false));
    let mut long_values = vec![b"HSET".to_vec(), b"h:long".to_vec()];
    for i in 0..3 {
        long_values.push(format!("k{i}").into_bytes());
        long_values.push(vec![b'v' + i as u8; 100]);
    }
    writes.push((b"h:long".to_vec(), long_values, false));
    // Lists, built by RPUSH: small, with integers of every width; of long elements (LZF); and
    // of several 8 KB quicklist nodes, each compressed.
    let mut small_list = vec![b"RPUSH".to_vec(), b"l:small".to_vec()];
    small_list.extend([b"a".to_vec(), b"".to_vec(), b"with space".to_vec()]);
    small_list.extend(ints.iter().map(|v| v.clone().into_bytes()));
    writes.push((b"l:small".to_vec(), small_list, true));
    let mut long_list = vec![b"RPUSH".to_vec(), b"l:long".to_vec()];
    long_list.extend((0..5).map(|i| vec![b'a' + i as u8; 300]));
    writes.push((b"l:long".to_vec(), long_list, true));
    let mut many = vec![b"RPUSH".to_vec(), b"l:many".to_vec()];
    many.extend((0..3000).map(|i| format!("element-{i}").into_bytes()));
    writes.push((b"l:many".to_vec(), many, true));

    for (key, write, identical) in &writes {
        let args: Vec<&[u8]> = write.iter().map(Vec::as_slice).collect();
        assert!(!matches!(redis.call(&args), Resp::Error(_)), "{write:?}");
        let Resp::Bulk(Some(payload)) = redis.call(&[b"DUMP", key]) else {
            panic!("DUMP")
        };
        // Redis's payload into the emulator.
        let restored = emulator.run(&[
            b"RESTORE".to_vec(),
            key.clone(),
            b"0".to_vec(),
            payload.clone(),
            b"REPLACE".to_vec(),
        ]);
        assert_eq!(
            restored,
            Reply::ok(),
            "RESTORE of Redis's DUMP of {}",
            String::from_utf8_lossy(key)
        );
        let theirs = contents_redis(&mut redis, key);
        assert_eq!(
            contents_emulator(&mut emulator, key),
            theirs,
            "{}",
            String::from_utf8_lossy(key)
        );
        // The emulator's payload into Redis, under another name.
        let Reply::Bulk(ours) = emulator.run(&[b"DUMP".to_vec(), key.clone()]) else {
            panic!("DUMP here")
        };
        let copy = [key.as_slice(), b":back"].concat();
        assert_eq!(
            redis.call(&[b"RESTORE", &copy, b"0", &ours]),
            Resp::Status(b"OK".to_vec()),
            "Redis RESTOREs our DUMP of {}",
            String::from_utf8_lossy(key)
        );
        assert_eq!(contents_redis(&mut redis, &copy), theirs);
        if *identical {
            assert_eq!(
                ours,
                payload,
                "the same bytes as Redis for {}",
                String::from_utf8_lossy(key)
            );
        }
    }
    // With a TTL: both keep it; a past absolute time creates nothing and answers OK.
    let Resp::Bulk(Some(payload)) = redis.call(&[b"DUMP", b"s:short"]) else {
        panic!("DUMP")
    };
    for (args, expected) in [
        (vec![&b"t"[..], b"100000", &payload], "OK"),
        (vec![&b"past"[..], b"1", &payload, b"ABSTTL"], "OK"),
    ] {
        let mut line: Vec<&[u8]> = vec![b"RESTORE"];
        line.extend(args.iter().copied());
        assert_eq!(
            redis.call(&line),
            Resp::Status(expected.as_bytes().to_vec())
        );
        let reply = emulator.run(&line.iter().map(|a| a.to_vec()).collect::<Vec<_>>());
        assert_eq!(reply, Reply::ok());
    }
    assert_eq!(redis.call(&[b"EXISTS", b"past"]), Resp::Integer(0));
    assert_eq!(
        emulator.run(&[b"EXISTS".to_vec(), b"past".to_vec()]),
        Reply::Integer(0)
    );
    let Resp::Integer(ttl) = redis.call(&[b"PTTL", b"t"]) else {
        panic!("PTTL")
    };
    let Reply::Integer(our_ttl) = emulator.run(&[b"PTTL".to_vec(), b"t".to_vec()]) else {
        panic!("PTTL here")
    };
    assert!(
        (99_000..=100_000).contains(&ttl) && (99_000..=100_000).contains(&our_ttl),
        "{ttl} {our_ttl}"
    );
}

/// "On the wire" shows, for a command the lab ran, the request frame redis-cli sends for the
/// same line (captured on a socket that plays the server) and the reply frames redis-server
/// sends, in RESP2 and after HELLO 3.
#[test]
fn on_the_wire_is_what_redis_cli_sends_and_redis_server_answers() {
    if !["redis-server", "redis-cli"].into_iter().all(installed) {
        skip_unless_required("the wire test needs Debian's redis-server and redis-tools");
        return;
    }
    let server = RedisServer::start();
    let (mut resp2, mut resp3) = (Client::connect(server.port), Client::connect(server.port));
    assert!(matches!(resp3.call(&[b"HELLO", b"3"]), Resp::Array(_)));
    // Each connection gets the same commands on a database of its own.
    assert_eq!(resp3.call(&[b"SELECT", b"1"]), Resp::Status(b"OK".to_vec()));
    let mut emulator = Emulator::with_system_clock(3);
    let lines = [
        "HMSET product_prices product1 100 product2 200 product3 300",
        "HSET product_prices product1 150",
        "HGET product_prices product1",
        "HGET product_prices nope",
        "HGETALL product_prices",
        "HSET product_prices \"the product\" \"1\\r\\n2\"",
        "HSET product_prices",
        "HINCRBY product_prices product2 x",
        "GET product_prices",
        "SET greeting \"hello world\"",
        "HSET product_prices {product} 150",
    ];
    for line in lines {
        let argv = split_args(line.as_bytes()).expect("a line redis-cli splits");
        let reply = emulator.run(&argv);
        let wire = Wire::of(argv.clone(), &reply);
        assert_eq!(
            wire.request(),
            sent_by_redis_cli(&argv),
            "the request frame of {line}"
        );
        assert_eq!(
            wire.reply2(),
            resp2.raw(&wire.request()),
            "the RESP2 reply to {line}"
        );
        assert_eq!(
            wire.reply3(),
            resp3.raw(&wire.request()),
            "the RESP3 reply to {line}"
        );
    }
}

/// The bytes redis-cli sends for `argv` (given as its arguments, so that it sends nothing
/// else first), caught by a listener that answers `+OK`.
fn sent_by_redis_cli(argv: &[Vec<u8>]) -> Vec<u8> {
    use std::os::unix::ffi::OsStrExt;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    let port = listener.local_addr().expect("its address").port();
    let mut cli = std::process::Command::new("redis-cli")
        .args(["-h", "127.0.0.1", "-p", &port.to_string()])
        .args(argv.iter().map(|a| std::ffi::OsStr::from_bytes(a)))
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("redis-cli");
    let (mut socket, _) = listener.accept().expect("redis-cli connects");
    let mut sent = Vec::new();
    let mut buf = [0_u8; 4096];
    loop {
        let n = socket.read(&mut buf).expect("read what redis-cli sends");
        sent.extend_from_slice(&buf[..n]);
        if n == 0 || frame_complete(&sent) {
            break;
        }
    }
    let _ = socket.write_all(b"+OK\r\n");
    drop(socket);
    let _ = cli.wait();
    sent
}

fn frame_complete(bytes: &[u8]) -> bool {
    fn line(bytes: &[u8], at: &mut usize) -> Option<usize> {
        let end = bytes[*at..].windows(2).position(|w| w == b"\r\n")? + *at;
        let n = String::from_utf8_lossy(&bytes[*at + 1..end]).parse().ok()?;
        *at = end + 2;
        Some(n)
    }
    let mut at = 0;
    let Some(count) = line(bytes, &mut at) else {
        return false;
    };
    for _ in 0..count {
        let Some(len) = line(bytes, &mut at) else {
            return false;
        };
        if at + len + 2 > bytes.len() {
            return false;
        }
        at += len + 2;
    }
    true
}
