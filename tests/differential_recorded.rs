//! The emulator against recorded Redis, with no server needed: every case in
//! `tests/differential/NAME.redis` is fed to `minired`, and its output must equal, byte for byte,
//! what `redis-cli --no-raw` printed for the case against a real Redis 7.0.15, recorded in
//! `tests/differential/NAME.out` by `scripts/record-differential.sh` (run it after changing a
//! case). `tests/differential.rs` is the live counterpart: it checks the recordings against a
//! running `redis-server`, and `minired` against random sessions too.
#![cfg(not(target_arch = "wasm32"))]

// Shared with the live tests: this one needs no server, so not the server helpers.
#[allow(dead_code)]
#[path = "support/differential.rs"]
mod differential;

use differential::{assert_no_failures, cases, check_minired};

#[test]
fn emulator_matches_the_recorded_redis_output_byte_for_byte() {
    let (cases, mut failures) = cases();
    for case in &cases {
        if let Some(recorded) = &case.recorded {
            check_minired(case, ("recorded redis-cli", recorded), &mut failures);
        }
    }
    assert_no_failures(&failures, &cases);
}
