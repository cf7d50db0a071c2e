#!/usr/bin/env bash
# The whole test suite. Run it through `make test`, which sets up first.
#
# On two cores the time goes to compiling, so nothing is compiled twice and both cores are kept
# busy (docs/structure.md, "The test command's time"):
# - the release bundle (RustPython's worker with fat LTO over one codegen unit spends minutes on
#   one core) builds in the background from the start, in a target directory of its own, while
#   the other steps run (giving them a lower priority made the whole slower: the bundle's build
#   starts with two cores' worth of crates and starved them);
# - Clippy lints the crate's own code as its compiler (`RUSTC_WORKSPACE_WRAPPER`, the mechanism
#   `cargo clippy` itself uses) in the builds the tests run anyway, so the dependencies are
#   compiled once instead of once checked and once built.
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
bundle_log=$(mktemp)
bundle=
cleanup() {
  [ -z "$bundle" ] || kill "$bundle" 2>/dev/null || true
  rm -f "$log" "$bundle_log"
}
trap cleanup EXIT

step "format (cargo fmt --check)"
cargo fmt --all --check

step "layer 3, first half: the release bundle (trunk build --release), in the background"
mkdir -p target
CARGO_TARGET_DIR=target/bundle trunk build --release --dist dist >"$bundle_log" 2>&1 &
bundle=$!

# `cargo clippy` is `cargo check` with clippy-driver as the compiler of the workspace's crates and
# its arguments in CLIPPY_ARGS; the same with `cargo test` lints every target while building it.
lint() {
  RUSTC_WORKSPACE_WRAPPER=clippy-driver CLIPPY_ARGS="-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__" "$@"
}

# Every feature is linted; RustPython (the `interpreter` feature) is compiled only where it runs:
# the host tests and the interpreter's worker. The page and its browser tests are built without.
step "lint and build, host (cargo test --no-run --all-targets --all-features, Clippy -D warnings)"
lint cargo test --locked --all-targets --all-features --no-run

step "layer 1: host tests"
# make test installs Redis: here the live differential test must fail without it, not skip.
WTL_REQUIRE_REDIS=1 lint cargo test --locked --all-features 2>&1 | tee -a "$log"

step "Redis's own test suite against minired (scripts/check-redis.sh --check)"
MINIRED=target/debug/minired scripts/check-redis.sh --check

# In WebAssembly the page and the shared Redis's worker are linted. The interpreter's modules are
# plain Rust, linted above on the host; only its worker's few lines of wasm glue
# (src/bin/python_worker.rs) go unlinted here, which spares checking RustPython for wasm32 too.
step "lint and build, wasm32 (cargo test --no-run --all-targets --features bench-hooks, Clippy -D warnings)"
lint cargo test --locked --target wasm32-unknown-unknown --all-targets --features bench-hooks --no-run

step "layer 2: Rust tests in headless Chromium (wasm-bindgen-test)"
CHROMEDRIVER=${CHROMEDRIVER:-/usr/bin/chromedriver} \
  lint cargo test --locked --target wasm32-unknown-unknown --features bench-hooks --test browser 2>&1 | tee -a "$log"

step "layer 3: end to end (waiting for the release bundle, then served on loopback and driven in Chromium)"
if ! wait "$bundle"; then
  bundle=
  cat "$bundle_log"
  echo "trunk build --release failed (its output is above)" >&2
  exit 1
fi
bundle=
tail -n 3 "$bundle_log"
# The whole suite in Chromium (engines.test.mjs among it, in Chromium only here).
WTL_ENGINES=chromium npm run --silent e2e 2>&1 | tee -a "$log"

# The engines' file again in Firefox ESR and WebKitGTK (tests/e2e/engines.mjs drives them).
for engine in firefox webkit; do
  step "layer 3 in $engine: tests/e2e/engines.test.mjs"
  engine_log=$(mktemp)
  WTL_ENGINES=$engine npm run --silent e2e:engines 2>&1 | tee "$engine_log"
  cat "$engine_log" >>"$log"
  echo "$engine: $(grep -oE '^# pass [0-9]+' "$engine_log" | grep -oE '[0-9]+') tests passed"
  rm -f "$engine_log"
done

# cargo and wasm-bindgen-test print "test result: ok. N passed; M failed"; node prints "# pass N".
passed=$(grep -oE '(test result: [a-zA-Z]+\. [0-9]+ passed|^# pass [0-9]+)' "$log" | grep -oE '[0-9]+' | awk '{ s += $1 } END { print s + 0 }')
failed=$(grep -oE '([0-9]+ failed|^# fail [0-9]+)' "$log" | grep -oE '[0-9]+' | awk '{ s += $1 } END { print s + 0 }')
printf '(%ss)\n' "$((SECONDS - last))"
printf '\nAll three layers passed in %ss.\n' "$((SECONDS - started))"
echo "${passed:-0} passed, ${failed:-0} failed"
