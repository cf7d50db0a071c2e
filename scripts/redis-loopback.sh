# Sourced by scripts that need a Redis on loopback: defines `start_loopback_server`, which starts
# a throwaway server on a free loopback port (no persistence) and waits until it answers PING;
# every server started and its directory go away when the script exits.
#
#   start_loopback_server redis-server        sets $port, $pid and $dir (a scratch directory)
#   start_loopback_server target/server/minired

loopback_pids=()
loopback_dirs=()
# `|| true`: a server the script already stopped must not turn its exit status into a failure.
trap 'for p in "${loopback_pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; rm -rf "${loopback_dirs[@]}"' EXIT

start_loopback_server() {
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  dir=$(mktemp -d)
  if [ "$1" = redis-server ]; then
    redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$dir" >/dev/null 2>&1 &
  else
    "$1" --port "$port" >/dev/null 2>&1 &
  fi
  pid=$!
  loopback_pids+=("$pid")
  loopback_dirs+=("$dir")
  for _ in $(seq 200); do
    redis-cli -p "$port" PING >/dev/null 2>&1 && return 0
    sleep 0.05
  done
  echo "redis-loopback.sh: $1 did not answer PING on port $port" >&2
  exit 1
}
