#!/usr/bin/env bash
# `minired --port` against redis-server, one thread against one thread, measured in the same run
# with redis-benchmark (pipelines of 16): requests per second for PING, SET, GET and HSET, and
# the ratio. Run by scripts/bench.sh (make bench); prints a Markdown table.
set -euo pipefail
cd "$(dirname "$0")/.."

requests=${BENCH_RESP_REQUESTS:-200000}
rounds=${BENCH_RESP_ROUNDS:-3}
cargo build --release --locked --bin minired >/dev/null 2>&1

source scripts/redis-loopback.sh
start_loopback_server target/release/minired
mini_port=$port
start_loopback_server redis-server
real_port=$port

# One CSV line per test: "TEST","rps",...; the median of the rounds, which alternate servers.
declare -A runs
for round in $(seq "$rounds"); do
  for server in minired redis-server; do
    port=$mini_port
    [ "$server" = redis-server ] && port=$real_port
    while IFS=, read -r test rps _; do
      test=${test//\"/}
      rps=${rps//\"/}
      [ "$test" = test ] && continue
      runs["$server $test"]+="$rps "
    done < <(redis-benchmark -p "$port" -t ping,set,get,hset -n "$requests" -P 16 -q --csv)
  done
done

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
echo "| redis-benchmark -P 16, $requests requests, median of $rounds | minired (req/s) | redis-server 7.0.15 (req/s) | minired / redis-server |"
echo "|---|---:|---:|---:|"
for test in PING_INLINE PING_MBULK SET GET HSET; do
  m=$(echo "${runs["minired $test"]}" | median)
  r=$(echo "${runs["redis-server $test"]}" | median)
  echo "| $test | $m | $r | $(awk -v m="$m" -v r="$r" 'BEGIN { printf "%.2fx", m / r }') |"
done
