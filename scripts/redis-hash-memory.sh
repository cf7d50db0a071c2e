#!/usr/bin/env bash
# What Redis 7.0 itself reports for the 100,000-product hash: the same generated catalog as
# the lab's (catalog::generated: product0 … product99999, three-digit prices) written with HSET
# on a loopback redis-server, then MEMORY USAGE product_prices SAMPLES 0 (every field counted).
# Prints one line: redis_hash_bytes=<bytes>
set -euo pipefail
n=${1:-100000}
source "$(dirname "$0")/redis-loopback.sh"
start_loopback_server redis-server
python3 - "$n" <<'PY' | redis-cli -p "$port" >/dev/null
import sys
n = int(sys.argv[1])
seed = {1: "100", 2: "200", 3: "300"}
for start in range(0, n, 1000):
    fields = " ".join(
        f"product{i} {seed.get(i, str(100 + (i * 389) % 900))}" for i in range(start, min(n, start + 1000))
    )
    print(f"HSET product_prices {fields}")
PY
echo "redis_hash_fields=$(redis-cli -p "$port" HLEN product_prices)"
echo "redis_hash_bytes=$(redis-cli -p "$port" MEMORY USAGE product_prices SAMPLES 0)"
