#!/usr/bin/env bash
# The emulator's benchmark: execute_command against a raw HashMap insert (same process, same
# run), and against Redis 7.0's own usec_per_call for HSET. Prints a Markdown table.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(cargo bench --quiet --bench emulator 2>/dev/null)
echo "$out" | sed '/^emulator_hset_usec_per_call=/d'
emu=$(echo "$out" | sed -n 's/^emulator_hset_usec_per_call=//p')
redis=$(scripts/redis-hset-usec.sh | sed -n 's/^redis_hset_usec_per_call=//p')
echo
echo "Redis 7.0 HSET usec_per_call (INFO commandstats after redis-benchmark): $redis µs"
echo "emulator HSET per call: $emu µs"
awk -v e="$emu" -v r="$redis" 'BEGIN { printf "emulator HSET / Redis usec_per_call = %.2fx\n", e / r }'
