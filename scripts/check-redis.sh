#!/usr/bin/env bash
# Redis's own test suite against minired, next to the real redis-server with the same flags:
#
#   scripts/check-redis.sh            prints a table of passed / failed / skipped tests per unit
#   scripts/check-redis.sh --check    minired only, and fails if it passes fewer tests of a unit
#                                     than tests/redis-suite/minimum.txt says (make test runs this)
#
# The suite comes from the source package of the Redis that Debian installs (7.0.15), through
# Debian's package registry (`apt-get source`, with a deb-src entry added if there is none), and
# runs with Debian's tcl, in Redis's external-server mode:
#   ./runtest --host 127.0.0.1 --port P --single UNIT --singledb --ignore-encoding --ignore-digest
#             --tags "-needs:debug -needs:repl"
# A test that stops its unit with an exception (a command minired does not have, say) is
# counted as failed, listed, and skipped in a rerun so that the rest of the unit still runs. The
# ones known to do so (tests/redis-suite/stoppers.txt) are skipped from the start, so that each
# unit normally runs once; a new one still gets its rerun, and is named at the end.
# Everything a run printed is kept in target/redis-suite/.
set -euo pipefail
cd "$(dirname "$0")/.."

UNITS=(unit/type/hash unit/type/incr unit/type/string unit/keyspace unit/multi)
FLAGS=(--singledb --ignore-encoding --ignore-digest --tags "-needs:debug -needs:repl")
work=target/redis-suite
mkdir -p "$work"

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
say() { printf '\033[1m[check-redis]\033[0m %s\n' "$*" >&2; }

# The source of the installed redis-server's package version.
version=$(dpkg-query -W -f='${Version}' redis-server)
upstream=${version#*:}
upstream=${upstream%%-*}
src="$work/redis-$upstream"
if [ ! -x "$src/runtest" ]; then
  say "fetching Redis $upstream's source (apt-get source redis=$version)"
  if ! (cd "$work" && apt-get source --download-only "redis=$version" >/dev/null 2>&1); then
    say "adding Debian's source lists (deb-src) and retrying"
    . /etc/os-release
    as_root tee /etc/apt/sources.list.d/wtl-debian-src.sources >/dev/null <<EOF
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: $VERSION_CODENAME $VERSION_CODENAME-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian-security
Suites: $VERSION_CODENAME-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
    as_root apt-get update -qq
    (cd "$work" && apt-get source --download-only "redis=$version" >/dev/null)
  fi
  tar -xzf "$work/redis_$upstream.orig.tar.gz" -C "$work"
fi
if ! command -v tclsh >/dev/null; then
  say "installing Debian's tcl"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tcl >/dev/null
fi
# The debug build (the suite waits on the network, not on the emulator's speed). `make test`
# hands over the one its host tests built (MINIRED); run alone, this builds it.
minired=${MINIRED:-}
if [ -z "$minired" ]; then
  cargo build --locked --features interpreter --bin minired >/dev/null 2>&1
  minired=target/debug/minired
fi

source scripts/redis-loopback.sh

# Runs one unit against the server on $port until no test stops it with an exception; prints
# "ok err skip" counts and writes the failing tests' names to $work/<server>-<unit>.failed.
run_unit() {
  local server=$1 unit=$2 name=${2//\//-}
  local log="$work/$server-$name.log" failed="$work/$server-$name.failed"
  local skips=() ok=0 err=0 skip=0 stopped=()
  # The tests known to stop this unit against minired: skipped from the first run.
  if [ "$server" = minired ]; then
    local known
    while IFS=$'\t' read -r known_unit known; do
      [ "$known_unit" = "$unit" ] || continue
      stopped+=("$known — stops the unit (known: tests/redis-suite/stoppers.txt)")
      skips+=(--skiptest "$known")
    done < <(grep -v '^#' tests/redis-suite/stoppers.txt)
  fi
  for _ in $(seq 40); do
    (cd "$src" && ./runtest --host 127.0.0.1 --port "$port" --single "$unit" "${FLAGS[@]}" "${skips[@]}" 2>&1) |
      sed 's/\x1b\[[0-9;]*m//g' >"$log" || true
    ok=$(grep -c '^\[ok\]:' "$log" || true)
    err=$(grep -c '^\[err\]:' "$log" || true)
    skip=$(grep -c '^\[skip\]:' "$log" || true)
    if ! grep -q '^\[exception\]' "$log"; then
      break
    fi
    # The test the exception came from: `test {name} {` or `test "name" {` in the trace.
    local culprit
    culprit=$(grep -A40 '^\[exception\]' "$log" | grep -oE '^"test (\{[^}]*\}|"[^"]*")' | head -1 |
      sed -E 's/^"test [{"]//; s/[}"]$//')
    if [ -z "$culprit" ]; then
      stopped+=("(the unit stopped outside a test: $(grep -m1 '^\[exception\]' "$log"))")
      break
    fi
    stopped+=("$culprit — stopped the unit: $(grep -m1 -A1 '^\[exception\]' "$log" | tail -1)")
    skips+=(--skiptest "$culprit")
    [ "$server" != minired ] || printf '%s\t%s\n' "$unit" "$culprit" >>"$work/new-stoppers.txt"
  done
  # The final run's failures, then the tests that stopped a run.
  { grep '^\[err\]:' "$log" | sed 's/^\[err\]: //; s/ in tests\/.*$//' || true
    printf '%s\n' "${stopped[@]}"; } | grep -v '^$' >"$failed" || true
  # Tests skipped after an exception were run once and failed: count them as failed, not skipped.
  err=$((err + ${#skips[@]} / 2))
  skip=$((skip - ${#skips[@]} / 2))
  [ "$skip" -ge 0 ] || skip=0
  echo "$ok $err $skip"
}

declare -A results
servers=(redis-server minired)
[ "${1:-}" != --check ] || servers=(minired)
rm -f "$work/new-stoppers.txt"
for server in "${servers[@]}"; do
  if [ "$server" = minired ]; then
    start_loopback_server "$minired"
  else
    start_loopback_server redis-server
  fi
  for unit in "${UNITS[@]}"; do
    say "$server: $unit"
    results["$server $unit"]=$(run_unit "$server" "$unit")
  done
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
done

echo "| unit | redis-server: pass / fail / skip | minired: pass / fail / skip |"
echo "|---|---:|---:|"
for unit in "${UNITS[@]}"; do
  read -r rok rerr rskip <<<"${results["redis-server $unit"]:-- - -}"
  read -r mok merr mskip <<<"${results["minired $unit"]}"
  echo "| $unit | $rok / $rerr / $rskip | $mok / $merr / $mskip |"
done
echo
echo "The failing tests and why: $work/minired-*.failed; whole runs: $work/*.log."
if [ -s "$work/new-stoppers.txt" ]; then
  echo "Tests that stopped a unit and are not in tests/redis-suite/stoppers.txt (each cost a rerun):"
  cat "$work/new-stoppers.txt"
fi

if [ "${1:-}" = --check ]; then
  status=0
  while read -r unit minimum; do
    [ -z "$unit" ] || [ "${unit:0:1}" = "#" ] && continue
    read -r mok _ _ <<<"${results["minired $unit"]}"
    if [ "$mok" -lt "$minimum" ]; then
      echo "check-redis: minired passes $mok tests of $unit, fewer than the $minimum it passed before" >&2
      status=1
    fi
  done <tests/redis-suite/minimum.txt
  exit $status
fi
