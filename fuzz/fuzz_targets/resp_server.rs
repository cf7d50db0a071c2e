//! Arbitrary bytes as a client's stream to `minired --port`, without a socket: the first byte
//! chooses how the stream is cut into reads. The RESP parser reads the requests (resuming across
//! reads), the server runs them on its sixteen databases and writes RESP2 or RESP3 replies.
//! Nothing may panic; the parser never consumes more than it was given; and the commands read
//! piece by piece are the commands read from the whole stream at once.
#![no_main]

use libfuzzer_sys::fuzz_target;
use write_through_lab::emulator::resp::{Parsed, RequestParser};
use write_through_lab::server::{After, Server};

/// The commands (or the error) in `stream`, read in pieces of `piece` bytes.
fn read(stream: &[u8], piece: usize) -> (Vec<Vec<Vec<u8>>>, bool) {
    let mut parser = RequestParser::default();
    let mut buffer: Vec<u8> = Vec::new();
    let mut commands = Vec::new();
    for chunk in stream.chunks(piece.max(1)) {
        buffer.extend_from_slice(chunk);
        loop {
            match parser.parse(&buffer) {
                Ok((used, parsed)) => {
                    assert!(used <= buffer.len());
                    buffer.drain(..used);
                    match parsed {
                        Parsed::Command(argv) => commands.push(argv),
                        Parsed::Empty => {}
                        Parsed::Incomplete => break,
                    }
                }
                Err(_) => return (commands, true),
            }
        }
    }
    (commands, false)
}

fuzz_target!(|data: &[u8]| {
    let Some((&piece, stream)) = data.split_first() else {
        return;
    };
    let (whole, whole_failed) = read(stream, stream.len());
    let (pieces, pieces_failed) = read(stream, usize::from(piece % 64) + 1);
    if !whole_failed && !pieces_failed {
        assert_eq!(whole, pieces, "reading in pieces changed the commands");
    }
    let mut server = Server::new(6379, 1);
    let mut client = server.connect();
    let mut out = Vec::new();
    for argv in whole {
        if server.execute(&mut client, &argv, &mut out) == After::Close {
            break;
        }
    }
});
