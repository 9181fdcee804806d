#!/usr/bin/env bash
# Footprint of the silkscore firmware example on each core: flash, static RAM, silkscore's own
# share (by symbol), peak stack (measured in QEMU by stack painting) and heap; and the cost of
# signed model updates (feature `signed`): the smallest kiosk with and without Ed25519
# verification of its model (A/B flash), and the peak stack and instructions of one
# verification (stack painting; SysTick under QEMU -icount shift=0). Prints markdown. The full
# example is built with `signed`, as run-check.sh runs it.
#
#   bash examples/firmware/footprint.sh            # all four cores
#   bash examples/firmware/footprint.sh thumbv7em-none-eabihf
#
# Needs binutils (`size`, `nm` read ARM and RISC-V ELF files), qemu-system-arm and
# qemu-system-riscv32; run run-check.sh once
# first on a fresh machine (it installs the targets and QEMU).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
mkdir -p out

targets=("$@")
((${#targets[@]})) || targets=(thumbv6m-none-eabi thumbv7m-none-eabi thumbv7em-none-eabihf riscv32imac-unknown-none-elf)
declare -A board=([thumbv6m-none-eabi]=microbit [thumbv7m-none-eabi]=lm3s6965evb [thumbv7em-none-eabihf]=mps2-an386
  [riscv32imac-unknown-none-elf]=virt)
declare -A core=([thumbv6m-none-eabi]="Cortex-M0, thumbv6m-none-eabi, QEMU microbit"
  [thumbv7m-none-eabi]="Cortex-M3, thumbv7m-none-eabi, QEMU lm3s6965evb"
  [thumbv7em-none-eabihf]="Cortex-M4F, thumbv7em-none-eabihf, QEMU mps2-an386"
  [riscv32imac-unknown-none-elf]="RISC-V RV32IMAC, riscv32imac-unknown-none-elf, QEMU virt")
qemu() { # target [args...]: the board's QEMU with semihosting
  local t=$1
  shift
  case "$t" in
    riscv32*) timeout 600 qemu-system-riscv32 -M virt -bios none -nographic -monitor none -serial none \
      -semihosting-config enable=on,target=native "$@" ;;
    *) timeout 600 qemu-system-arm -M "${board[$t]}" -nographic -monitor none -serial none \
      -semihosting-config enable=on,target=native "$@" ;;
  esac
}

testdata=$(cat data/*.model data/*.frames data/*.envelope data/test_key.pub | wc -c)
# what the signed kiosk holds in flash besides the unsigned one: the envelope and the key
signed_data=$(cat data/default.envelope data/test_key.pub | wc -c)
kib() { awk -v b="$1" 'BEGIN { printf "%d (%.1f KiB)", b, b / 1024 }'; }

echo "Release profile: opt-level \"s\", lto = \"fat\", codegen-units = 1, panic = \"abort\"; $(rustc --version)."
for t in "${targets[@]}"; do
  # A/B pair: the smallest kiosk and the same program without silkscore (flash difference =
  # what silkscore adds, inlined code and anonymous rodata included)
  # and a second pair: the smallest kiosk with signature verification (its model comes from
  # the verified envelope) and without (flash difference = what verification adds)
  declare -A ab=()
  for v in kiosk baseline kiosk-signed; do
    features="footprint-$v"
    [ "$v" = kiosk-signed ] && features="footprint-kiosk,signed"
    cargo build -q --release --target "$t" --features "$features"
    cp "target/$t/release/silkscore-firmware" "out/footprint-$v-$t.elf"
    ab[$v]=$(size -A "out/footprint-$v-$t.elf" | awk '$1 ~ /^\.(vector_table|text|init\.rust|rodata|eh_frame|data)$/ {s += $2} END {print s}')
  done
  whole_stack() {
    qemu "$t" -kernel "$1" 2>/dev/null |
      sed -n 's/^# stack whole_run=\([0-9]*\).*/\1/p'
  }
  kiosk_stack=$(whole_stack "out/footprint-kiosk-$t.elf")
  kiosk_signed_stack=$(whole_stack "out/footprint-kiosk-signed-$t.elf")

  cargo build -q --release --target "$t" --features signed
  elf="target/$t/release/silkscore-firmware"
  run="out/footprint-$t.txt"
  qemu "$t" -icount shift=0 -kernel "$elf" >"$run" 2>/dev/null

  read -r vt text rodata data bss uninit < <(size -A "$elf" | awk '
    $1==".vector_table"{v=$2} $1==".text"{t=$2} $1==".rodata"{r=$2} $1==".data"{d=$2} $1==".bss"{b=$2} $1==".uninit"{u=$2}
    END {print v+0, t+0, r+0, d+0, b+0, u+0}')
  flash=$((vt + text + rodata + data))
  ram=$((data + bss + uninit))

  # Symbol attribution (demangled names; sizes from the symbol table)
  read -r own deps fltrt fw crypto < <(nm -C -S -t d "$elf" | awk '
    NF >= 4 && $3 ~ /^[tTrRdDbB]$/ {
      size = $2 + 0; name = $0; sub(/^[^ ]+ [^ ]+ [^ ]+ /, "", name)
      if (name ~ /silkscore::/ && name !~ /^silkscore_firmware::/) own += size
      else if (name ~ /(^|[<&* ])(libm|postcard|cobs|crc|heapless|serde_core|serde|hash32)::/) deps += size
      else if (name ~ /^(__aeabi_(f|d|i2f|ui2f|l2f|ul2f|cf|cd)|__(add|sub|mul|div|cmp|eq|ne|lt|le|gt|ge|un)sf[23]|__float|__fix|fmaxf|fminf)/ || name ~ /compiler_builtins::float/) fltrt += size
      else if (name ~ /^silkscore_firmware::/) fw += size
      if (name ~ /(ed25519|curve25519|sha2|digest|signature)/) crypto += size
    }
    END { printf "%d %d %d %d %d\n", own, deps, fltrt, fw, crypto }')
  heap="0 (no global allocator linked)"
  if nm "$elf" | grep -q '__rust_alloc\|__rg_alloc'; then heap="an allocator is linked!"; fi

  stack=$(grep '^# stack' "$run" || echo "")
  get() { sed -n "s/.* $1=\([0-9]*\).*/\1/p" <<<"$stack"; }
  whole=$(sed -n 's/.*peak_stack_whole_run=\([0-9]*\).*/\1/p' "$run")
  sstack=$(grep '^# stack signed_verify=' "$run" || echo "")
  scost=$(grep '^# cost signed_verify=' "$run" || echo "")
  sget() { sed -n "s/.*[ #] *$1=\([0-9]*\).*/\1/p" <<<"$2"; }
  signed_ab=$((${ab[kiosk-signed]} - ${ab[kiosk]}))

  echo
  echo "### ${core[$t]}"
  echo
  echo "| what | bytes |"
  echo "|---|---|"
  echo "| flash: .vector_table + .text + .rodata + .data | $(kib $flash) |"
  echo "| … of which the conformance data in flash (\`include_bytes!\`) | $(kib $testdata) |"
  echo "| flash without that data | $(kib $((flash - testdata))) |"
  echo "| static RAM: .data + .bss + .uninit | $ram |"
  echo "| **silkscore's share, A/B**: smallest kiosk ($(kib ${ab[kiosk]})) − the same program without silkscore ($(kib ${ab[baseline]})) | **$(kib $((ab[kiosk] - ab[baseline])))** |"
  echo "| smallest kiosk: peak stack of the whole program (decode model, Scorer, FrameReader, score, print) | ${kiosk_stack:-?} |"
  echo "| silkscore's symbols in the full example (names containing \`silkscore::\`) | $(kib $own) |"
  echo "| + libm, postcard, cobs, crc, heapless, serde symbols | $(kib $((own + deps))) |"
  echo "| + soft-float / fmaxf/fminf runtime routines | $(kib $((own + deps + fltrt))) |"
  echo "| .text (all code) / .rodata without the data (CRC table, strings, …) | $(kib $text) / $(kib $((rodata - testdata))) |"
  echo "| the example's own functions (\`silkscore_firmware::*\`; silkscore code inlined into them counts here, not above) | $(kib $fw) |"
  echo "| peak stack, \`Model::decode_into\` (in place) / \`wire::decode_model\` (by value) | $(get decode_model) / $(get decode_model_by_value) |"
  echo "| peak stack, kiosk loop: \`Scorer\` + \`FrameReader\` + decode + score | $(get decode_and_score_loop) |"
  echo "| peak stack, \`FrameReader::push\` (record decode) loop alone | $(get decode_frame_loop) |"
  echo "| peak stack, \`Scorer::score\` / \`score()\` | $(get scorer_score) / $(get score_fn) |"
  echo "| peak stack, whole firmware run (from the top of RAM) | ${whole:-?} |"
  echo "| sizes: \`Model\` / \`Scorer\` / \`Record\` / \`FrameReader<RECORD_FRAME_MAX_SIZE>\` | $(get model_size) / $(get scorer_size) / $(get record_size) / $(get reader_size) |"
  echo "| heap | $heap |"
  echo
  echo "Signed model updates (feature \`signed\`, ${core[$t]%%,*}):"
  echo
  echo "| what | figure |"
  echo "|---|---|"
  echo "| smallest kiosk, model verified from a signed envelope / unsigned model | $(kib ${ab[kiosk-signed]}) / $(kib ${ab[kiosk]}) |"
  echo "| **flash cost of verification, A/B** (of which the envelope and the public key: $signed_data B) | **$(kib $signed_ab)** |"
  echo "| … without that data: Ed25519 (ed25519-dalek, curve25519-dalek, sha2) and the envelope code | $(kib $((signed_ab - signed_data))) |"
  echo "| Ed25519 symbols in the full example (names containing ed25519, curve25519, sha2, digest, signature) | $(kib $crypto) |"
  echo "| peak stack, \`signed::verify_into\` (parse, key, \`verify_strict_checked\`, revision, \`decode_into\`) | $(sget signed_verify "$sstack") |"
  echo "| peak stack, the signature alone (\`Envelope::parse\` + \`verify_signature\`) / \`signed::verifying_key\` | $(sget signature_only "$sstack") / $(sget verifying_key "$sstack") |"
  echo "| smallest kiosk with verification: peak stack of the whole program | ${kiosk_signed_stack:-?} (without: ${kiosk_stack:-?}) |"
  echo "| instructions, one \`signed::verify\` of the default envelope (QEMU -icount, SysTick) | $(sget signed_verify "$scost") |"
  echo "| instructions, the signature alone / \`signed::verifying_key\` (once per boot) | $(sget signature_only "$scost") / $(sget verifying_key "$scost") |"
done
