#!/usr/bin/env bash
# The whole test suite, cheapest checks first. Run it through `make test`, which sets up first.
set -euo pipefail
cd "$(dirname "$0")/.."

started=$SECONDS
last=
# Each step says how long the one before it took, so that a slow run shows where its time went.
step() {
  [ -z "$last" ] || printf '(%ss)\n' "$((SECONDS - last))"
  last=$SECONDS
  printf '\n\033[1m==> %s\033[0m\n' "$*"
}
# Every test runner's output is also kept here, to count the tests of all layers at the end.
log=$(mktemp)
trap 'rm -f "$log"' EXIT

step "format (cargo fmt --check)"
cargo fmt --all --check

# Every feature is linted; RustPython (the `interpreter` feature) is compiled only where it runs:
# the host tests and the interpreter's worker. The page and its browser tests are built without.
step "lint, host (cargo clippy --all-targets --all-features -D warnings)"
cargo clippy --all-targets --all-features --locked -- -D warnings

# In WebAssembly the page and the shared Redis's worker are linted. The interpreter's modules are
# plain Rust, linted above on the host; only its worker's few lines of wasm glue
# (src/bin/python_worker.rs) go unlinted here, which spares checking RustPython for wasm32 too.
step "lint, wasm32 (cargo clippy --all-targets --features bench-hooks --target wasm32-unknown-unknown -D warnings)"
cargo clippy --all-targets --features bench-hooks --locked --target wasm32-unknown-unknown -- -D warnings

step "layer 1: host tests (cargo test --features interpreter)"
# make test installs Redis: here the live differential test must fail without it, not skip.
WTL_REQUIRE_REDIS=1 cargo test --locked --features interpreter 2>&1 | tee -a "$log"

step "Redis's own test suite against minired (scripts/check-redis.sh --check)"
scripts/check-redis.sh --check

step "layer 2: Rust tests in headless Chromium (wasm-bindgen-test)"
CHROMEDRIVER=${CHROMEDRIVER:-/usr/bin/chromedriver} \
  cargo test --locked --target wasm32-unknown-unknown --test browser 2>&1 | tee -a "$log"

step "layer 3: end to end (release bundle, served on loopback, driven in Chromium)"
trunk build --release --dist dist
npm run --silent e2e 2>&1 | tee -a "$log"

# cargo and wasm-bindgen-test print "test result: ok. N passed; M failed"; node prints "# pass N".
passed=$(grep -oE '(test result: [a-zA-Z]+\. [0-9]+ passed|^# pass [0-9]+)' "$log" | grep -oE '[0-9]+' | awk '{ s += $1 } END { print s + 0 }')
failed=$(grep -oE '([0-9]+ failed|^# fail [0-9]+)' "$log" | grep -oE '[0-9]+' | awk '{ s += $1 } END { print s + 0 }')
printf '(%ss)\n' "$((SECONDS - last))"
printf '\nAll three layers passed in %ss.\n' "$((SECONDS - started))"
echo "${passed:-0} passed, ${failed:-0} failed"
