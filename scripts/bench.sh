#!/usr/bin/env bash
# The benchmark command (`make bench`): builds what it needs and prints the tables. Every figure
# is a ratio against a baseline measured in the same run, or a size; nothing here is a test.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "## Emulator (host)"
echo
host=$(scripts/bench-emulator.sh)
echo "$host"
export HOST_HSET_US
HOST_HSET_US=$(echo "$host" | sed -n 's/^emulator HSET per call: \([0-9.]*\) µs$/\1/p')
echo
echo "## minired --port against redis-server (redis-benchmark)"
echo
scripts/bench-resp.sh
echo
echo "## Load: transfer size of the release bundle"
echo
trunk build --release --dist dist >/dev/null 2>&1
node scripts/bundle-size.mjs dist
echo
echo "Where the wasm's bytes go (a build with names, before wasm-opt):"
echo
scripts/wasm-sizes.sh 12
echo
echo "## Write-through and load, in headless Chromium"
echo
# The same bundle with the benchmarks' hooks (lab.bench_emulator, lab.bench_hash_memory), which
# the learners' bundle above does not carry.
trunk build --release --features bench-hooks --dist dist-bench >/dev/null 2>&1
export WTL_DIST="$PWD/dist-bench"
node scripts/bench-browser.mjs "${BENCH_BATCH:-10000}"
echo
echo "## Many tabs, one Redis: the shared server against a tab's own, in headless Chromium"
echo
WTL_DIST="$PWD/dist" node scripts/bench-tabs.mjs "${BENCH_TAB_COMMANDS:-2000}" "${BENCH_TAB_ROUNDS:-5}"
echo
echo "## The learner's Python: cold start and warm runs, in headless Chromium"
echo
WTL_DIST="$PWD/dist" node scripts/bench-python.mjs "${BENCH_PYTHON_COLD:-3}" "${BENCH_PYTHON_WARM:-20}"
echo
echo "## Long programs: folded runs, the diagram drawn as seen, in headless Chromium"
echo
WTL_DIST="$PWD/dist" node scripts/bench-long.mjs "${BENCH_LONG_KEYS:-15}"
echo
echo "## The challenges' checks, warm, in headless Chromium"
echo
WTL_DIST="$PWD/dist-bench" node scripts/bench-challenges.mjs "${BENCH_CHALLENGE_RUNS:-5}"
echo
echo "## Scale: 100,000 products, in headless Chromium"
echo
export REDIS_HASH_BYTES
REDIS_HASH_BYTES=$(scripts/redis-hash-memory.sh | sed -n 's/^redis_hash_bytes=//p')
node scripts/bench-scale.mjs "${BENCH_SCALE_ROUNDS:-3}"
echo
echo "## Lighthouse (default settings: mobile, simulated throttling)"
echo
WTL_DIST="$PWD/dist" node scripts/lighthouse.mjs "${BENCH_LIGHTHOUSE_RUNS:-3}"
echo
echo "## A first load on a throttled phone profile, in headless Chromium"
echo
WTL_DIST="$PWD/dist" node scripts/bench-first-load.mjs "${BENCH_FIRST_LOAD_RUNS:-5}"
echo
echo "## The standard library: what an import costs, first in a page and in the next run"
echo
WTL_DIST="$PWD/dist" node scripts/bench-stdlib.mjs "${BENCH_STDLIB_ROUNDS:-3}"
