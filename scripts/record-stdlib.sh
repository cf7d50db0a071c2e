#!/usr/bin/env bash
# Records what CPython prints for each program of tests/stdlib/ (issue #26): the lab's Python
# must print the same (tests/stdlib.rs on the host, tests/e2e/stdlib.test.mjs in Chromium).
# Programs that import redis run with redis-py (.venv, scripts/setup.sh test) against a real
# redis-server started here on a loopback port; the others with Debian's python3.
#
#   scripts/record-stdlib.sh            record every program
#   scripts/record-stdlib.sh NAME ...   record these (tests/stdlib/NAME.py)
set -euo pipefail
cd "$(dirname "$0")/.."

port=${REDIS_PORT:-6391}
server=
cleanup() { [ -z "$server" ] || kill "$server" 2>/dev/null || true; }
trap cleanup EXIT

names=("$@")
if [ ${#names[@]} -eq 0 ]; then
  for f in tests/stdlib/*.py; do names+=("$(basename "$f" .py)"); done
fi
for name in "${names[@]}"; do
  program=tests/stdlib/$name.py
  if grep -q '^import redis' "$program"; then
    if [ -z "$server" ]; then
      # The programs flush their database: never one that something else is serving.
      if redis-cli -p "$port" ping >/dev/null 2>&1; then
        echo "port $port is already served; set REDIS_PORT to a free one" >&2
        exit 1
      fi
      redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no >/dev/null &
      server=$!
      for _ in $(seq 50); do
        redis-cli -p "$port" ping >/dev/null 2>&1 && break
        kill -0 "$server" 2>/dev/null || { echo "redis-server did not start" >&2; exit 1; }
        sleep 0.1
      done
    fi
    REDIS_PORT=$port .venv/bin/python "$program" >"tests/stdlib/$name.out"
  else
    /usr/bin/python3 "$program" >"tests/stdlib/$name.out"
  fi
  echo "recorded tests/stdlib/$name.out"
done
