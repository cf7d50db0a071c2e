# Sourced by the benchmark scripts: starts a throwaway redis-server on a free loopback port
# (no persistence) and sets $port; the server and its directory go away when the script exits.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
dir=$(mktemp -d)
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$dir" >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$dir"' EXIT
until redis-cli -p "$port" PING >/dev/null 2>&1; do sleep 0.05; done
