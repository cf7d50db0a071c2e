#!/usr/bin/env bash
# Redis's own time per HSET, as Redis reports it: start redis-server on loopback, run
# redis-benchmark with the lesson's HSET, then read usec_per_call from INFO commandstats.
# Prints one line: redis_hset_usec_per_call=<microseconds>
set -euo pipefail
requests=${1:-200000}
source "$(dirname "$0")/redis-loopback.sh"
start_loopback_server redis-server
redis-cli -p "$port" HMSET product_prices product1 100 product2 200 product3 300 >/dev/null
redis-cli -p "$port" CONFIG RESETSTAT >/dev/null
redis-benchmark -h 127.0.0.1 -p "$port" -n "$requests" -q HSET product_prices product1 150 >/dev/null
redis-cli -p "$port" INFO commandstats | tr -d '\r' |
  sed -n 's/^cmdstat_hset:.*usec_per_call=\([0-9.]*\).*/redis_hset_usec_per_call=\1/p'
