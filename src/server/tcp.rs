//! The TCP transport: a listener on tokio's single-threaded runtime and one task per
//! connection. Each task reads bytes, lets [`RequestParser`] cut them into commands (as many as
//! a read holds: pipelining), runs them in order on the shared [`Server`], and writes the replies
//! back in one write per read. A protocol error is answered with Redis's text and the
//! connection is closed, as Redis closes it; nothing a client sends can reach another client's
//! state, and a panic is not possible from input (the parser and the emulator return errors).

use std::cell::RefCell;
use std::io;
use std::net::SocketAddr;
use std::rc::Rc;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use super::{After, Server};
use crate::emulator::resp::{write_reply, Parsed, RequestParser};
use crate::emulator::Reply;

/// Serves `server` on `listener` until the process ends.
pub async fn serve(listener: TcpListener, server: Rc<RefCell<Server>>) -> io::Result<()> {
    loop {
        let (stream, _) = listener.accept().await?;
        let _ = stream.set_nodelay(true);
        tokio::task::spawn_local(connection(stream, Rc::clone(&server)));
    }
}

/// Binds `addr` and serves a fresh server on it; `ready` gets the bound address (for tests that
/// ask for port 0).
pub fn run(addr: SocketAddr, seed: u64, ready: impl FnOnce(SocketAddr)) -> io::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .on_thread_park(spin_before_sleeping)
        .build()?;
    let local = tokio::task::LocalSet::new();
    local.block_on(&runtime, async move {
        let listener = TcpListener::bind(addr).await?;
        let bound = listener.local_addr()?;
        ready(bound);
        let server = Rc::new(RefCell::new(Server::new(bound.port(), seed)));
        serve(listener, server).await
    })
}

/// Before the server sleeps for want of work, it waits a few microseconds awake: a client
/// that sends its next commands as soon as it has its replies (a pipeline, a benchmark) then
/// finds the server awake, and neither pays for a wake-up. Idle, the server sleeps as before
/// (this runs once each time it runs out of work).
fn spin_before_sleeping() {
    let start = std::time::Instant::now();
    while start.elapsed() < std::time::Duration::from_micros(SPIN_MICROS) {
        std::hint::spin_loop();
    }
}

const SPIN_MICROS: u64 = 20;

async fn connection(mut stream: TcpStream, server: Rc<RefCell<Server>>) {
    let mut client = server.borrow_mut().connect();
    let mut parser = RequestParser::default();
    let mut input: Vec<u8> = Vec::with_capacity(16 * 1024);
    let mut output: Vec<u8> = Vec::with_capacity(16 * 1024);
    'reading: loop {
        // Straight into the buffer's free room: no copy.
        input.reserve(16 * 1024);
        match stream.read_buf(&mut input).await {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
        let mut consumed = 0;
        let mut close = false;
        loop {
            match parser.parse(&input[consumed..]) {
                Ok((used, Parsed::Command)) => {
                    consumed += used;
                    let argv = parser.argv();
                    let after = server.borrow_mut().execute(&mut client, argv, &mut output);
                    if after == After::Close {
                        close = true;
                        break;
                    }
                }
                Ok((used, Parsed::Empty)) => consumed += used,
                Ok((used, Parsed::Incomplete)) => {
                    consumed += used;
                    break;
                }
                Err(e) => {
                    write_reply(
                        &mut output,
                        &Reply::Error(e.message()),
                        client.resp3,
                        crate::emulator::resp::Shape::Plain,
                    );
                    close = true;
                    break;
                }
            }
        }
        input.drain(..consumed);
        if input.capacity() > 1024 * 1024 && input.len() < 16 * 1024 {
            // Give back what a large request needed once it is done.
            input.shrink_to(16 * 1024);
        }
        // And what its arguments needed (a few comparisons when there is nothing to give).
        parser.shrink();
        if !output.is_empty() {
            if stream.write_all(&output).await.is_err() {
                break 'reading;
            }
            output.clear();
            if output.capacity() > 1024 * 1024 {
                output.shrink_to(16 * 1024);
            }
        }
        if close {
            let _ = stream.shutdown().await;
            break;
        }
    }
    server.borrow_mut().disconnect(&client);
}
