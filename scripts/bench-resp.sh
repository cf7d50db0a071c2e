#!/usr/bin/env bash
# `minired --port` against redis-server, one thread against one thread, measured in the same run
# with redis-benchmark (pipelines of 16, 50 connections): requests per second for PING (inline
# and multibulk), SET, GET and HSET. Round after round, each test runs on the two servers back to
# back (which one goes first alternates by round), so that a round's ratio compares runs made
# within a second or two of each other. Run by scripts/bench.sh (make bench); prints a Markdown
# table.
#
# On a machine with two cores or more both servers run on core 0 and redis-benchmark on core 1
# (`taskset`): the two then never share a core with the client, and the figures move less.
#
#   BENCH_RESP_REQUESTS  requests per test (2,000,000: under a second per test here)
#   BENCH_RESP_ROUNDS    rounds (5)
set -euo pipefail
cd "$(dirname "$0")/.."

requests=${BENCH_RESP_REQUESTS:-2000000}
rounds=${BENCH_RESP_ROUNDS:-5}
cargo build --profile server --locked --bin minired >/dev/null 2>&1

server_cpu=() client_cpu=()
if [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then
  server_cpu=(taskset -c 0)
  client_cpu=(taskset -c 1)
fi

source scripts/redis-loopback.sh
start_loopback_server target/server/minired
mini_port=$port
[ ${#server_cpu[@]} -eq 0 ] || taskset -acp 0 "$pid" >/dev/null
start_loopback_server redis-server
real_port=$port
[ ${#server_cpu[@]} -eq 0 ] || taskset -acp 0 "$pid" >/dev/null

TESTS=(PING_INLINE PING_MBULK SET GET HSET)
# "server test" -> one figure per round, in order.
declare -A runs
for round in $(seq "$rounds"); do
  order=(minired redis-server)
  [ $((round % 2)) -eq 0 ] && order=(redis-server minired)
  for test in "${TESTS[@]}"; do
    for server in "${order[@]}"; do
      port=$mini_port
      [ "$server" = redis-server ] && port=$real_port
      rps=$("${client_cpu[@]}" redis-benchmark -p "$port" -t "${test,,}" -n "$requests" -P 16 -q --csv |
        awk -F, -v t="\"$test\"" '$1 == t { gsub(/"/, "", $2); print $2 }')
      if ! [[ $rps =~ ^[0-9.]+$ ]]; then
        echo "bench-resp.sh: redis-benchmark gave no $test figure for $server" >&2
        exit 1
      fi
      runs["$server $test"]+="$rps "
    done
  done
done

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
echo "| redis-benchmark -P 16, $requests requests, $rounds rounds | minired (req/s, median) | redis-server 7.0.15 (req/s, median) | minired / redis-server, each round | median ratio | lowest |"
echo "|---|---:|---:|---|---:|---:|"
for test in "${TESTS[@]}"; do
  read -r -a m <<<"${runs["minired $test"]}"
  read -r -a r <<<"${runs["redis-server $test"]}"
  ratios=()
  for i in "${!m[@]}"; do
    ratios+=("$(awk -v m="${m[$i]}" -v r="${r[$i]}" 'BEGIN { printf "%.2fx", m / r }')")
  done
  lowest=$(printf '%s\n' "${ratios[@]}" | sort -g | head -1)
  middle=$(printf '%s\n' "${ratios[@]}" | tr -d x | median)
  echo "| $test | $(echo "${m[*]}" | median) | $(echo "${r[*]}" | median) | ${ratios[*]} | ${middle}x | $lowest |"
done
