//! `minired`: the lab's Redis emulator on the command line.
//!
//! Reads lines on standard input and writes to standard output exactly what
//! `redis-cli --no-raw` connected to a fresh Redis 7.0.15 writes for the same input:
//!
//! ```text
//! $ printf 'HMSET product_prices product1 100\nHGET product_prices product1\n' | minired
//! OK
//! "100"
//! ```
//!
//! `MINIRED_SEED=<n>` fixes the random choices of HRANDFIELD.
//!
//! With `--port PORT [--bind ADDR]` (the address defaults to 127.0.0.1) it is a Redis server
//! instead, speaking RESP to any client (`redis-cli -p PORT`, redis-py, redis-benchmark), with
//! sixteen databases; see `write_through_lab::server`. It prints `ready on ADDR:PORT` once it
//! listens.

// A native tool: the browser gets the emulator through the app, not through this binary.
#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match server_address(&args) {
        Ok(Some(addr)) => serve(addr),
        Ok(None) => stdin_mode(),
        Err(message) => {
            eprintln!("minired: {message}\nusage: minired [--port PORT [--bind ADDR]]   (without --port: commands on standard input)");
            std::process::exit(2);
        }
    }
}

/// The address to serve on, from `--port PORT [--bind ADDR]`; `None` without `--port`.
#[cfg(not(target_arch = "wasm32"))]
fn server_address(args: &[String]) -> Result<Option<std::net::SocketAddr>, String> {
    let (mut port, mut bind) = (None, "127.0.0.1".to_owned());
    let mut i = 0;
    while i < args.len() {
        let value = args
            .get(i + 1)
            .ok_or_else(|| format!("{} needs a value", args[i]))?;
        match args[i].as_str() {
            "--port" => {
                port = Some(
                    value
                        .parse::<u16>()
                        .map_err(|_| format!("not a port: {value}"))?,
                )
            }
            "--bind" => bind = value.clone(),
            other => return Err(format!("unknown option {other}")),
        }
        i += 2;
    }
    let Some(port) = port else {
        return Ok(None);
    };
    let ip: std::net::IpAddr = bind
        .parse()
        .map_err(|_| format!("not an IP address: {bind}"))?;
    Ok(Some(std::net::SocketAddr::new(ip, port)))
}

#[cfg(not(target_arch = "wasm32"))]
fn serve(addr: std::net::SocketAddr) {
    let seed = std::env::var("MINIRED_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| std::process::id().into());
    let result = write_through_lab::server::tcp::run(addr, seed, |bound| {
        println!("ready on {bound}");
    });
    if let Err(e) = result {
        eprintln!("minired: cannot serve on {addr}: {e}");
        std::process::exit(1);
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn stdin_mode() {
    use std::io::{Read, Write};

    use write_through_lab::emulator::cli::Session;
    use write_through_lab::emulator::Emulator;

    let mut input = Vec::new();
    if let Err(e) = std::io::stdin().read_to_end(&mut input) {
        eprintln!("minired: cannot read standard input: {e}");
        std::process::exit(1);
    }
    let seed = std::env::var("MINIRED_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| std::process::id().into());
    let mut session = Session::new(Emulator::with_system_clock(seed));
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    let mut out = stdout.lock();
    for line in lines(&input) {
        let result = session.feed_line(line);
        // Keep stdout and stderr in the order redis-cli writes them.
        let written = out.write_all(&result.stdout).and_then(|()| out.flush());
        if written.is_err() {
            return;
        }
        if !result.stderr.is_empty() {
            let _ = stderr.lock().write_all(&result.stderr);
        }
        if result.quit {
            break;
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
/// Lines as redis-cli reads them from a pipe: split at `\n`; the last line counts even without
/// a final newline, but nothing after a final newline is a line.
fn lines(input: &[u8]) -> impl Iterator<Item = &[u8]> {
    let body = input.strip_suffix(b"\n").unwrap_or(input);
    let empty = input.is_empty();
    body.split(|&b| b == b'\n').filter(move |_| !empty)
}
