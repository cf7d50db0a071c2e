#!/usr/bin/env bash
# Builds the release bundle once more with function names kept and without wasm-opt (into
# target/size-profile/), and prints where its bytes go (scripts/wasm-sizes.mjs).
set -euo pipefail
cd "$(dirname "$0")/.."
out=target/size-profile
mkdir -p "$out"
sed -e 's/data-wasm-opt="z"/data-wasm-opt="0" data-keep-debug/' \
  -e 's#href="static/#href="../../static/#g' \
  -e 's#data-trunk rel="rust"#data-trunk rel="rust" href="../../Cargo.toml"#' index.html >"$out/index.html"
trunk build --release --dist "$out/dist" "$out/index.html" >/dev/null 2>&1
node scripts/wasm-sizes.mjs "$out/dist" "${1:-15}"
