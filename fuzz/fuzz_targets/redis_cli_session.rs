//! Fuzzes the tokenizer and the executor together: the input is a redis-cli session (lines
//! separated by `\n`), fed to the emulator's redis-cli layer. Nothing may panic, and every
//! reply must print.
#![no_main]

use libfuzzer_sys::fuzz_target;
use write_through_lab::emulator::cli::Session;
use write_through_lab::emulator::{split_args, quote_arg, Emulator};

fuzz_target!(|data: &[u8]| {
    let mut session = Session::with_max_repeat(Emulator::new(Box::new(|| 1_700_000_000_000), 1), 100);
    for line in data.split(|&b| b == b'\n') {
        let out = session.feed_line(line);
        for reply in &out.replies {
            let _ = reply.to_cli_bytes();
        }
        // Quoting is the inverse of splitting.
        if let Ok(args) = split_args(line) {
            for arg in &args {
                let quoted = quote_arg(arg);
                assert_eq!(split_args(quoted.as_bytes()).ok(), Some(vec![arg.clone()]));
            }
        }
    }
});
