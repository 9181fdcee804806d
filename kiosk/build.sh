#!/usr/bin/env bash
# Builds the kiosk page: kiosk/dist/index.html, one self-contained file (the WebAssembly core,
# scripts and style inlined), plus kiosk/dist/sizes.txt.
#
#   bash kiosk/build.sh [--public-key HEX|FILE.pub]
#
# --public-key is the operator's Ed25519 public key that signed model envelopes must carry
# (64 hex digits, or the .pub file `silkscore model keygen` writes). Without it the page
# refuses every envelope ("no operator key").
#
# Two modules are built from kiosk/src: the scoring-only one (the core without signature
# verification) and the one with `signed-models`, which the page uses. Both are measured;
# the scoring-only module must stay at or under 64 KiB.
set -euo pipefail
cd "$(dirname "$0")/.."
KEY=""
while [ $# -gt 0 ]; do
  case "$1" in
    --public-key) KEY="$2"; shift 2 ;;
    *) echo "usage: bash kiosk/build.sh [--public-key HEX|FILE.pub]" >&2; exit 2 ;;
  esac
done
if [ -n "$KEY" ] && [ -f "$KEY" ]; then KEY=$(tr -d ' \n\r' < "$KEY"); fi

if command -v rustup >/dev/null 2>&1 && ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  rustup target add wasm32-unknown-unknown >/dev/null
fi

OUT=target/kiosk
mkdir -p "$OUT" kiosk/dist
# Size first: opt-level "z", one codegen unit, fat LTO, abort on panic (there is no
# reachable panic; a trap is what the page would see), no symbols.
PROFILE=(--config 'profile.release.opt-level="z"' --config 'profile.release.panic="abort"'
         --config 'profile.release.strip=true' --config 'profile.release.lto="fat"'
         --config 'profile.release.codegen-units=1')
build() { # name features
  cargo rustc -q -p silkscore-kiosk --lib --release --target wasm32-unknown-unknown \
    --crate-type cdylib ${2:+--features "$2"} "${PROFILE[@]}"
  cp target/wasm32-unknown-unknown/release/silkscore_kiosk.wasm "$OUT/$1.raw.wasm"
  if command -v wasm-opt >/dev/null 2>&1; then
    wasm-opt -Oz --enable-bulk-memory --enable-sign-ext --enable-nontrapping-float-to-int \
      --enable-mutable-globals "$OUT/$1.raw.wasm" -o "$OUT/$1.wasm"
  else
    echo "kiosk: wasm-opt (Debian package binaryen) not found; the module is not post-optimised" >&2
    cp "$OUT/$1.raw.wasm" "$OUT/$1.wasm"
  fi
}
build scoring ""
build signed signed-models

node kiosk/web/bundle.mjs --wasm "$OUT/signed.wasm" --out kiosk/dist ${KEY:+--public-key "$KEY"}

size() { stat -c %s "$1"; }
gz() { gzip -9c "$1" | wc -c; }
{
  echo "module                          raw bytes   gzip -9 bytes"
  printf '%-30s %10s %14s\n' "scoring-only (rustc)" "$(size "$OUT/scoring.raw.wasm")" "$(gz "$OUT/scoring.raw.wasm")"
  printf '%-30s %10s %14s\n' "scoring-only (wasm-opt -Oz)" "$(size "$OUT/scoring.wasm")" "$(gz "$OUT/scoring.wasm")"
  printf '%-30s %10s %14s\n' "with signatures (rustc)" "$(size "$OUT/signed.raw.wasm")" "$(gz "$OUT/signed.raw.wasm")"
  printf '%-30s %10s %14s\n' "with signatures (wasm-opt -Oz)" "$(size "$OUT/signed.wasm")" "$(gz "$OUT/signed.wasm")"
  printf '%-30s %10s %14s\n' "page: dist/index.html (all)" "$(size kiosk/dist/index.html)" "$(gz kiosk/dist/index.html)"
} | tee kiosk/dist/sizes.txt
LIMIT=65536
if [ "$(size "$OUT/scoring.wasm")" -gt "$LIMIT" ]; then
  echo "kiosk: the scoring-only module is over 64 KiB ($LIMIT bytes)" >&2
  exit 1
fi
