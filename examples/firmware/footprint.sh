#!/usr/bin/env bash
# Footprint of the silkscore firmware example on each core: flash, static RAM, silkscore's own
# share (by symbol), peak stack (measured in QEMU by stack painting) and heap. Prints markdown.
#
#   bash examples/firmware/footprint.sh            # all three cores
#   bash examples/firmware/footprint.sh thumbv7em-none-eabihf
#
# Needs binutils (`size`, `nm` read ARM ELF files) and qemu-system-arm; run run-check.sh once
# first on a fresh machine (it installs the targets and QEMU).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
mkdir -p out

targets=("$@")
((${#targets[@]})) || targets=(thumbv6m-none-eabi thumbv7m-none-eabi thumbv7em-none-eabihf)
declare -A board=([thumbv6m-none-eabi]=microbit [thumbv7m-none-eabi]=lm3s6965evb [thumbv7em-none-eabihf]=mps2-an386)
declare -A core=([thumbv6m-none-eabi]="Cortex-M0, thumbv6m-none-eabi, QEMU microbit"
  [thumbv7m-none-eabi]="Cortex-M3, thumbv7m-none-eabi, QEMU lm3s6965evb"
  [thumbv7em-none-eabihf]="Cortex-M4F, thumbv7em-none-eabihf, QEMU mps2-an386")

testdata=$(cat data/*.model data/*.frames | wc -c)
kib() { awk -v b="$1" 'BEGIN { printf "%d (%.1f KiB)", b, b / 1024 }'; }

echo "Release profile: opt-level \"s\", lto = \"fat\", codegen-units = 1, panic = \"abort\"; $(rustc --version)."
for t in "${targets[@]}"; do
  # A/B pair: the smallest kiosk and the same program without silkscore (flash difference =
  # what silkscore adds, inlined code and anonymous rodata included)
  declare -A ab=()
  for v in kiosk baseline; do
    cargo build -q --release --target "$t" --features "footprint-$v"
    cp "target/$t/release/silkscore-firmware" "out/footprint-$v-$t.elf"
    ab[$v]=$(size -A "out/footprint-$v-$t.elf" | awk '$1 ~ /^\.(vector_table|text|rodata|data)$/ {s += $2} END {print s}')
  done
  kiosk_stack=$(timeout 600 qemu-system-arm -M "${board[$t]}" -nographic -monitor none -serial none \
    -semihosting-config enable=on,target=native -kernel "out/footprint-kiosk-$t.elf" 2>/dev/null |
    sed -n 's/^# stack whole_run=\([0-9]*\).*/\1/p')

  cargo build -q --release --target "$t"
  elf="target/$t/release/silkscore-firmware"
  run="out/footprint-$t.txt"
  timeout 600 qemu-system-arm -M "${board[$t]}" -nographic -monitor none -serial none -icount shift=0 \
    -semihosting-config enable=on,target=native -kernel "$elf" >"$run" 2>/dev/null

  read -r vt text rodata data bss uninit < <(size -A "$elf" | awk '
    $1==".vector_table"{v=$2} $1==".text"{t=$2} $1==".rodata"{r=$2} $1==".data"{d=$2} $1==".bss"{b=$2} $1==".uninit"{u=$2}
    END {print v+0, t+0, r+0, d+0, b+0, u+0}')
  flash=$((vt + text + rodata + data))
  ram=$((data + bss + uninit))

  # Symbol attribution (demangled names; sizes from the symbol table)
  read -r own deps fltrt fw < <(nm -C -S -t d "$elf" | awk '
    NF >= 4 && $3 ~ /^[tTrRdDbB]$/ {
      size = $2 + 0; name = $0; sub(/^[^ ]+ [^ ]+ [^ ]+ /, "", name)
      if (name ~ /silkscore::/ && name !~ /^silkscore_firmware::/) own += size
      else if (name ~ /(^|[<&* ])(libm|postcard|cobs|crc|heapless|serde_core|serde|hash32)::/) deps += size
      else if (name ~ /^(__aeabi_(f|d|i2f|ui2f|l2f|ul2f|cf|cd)|__(add|sub|mul|div|cmp|eq|ne|lt|le|gt|ge|un)sf[23]|__float|__fix|fmaxf|fminf)/ || name ~ /compiler_builtins::float/) fltrt += size
      else if (name ~ /^silkscore_firmware::/) fw += size
    }
    END { printf "%d %d %d %d\n", own, deps, fltrt, fw }')
  heap="0 (no global allocator linked)"
  if nm "$elf" | grep -q '__rust_alloc\|__rg_alloc'; then heap="an allocator is linked!"; fi

  stack=$(grep '^# stack' "$run" || echo "")
  get() { sed -n "s/.* $1=\([0-9]*\).*/\1/p" <<<"$stack"; }
  whole=$(sed -n 's/.*peak_stack_whole_run=\([0-9]*\).*/\1/p' "$run")

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
  echo "| peak stack, \`wire::decode_model\` | $(get decode_model) |"
  echo "| peak stack, kiosk loop: \`Scorer\` + \`FrameReader\` + decode + score | $(get decode_and_score_loop) |"
  echo "| peak stack, \`FrameReader::push\` (record decode) loop alone | $(get decode_frame_loop) |"
  echo "| peak stack, \`Scorer::score\` / \`score()\` | $(get scorer_score) / $(get score_fn) |"
  echo "| peak stack, whole firmware run (from the top of RAM) | ${whole:-?} |"
  echo "| sizes: \`Model\` / \`Scorer\` / \`Record\` / \`FrameReader<RECORD_FRAME_MAX_SIZE>\` | $(get model_size) / $(get scorer_size) / $(get record_size) / $(get reader_size) |"
  echo "| heap | $heap |"
done
