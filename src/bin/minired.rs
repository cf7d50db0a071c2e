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

// A native tool: the browser gets the emulator through the app, not through this binary.
#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
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
