# Write-Through Lab — the README's two commands:
#   make serve   serve the app on http://127.0.0.1:8080 (installs what it needs first)
#   make test    run the whole test suite, as CI does (installs what it needs first)
# and, for hosting it yourself:
#   make dist    the release bundle in dist/, with its service worker, for any static host

SHELL := /usr/bin/env bash
# Tools installed by scripts/setup.sh: wasm-opt from npm, trunk and wasm-bindgen from cargo.
export PATH := $(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
# Trunk's update check is a network call; the pinned tools make every other one unnecessary.
export TRUNK_SKIP_VERSION_CHECK := true

.PHONY: serve test bench dist check-redis

serve:
	@scripts/setup.sh serve
	trunk serve

test:
	@scripts/setup.sh test
	@scripts/test.sh

# The release bundle, servable from the root or any sub-path (Trunk.toml: public_url = "./").
dist:
	@scripts/setup.sh serve
	trunk build --release --dist dist

# Redis's own test suite (hash, incr, string, keyspace) against minired and redis-server.
check-redis:
	@scripts/setup.sh test
	@scripts/check-redis.sh

# Not part of the test command: prints the benchmark tables (docs/benchmarks.md).
bench:
	@scripts/setup.sh test
	@scripts/bench.sh
