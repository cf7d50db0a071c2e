#!/usr/bin/env bash
# Installs what the lab needs, and nothing it already has, so that a second run takes seconds.
#
#   scripts/setup.sh serve   Rust's wasm32 target, Trunk, wasm-bindgen-cli (the version in
#                            Cargo.lock) and the npm packages (wasm-opt, playwright-core)
#   scripts/setup.sh test    all of the above, plus Debian's Chromium, ChromeDriver, Firefox ESR,
#                            WebKitGTK's WebDriver (with Xvfb to give it a display) and Redis,
#                            and redis-py (PyPI) in .venv
#
# Everything comes from the package registries (crates.io, npm, Debian): Trunk is pinned to the
# tools installed here and runs offline, so nothing downloads a binary of its own.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:-serve}
TRUNK_VERSION=0.21.14

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# The wasm-bindgen version the crate is locked to: the CLI must match it exactly.
locked_wasm_bindgen() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock
}

rust_tools() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target (can take a few minutes)"
    rustup target add wasm32-unknown-unknown
  fi

  if [ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]; then
    say "installing trunk $TRUNK_VERSION (about 8 minutes on 2 cores)"
    cargo install trunk --version "$TRUNK_VERSION" --locked
  fi

  local wb
  wb=$(locked_wasm_bindgen)
  if [ -z "$wb" ]; then
    echo "setup: no wasm-bindgen in Cargo.lock" >&2
    exit 1
  fi
  if ! grep -q "^wasm_bindgen = \"$wb\"" Trunk.toml; then
    echo "setup: Trunk.toml pins a wasm_bindgen other than Cargo.lock's $wb; make them equal" >&2
    exit 1
  fi
  if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $wb" ] ||
     [ "$(wasm-bindgen-test-runner --version 2>/dev/null)" != "wasm-bindgen-test-runner $wb" ]; then
    say "installing wasm-bindgen-cli $wb (about 3 minutes)"
    # Not --locked: the CLI's own lock file names a crate version the registry no longer serves.
    cargo install wasm-bindgen-cli --version "$wb" --force
  fi
}

npm_packages() {
  local stamp=node_modules/.lab-lock-sha256
  local want
  want=$(sha256sum package-lock.json | cut -d' ' -f1)
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    say "installing npm packages from package-lock.json"
    npm ci --no-audit --no-fund
    echo "$want" >"$stamp"
  fi
  # Trunk.toml names wasm-opt's version as `wasm-opt --version` prints it in parentheses.
  local wo
  wo=$(node_modules/.bin/wasm-opt --version | sed -E 's/.*\((.*)\)/\1/')
  if ! grep -q "^wasm_opt = \"$wo\"" Trunk.toml; then
    echo "setup: Trunk.toml pins a wasm_opt other than the installed $wo; make them equal" >&2
    exit 1
  fi
}

debian_packages() {
  local missing=()
  command -v chromium >/dev/null || missing+=(chromium)
  command -v chromedriver >/dev/null || missing+=(chromium-driver)
  command -v redis-server >/dev/null || missing+=(redis-server)
  command -v redis-cli >/dev/null || missing+=(redis-tools)
  # The end-to-end suite's other two engines (tests/e2e/engines.mjs): Firefox driven over
  # WebDriver BiDi, WebKitGTK's MiniBrowser through WebKitWebDriver on a virtual display.
  command -v firefox-esr >/dev/null || missing+=(firefox-esr)
  command -v WebKitWebDriver >/dev/null || missing+=(webkit2gtk-driver)
  command -v xvfb-run >/dev/null || missing+=(xvfb)
  command -v xauth >/dev/null || missing+=(xauth)
  if [ ${#missing[@]} -gt 0 ]; then
    say "installing from Debian: ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

# redis-py from PyPI in .venv, for the tests that run the tutorial's Python against minired.
REDIS_PY='redis==5.3.1'
python_clients() {
  if [ "$(.venv/bin/python -c 'import redis; print(redis.__version__)' 2>/dev/null)" != "${REDIS_PY#redis==}" ]; then
    say "installing $REDIS_PY into .venv (PyPI)"
    python3 -m venv .venv
    .venv/bin/pip install --quiet --disable-pip-version-check "$REDIS_PY"
  fi
}

case "$mode" in
  serve)
    rust_tools
    npm_packages
    ;;
  test)
    rust_tools
    npm_packages
    debian_packages
    python_clients
    ;;
  *)
    echo "usage: scripts/setup.sh serve|test" >&2
    exit 2
    ;;
esac
