#!/usr/bin/env bash
# Records what real Redis prints for every differential case: for each
# tests/differential/NAME.redis, writes tests/differential/NAME.out, the standard output of
# `redis-cli --no-raw` for each `### name` section, under the same `### name` header.
#
# Run it after adding or changing a case (then commit the .out files with it). It feeds the cases
# exactly as tests/differential.rs does: in the same order, each section's bytes as they are in
# the file, to `redis-cli -h 127.0.0.1 -p PORT --no-raw` on standard input, after a FLUSHALL fed
# the same way, against its own throwaway Redis 7.0 (loopback only, no persistence, stopped on
# exit). tests/differential_recorded.rs checks minired against the .out files with no server;
# tests/differential.rs (make test) fails when a recording no longer matches live Redis.
#
# Needs Debian's redis-server and redis-tools (`scripts/setup.sh test` installs them).
set -euo pipefail
cd "$(dirname "$0")/.."
# Case files in byte order, as the test sorts them.
export LC_ALL=C

for tool in redis-server redis-cli; do
  if ! command -v "$tool" >/dev/null; then
    echo "record-differential: $tool is missing; install Debian's redis-server and redis-tools" \
      "(scripts/setup.sh test, or apt-get install redis-server redis-tools)" >&2
    exit 1
  fi
done

# Sets $port; the server and its directory go away on exit.
source scripts/redis-loopback.sh
start_loopback_server redis-server

cli() { redis-cli -h 127.0.0.1 -p "$port" --no-raw 2>/dev/null; }

version=$(redis-cli -h 127.0.0.1 -p "$port" --raw INFO server | tr -d '\r' | sed -n 's/^redis_version://p')
case "$version" in
  7.0.*) ;;
  *)
    echo "record-differential: the cases are recorded from Redis 7.0, this is Redis $version" >&2
    exit 1
    ;;
esac

# Scratch files go in the server's directory, which goes away with it.
section=$dir/section
output=$dir/output
recording=$dir/recording

for cases in tests/differential/*.redis; do
  printf '# redis-cli --no-raw output for each case of %s, from Redis %s on a flushed\n# database. Written by scripts/record-differential.sh: do not edit, run it again.\n' \
    "${cases##*/}" "$version" >"$recording"
  # The line numbers of the `### name` headers; a section runs to the line before the next one.
  mapfile -t headers < <(grep -a -n '^### ' "$cases" | cut -d: -f1)
  for i in "${!headers[@]}"; do
    header=$(sed -n "${headers[i]}p" "$cases" | tr -d '\r')
    first=$((headers[i] + 1))
    if [ $((i + 1)) -lt ${#headers[@]} ]; then
      head -n "$((headers[i + 1] - 1))" "$cases" | tail -n "+$first"
    else
      tail -n "+$first" "$cases"
    fi >"$section"
    # Like the test, whatever redis-cli exits with: its output is what is compared.
    printf 'FLUSHALL\n' | cli >/dev/null || true
    cli <"$section" >"$output" || true
    # The recording is read back by splitting it at `### ` lines: an output must end its lines.
    if [ -n "$(tail -c 1 "$output")" ] || grep -a -q '^### ' "$output"; then
      echo "record-differential: $cases, $header: the output cannot be recorded (it does not" \
        "end with a newline, or a line starts with '### ')" >&2
      exit 1
    fi
    printf '%s\n' "$header" >>"$recording"
    cat "$output" >>"$recording"
  done
  out=${cases%.redis}.out
  cp "$recording" "$out"
  echo "recorded ${#headers[@]} cases in $out"
done
