#!/usr/bin/env bash
# Builds the silkscore firmware example for Cortex-M0, M3 and M4F, runs it in QEMU and checks
# that every line it prints is bit-identical to the host library's output for the same frames;
# checks the deliberately corrupted frames; checks the signed model update (feature `signed`:
# the default model is verified from an Ed25519-signed envelope, a tampered envelope and a
# rollback are refused); proves that no panic path survives optimisation (without `signed`;
# with it, checks that the only surviving panic site is the known one in curve25519-dalek).
#
#   bash examples/firmware/run-check.sh          # from anywhere; exit status 0 = all passed
#
# Installs only what it needs and only when missing: the three rustup targets, and Debian's
# qemu-system-arm (apt-get, as root or through sudo).
#
# SILKSCORE_PANIC_CHECK=warn downgrades a failed no-panic link check to a warning (default:
# it fails the run).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
out="$here/out"
mkdir -p "$out"

targets=(thumbv6m-none-eabi thumbv7m-none-eabi thumbv7em-none-eabihf)
declare -A board=(
  [thumbv6m-none-eabi]=microbit
  [thumbv7m-none-eabi]=lm3s6965evb
  [thumbv7em-none-eabihf]=mps2-an386
)
declare -A core=(
  [thumbv6m-none-eabi]="Cortex-M0 (soft float)"
  [thumbv7m-none-eabi]="Cortex-M3 (soft float)"
  [thumbv7em-none-eabihf]="Cortex-M4F (FPU)"
)

failures=()
fail() { echo "FAIL: $*" >&2; failures+=("$*"); }
step() { echo; echo "== $*"; }

# ---- tools -------------------------------------------------------------------------------
step "tools"
installed="$(rustup target list --installed)"
missing=()
for t in "${targets[@]}"; do
  grep -qx "$t" <<<"$installed" || missing+=("$t")
done
if ((${#missing[@]})); then
  echo "rustup target add ${missing[*]}"
  rustup target add "${missing[@]}"
fi
if ! command -v qemu-system-arm >/dev/null; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing qemu-system-arm (apt-get)"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq qemu-system-arm >/dev/null
fi
qemu-system-arm --version | head -1
rustc --version

# ---- host: data up to date, corruption properties, reference output ------------------------
step "host program: generated data up to date, corruption checks, reference output"
cargo build -q --release --manifest-path host/Cargo.toml
hostbin="$here/host/target/release/silkscore-fw-host"
"$hostbin" gen --check || fail "examples/firmware/data is stale"
"$hostbin" verify || fail "host corruption checks"
"$hostbin" expect >"$out/expected.txt"
grep -E '^E ' "$out/expected.txt"
# the UART kiosk loop of docs/firmware.md and of this example's README (the first ```rust block
# of each, after its three `use` lines and a blank line), compiled and run against the library
cargo run -q --release --manifest-path host/Cargo.toml --example uart_kiosk || fail "uart_kiosk example"
for doc in ../../docs/firmware.md README.md; do
  if ! diff <(sed -n '/--- README snippet starts ---/,/--- README snippet ends ---/p' host/examples/uart_kiosk.rs | sed '1d;$d') \
    <(awk '/^```rust$/ {p = 1; next} /^```$/ {if (p) exit} p' "$doc" | sed '1,4d') >/dev/null; then
    fail "the kiosk code of $doc differs from host/examples/uart_kiosk.rs"
  fi
done

# corrupted frames named by the manifest: set -> frame index
declare -A corrupt
while read -r set rest; do
  [[ "$set" == \#* || -z "$set" ]] && continue
  idx="$(grep -o 'corrupted_frame=[0-9]*' <<<"$rest" | cut -d= -f2)"
  corrupt[$set]=$idx
done <"$here/data/manifest.txt"

# the signed-model lines every core must print (the default model's fingerprint from the manifest)
default_fp="$(awk '$1 == "default" {for (i = 2; i <= NF; i++) if ($i ~ /^fingerprint=/) {sub("fingerprint=", "", $i); print $i}}' "$here/data/manifest.txt")"
want_signed="signed: ok revision=2 fingerprint=0x$default_fp
signed: refused tampered: BadSignature
signed: refused rollback: Rollback"
if [ "$(grep '^signed: ' "$out/expected.txt")" != "$want_signed" ]; then
  fail "host: signed-model lines differ from the expected ones"
fi

# ---- firmware on three cores ---------------------------------------------------------------
run_qemu() { # target elf -> stdout; exit status of QEMU (semihosting exit code)
  local t=$1 elf=$2
  timeout 600 qemu-system-arm -M "${board[$t]}" -nographic -monitor none -serial none \
    -icount shift=0 -semihosting-config enable=on,target=native -kernel "$elf"
}

for t in "${targets[@]}"; do
  step "firmware: $t on QEMU ${board[$t]} — ${core[$t]}"
  cargo build -q --release --target "$t" --features signed
  elf="$here/target/$t/release/silkscore-firmware"
  status=0
  run_qemu "$t" "$elf" >"$out/$t.txt" || status=$?
  if [ "$status" -ne 0 ]; then
    fail "$t: firmware exited with status $status"
    tail -5 "$out/$t.txt" >&2 || true
    continue
  fi
  grep '^#' "$out/$t.txt" | grep -v '^# cost\|^# ratio\|^# calibrate' || true
  if "$hostbin" compare "$out/expected.txt" "$out/$t.txt"; then
    :
  else
    fail "$t: output differs from the host library"
  fi
  # the signed model update: exactly these three lines, in this order (compare checks them
  # against the host too; this also fails if the host and the firmware both lost them)
  got_signed="$(grep '^signed: ' "$out/$t.txt" || true)"
  if [ "$got_signed" = "$want_signed" ]; then
    sed 's/^/  /' <<<"$got_signed"
  else
    fail "$t: signed-model lines differ: got '${got_signed//$'\n'/ | }', want '${want_signed//$'\n'/ | }'"
  fi
  # exactly the corrupted frames rejected, and nothing else
  rejected="$(grep -E '^F [a-z0-9]+ [0-9]+ rejected=' "$out/$t.txt" | awk '{print $2 ":" $3}' | sort | tr '\n' ' ')"
  want="$(for s in "${!corrupt[@]}"; do echo "$s:${corrupt[$s]}"; done | sort | tr '\n' ' ')"
  if [ "$rejected" = "$want" ]; then
    echo "rejected frames: $rejected(exactly the corrupted ones)"
  else
    fail "$t: rejected frames '$rejected', expected '$want'"
  fi
done

# ---- panic sites with signed models ----------------------------------------------------------
# The signed builds cannot pass the link check: curve25519-dalek's NafLookupTable5::select
# (window.rs, `self.0[x / 2]`, reached from verify_strict's vartime double-base
# multiplication) keeps a bounds check at opt-level "s" and 3. Instead, the disassembly of the
# signed release builds run above must show no call into a panic path besides that one.
step "panic sites in the signed builds (feature signed): only the known one in curve25519-dalek"
if command -v llvm-objdump >/dev/null && command -v llvm-symbolizer >/dev/null; then
  for t in "${targets[@]}"; do
    elf="$here/target/$t/release/silkscore-firmware"
    [ -f "$elf" ] || continue
    sites="$(llvm-objdump -d --no-show-raw-insn -C "$elf" |
      awk '/^[0-9a-f]+ <.*>:/ {fn=$0; next} ($2 ~ /^(bl|b|b\.w|blx)$/) && ($4 ~ /^<core::(panicking::|slice::index::|option::(expect|unwrap)_failed|result::unwrap_failed|cell::panic)/) && (fn !~ /<core::/) {sub(":", "", $1); print $1}')"
    known=0 unknown=0
    for addr in $sites; do
      inner="$(llvm-symbolizer --obj="$elf" --inlining "0x$addr" | head -1)"
      if [[ "$inner" == *"curve25519_dalek::window::NafLookupTable5"*"::select"* ]]; then
        known=$((known + 1))
      else
        unknown=$((unknown + 1))
        echo "  unexpected panic call at 0x$addr:" >&2
        llvm-symbolizer --obj="$elf" --inlining "0x$addr" | paste - - | sed 's/^/    /' >&2
      fi
    done
    if [ "$unknown" -eq 0 ]; then
      echo "$t: $known panic call site(s), all curve25519_dalek::window::NafLookupTable5::select (window.rs:191, known)"
    else
      fail "$t: $unknown unexpected panic call site(s) in the signed build"
    fi
  done
else
  echo "(llvm-objdump/llvm-symbolizer not installed: panic sites of the signed builds not checked)"
fi

# ---- no panic path -------------------------------------------------------------------------
step "no reachable panic (without signed): the panic handler calls an undefined symbol (feature panic-check)"
panic_checks=("release thumbv6m-none-eabi" "release thumbv7m-none-eabi"
  "release thumbv7em-none-eabihf" "release-o3 thumbv7em-none-eabihf")
panic_failed=()
for pc in "${panic_checks[@]}"; do
  read -r profile t <<<"$pc"
  log="$out/panic-check-$profile-$t.log"
  if cargo build --profile "$profile" --target "$t" --features panic-check >"$log" 2>&1; then
    echo "links: $t, profile $profile (fat LTO, 1 codegen unit, opt-level $([ "$profile" = release ] && echo s || echo 3))"
  else
    if grep -q silkscore_panic_is_reachable "$log"; then
      echo "DOES NOT LINK: $t, profile $profile: a panic path survives" >&2
    else
      tail -20 "$log" >&2
    fi
    panic_failed+=("$t/$profile")
  fi
done
if ((${#panic_failed[@]})); then
  # Where are the panics called from? (best effort: needs llvm-objdump and llvm-symbolizer)
  elf="$here/target/thumbv7em-none-eabihf/release/silkscore-firmware"
  cargo build -q --release --target thumbv7em-none-eabihf
  if command -v llvm-objdump >/dev/null && command -v llvm-symbolizer >/dev/null; then
    echo "calls into core::panicking in the thumbv7em-none-eabihf release build:" >&2
    llvm-objdump -d --no-show-raw-insn -C "$elf" |
      awk '/^[0-9a-f]+ <.*>:/ {fn=$0; next} ($2 ~ /^(bl|b|b\.w)$/) && ($4 ~ /^<core::panicking::/) && (fn !~ /core::panicking/) {sub(":", "", $1); print $1}' |
      while read -r addr; do
        echo "  call at 0x$addr:" >&2
        llvm-symbolizer --obj="$elf" --inlining "0x$addr" | paste - - | sed 's/^/    /' >&2
      done
  else
    echo "(install llvm to see where: llvm-objdump -d + llvm-symbolizer --inlining on the callers of core::panicking::*)" >&2
  fi
  if [ "${SILKSCORE_PANIC_CHECK:-fail}" = warn ]; then
    echo "WARNING: panic paths survive in ${panic_failed[*]} (SILKSCORE_PANIC_CHECK=warn)" >&2
  else
    fail "panic paths survive in: ${panic_failed[*]}"
  fi
fi

# ---- summary -------------------------------------------------------------------------------
step "summary"
for t in "${targets[@]}"; do
  [ -f "$out/$t.txt" ] && grep -E '^# (stack|ratio set=default|cost signed)' "$out/$t.txt" | sed "s/^/$t /" || true
done
if ((${#failures[@]})); then
  echo "run-check: ${#failures[@]} failure(s):" >&2
  printf '  - %s\n' "${failures[@]}" >&2
  exit 1
fi
echo "run-check: all passed"
