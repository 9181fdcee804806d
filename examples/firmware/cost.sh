#!/usr/bin/env bash
# Instructions per record on each core, measured in QEMU with -icount shift=0 (one instruction
# per virtual nanosecond) and SysTick (24-bit, core clock, reload 0xFFFFFF; on RISC-V the
# minstret counter), next to the cost of the ln/exp calls the same records need, measured in
# the same run. Prints markdown.
#
#   bash examples/firmware/cost.sh [TARGET...]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
mkdir -p out

targets=("$@")
((${#targets[@]})) || targets=(thumbv6m-none-eabi thumbv7m-none-eabi thumbv7em-none-eabihf riscv32imac-unknown-none-elf)
declare -A board=([thumbv6m-none-eabi]=microbit [thumbv7m-none-eabi]=lm3s6965evb [thumbv7em-none-eabihf]=mps2-an386
  [riscv32imac-unknown-none-elf]=virt)
declare -A name=([thumbv6m-none-eabi]="M0 (soft float)" [thumbv7m-none-eabi]="M3 (soft float)" [thumbv7em-none-eabihf]="M4F (FPU)"
  [riscv32imac-unknown-none-elf]="RV32IMAC (soft float)")

for t in "${targets[@]}"; do
  cargo build -q --release --target "$t"
  case "$t" in
    riscv32*) qemu=(qemu-system-riscv32 -M virt -bios none) ;;
    *) qemu=(qemu-system-arm -M "${board[$t]}") ;;
  esac
  timeout 600 "${qemu[@]}" -nographic -monitor none -serial none -icount shift=0 \
    -semihosting-config enable=on,target=native -kernel "target/$t/release/silkscore-firmware" \
    >"out/cost-$t.txt" 2>/dev/null
done

v() { sed -n "s/.* $1=\([0-9.\/]*\).*/\1/p"; }

echo "Instructions per timer tick (SysTick; minstret on RISC-V), measured on a loop of 2,097,152 known instructions:"
echo
echo "| core | QEMU board | instructions per tick | implied SysTick clock |"
echo "|---|---|---|---|"
for t in "${targets[@]}"; do
  ipt=$(grep '^# calibrate' "out/cost-$t.txt" | v instr_per_tick)
  case "$t" in
    riscv32*) clock="— (minstret counts instructions)" ;;
    *) clock="$(awk -v i="$ipt" 'BEGIN{printf "%.3f MHz", 1000 / i}')" ;;
  esac
  echo "| ${name[$t]} | ${board[$t]} | $ipt | $clock |"
done

for set in default custom5 custom32; do
  echo
  echo "Model \`$set\`: instructions per record (ok = records that get scores)."
  echo
  echo "| core | decode one frame (FrameReader::push, byte by byte) | \`Scorer::score\`, per ok record | \`score()\` (prepares the model each call), per ok record | floor: the ln/exp calls alone, \`libm\` | same calls, \`silkscore::math\` | **Scorer ÷ libm floor** | score() ÷ libm floor | ln + exp calls per ok record | bit-identical checks |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  for t in "${targets[@]}"; do
    c=$(grep "^# cost set=$set " "out/cost-$t.txt")
    r=$(grep "^# ratio set=$set " "out/cost-$t.txt")
    echo "| ${name[$t]} | $(v decode_per_frame <<<"$c") | $(v scorer_per_ok <<<"$c") | $(v score_fn_per_ok <<<"$c") | $(v floor_libm_per_ok <<<"$c") | $(v floor_math_per_ok <<<"$c") | **$(v scorer_to_libm_floor <<<"$r")×** | $(v score_fn_to_libm_floor <<<"$r")× | $(v ln_per_ok <<<"$r") + $(v exp_per_ok <<<"$r") | replay $(v replay_exact <<<"$r"), Scorer = score() $(v scorer_eq_score_fn <<<"$r") |"
  done
done
