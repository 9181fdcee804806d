#!/usr/bin/env bash
# The kiosk's check, from a fresh clone: installs what it needs (the wasm32 target, Debian's
# chromium, binaryen's wasm-opt, node, the npm driver playwright-core), builds the page with
# a fresh test-only key, and drives it in headless Chromium with the network disabled.
# Ends with: kiosk: N records bit-identical, M refusals, 0 network requests
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive
apt_updated=""
need() { # command package
  command -v "$1" >/dev/null 2>&1 && return 0
  if [ "$(id -u)" != 0 ]; then echo "kiosk: $1 is missing (Debian package $2)" >&2; exit 1; fi
  [ -n "$apt_updated" ] || { apt-get update -qq >/dev/null; apt_updated=1; }
  apt-get install -y -qq "$2" >/dev/null
}
need chromium chromium
need wasm-opt binaryen
need node nodejs
need npm npm
if command -v rustup >/dev/null 2>&1; then rustup target add wasm32-unknown-unknown >/dev/null 2>&1; fi

echo "=== kiosk: unit tests, and the portfolio reader against the host's"
cargo test -q -p silkscore-kiosk --all-features 2>&1 | grep -E "^test result|FAILED|panicked" || true
cargo test -q -p silkscore-kiosk --all-features >/dev/null

echo "=== kiosk: fixtures (native bits of the conformance vectors, a fresh test-only key)"
FIX=$(mktemp -d)
trap 'rm -rf "$FIX"' EXIT
cargo build -q -p silkscore-kiosk --bin kiosk-fixtures
cargo run -q -p silkscore-kiosk --bin kiosk-fixtures -- expected "$FIX/expected.json"
cargo run -q -p silkscore-kiosk --bin kiosk-fixtures -- sign "$FIX/keys"
KEY=$(node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync(process.argv[1])).public_key)' "$FIX/keys/keys.json")

echo "=== kiosk: build (kiosk/dist/index.html)"
bash kiosk/build.sh --public-key "$KEY"

echo "=== kiosk: browser test (headless Chromium, offline)"
(cd kiosk/test && npm ci --no-audit --no-fund --silent)
node kiosk/test/browser.mjs "$FIX" 2>&1 | tee "$FIX/browser.log"
tail -n 1 "$FIX/browser.log" | grep -q '^kiosk: [0-9]* records bit-identical, [0-9]* refusals, 0 network requests$'
