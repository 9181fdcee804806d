#!/usr/bin/env bash
# Speed and memory, side by side in one run (issue 10): silkscore against what an analyst
# would pick instead, on the same generated records, on this machine's cores.
#
#   bash bench/compare.sh [RECORDS] [--no-scaling] [--library]   (default 1000000 records)
#
# --library: section 1 only (the library against lean numpy, single-threaded: issue 10's
# "≥ 2×"), without the CLI build and the end-to-end runs.
#
# 1. Library, single-threaded: the column-wise scorer of the portable build (what
#    `cargo install` makes; it picks SSE2, AVX2 or AVX-512 when it runs) and of a build for
#    this CPU (-C target-cpu=native), every SIMD path checked bit for bit against the scalar
#    path; the lean numpy float32 scorer (bench/numpy_lean.py) and the full-formula numpy
#    baseline (bench/numpy_baseline.py) on the identical records.
# 2. End to end, CSV in and CSV out, RECORDS rows: `silkscore score` (every core, and 1 and 2
#    threads), Polars (bench/polars_score.py, every core) and pandas + numpy: wall time and
#    peak memory (/usr/bin/time).
# 3. Scaling of `silkscore score`: 10k, 100k, 1M and 10M rows, 1 and 2 threads.
#
# It builds what it needs and installs numpy, pandas and polars with pip when they are
# missing. Figures mean something only on an idle machine: it prints the load average
# before and after, and on-CPU rates next to wall-clock ones for the library.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000000}
SCALING=1
LIBRARY_ONLY=0
for a in "$@"; do
  [ "$a" = "--no-scaling" ] && SCALING=0
  [ "$a" = "--library" ] && LIBRARY_ONLY=1
done
case ${1:-} in --*) N=1000000 ;; esac
DIR=target/bench-data
mkdir -p "$DIR"
# numpy's OpenBLAS must not be told about another CPU (some machines set these).
NP=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3)
"${NP[@]}" -c 'import numpy, pandas, polars' 2>/dev/null \
  || python3 -m pip install --quiet numpy pandas polars
[ -x /usr/bin/time ] || { apt-get update -qq >/dev/null && apt-get install -y -qq time >/dev/null; }

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "== load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
cargo build --quiet --release -p silkscore --features runtime-dispatch --example bench_batch
[ "$LIBRARY_ONLY" = 1 ] || cargo build --quiet --release -p silkscore-cli
RUSTFLAGS="-C target-cpu=native" CARGO_TARGET_DIR=target/native \
  cargo build --quiet --release -p silkscore --features runtime-dispatch --example bench_batch
BIN=target/release/silkscore

ratio() { python3 -c "print(f'{$1/$2:.2f}x')"; }

echo
echo "== 1. library, default model, $N records, one thread"
echo "-- portable build (what cargo install makes), every SIMD path this CPU has:"
target/release/examples/bench_batch "$N" --write "$DIR" | tee "$DIR/rust-portable.txt"
echo "-- built for this CPU (-C target-cpu=native):"
target/native/release/examples/bench_batch "$N" | tee "$DIR/rust-native.txt"
"${NP[@]}" bench/numpy_lean.py "$DIR" | tee "$DIR/numpy-lean.txt"
"${NP[@]}" bench/numpy_baseline.py "$DIR" | tee "$DIR/numpy.txt"
# The path score_columns picks: wall-clock and on-CPU M records/s.
portable=$(awk '/^column-wise  / {print $2}' "$DIR/rust-portable.txt")
native=$(awk '/^column-wise  / {print $2}' "$DIR/rust-native.txt")
portable_cpu=$(awk '/^column-wise  / {sub(/\)/, "", $6); print $6}' "$DIR/rust-portable.txt")
native_cpu=$(awk '/^column-wise  / {sub(/\)/, "", $6); print $6}' "$DIR/rust-native.txt")
lean=$(awk '/numpy lean float32/ {print $4}' "$DIR/numpy-lean.txt")
lean_cpu=$(awk '/numpy lean float32/ {sub(/\)/, "", $8); print $8}' "$DIR/numpy-lean.txt")
full=$(awk '/numpy float32/ {print $3}' "$DIR/numpy.txt")
echo "ratio portable / native build:                 $(ratio "$portable" "$native") (on-CPU $(ratio "$portable_cpu" "$native_cpu"))"
echo "ratio silkscore column-wise / lean numpy f32:  $(ratio "$portable" "$lean") (on-CPU $(ratio "$portable_cpu" "$lean_cpu"))"
echo "ratio silkscore column-wise / full numpy:      $(ratio "$portable" "$full")"
# The columnar-output API (Scorer::score_into: values and status codes into caller columns),
# from columns and from a row-major (C-order) matrix read in place.
into=$(awk '/^column-wise into / {print $3}' "$DIR/rust-portable.txt")
into_cpu=$(awk '/^column-wise into / {sub(/\)/, "", $7); print $7}' "$DIR/rust-portable.txt")
path=$(awk '/^column-wise into / {print $NF}' "$DIR/rust-portable.txt")
rows_into=$(awk -v p="$(echo "$path" | tr -d '[]')" '$1 == "rows" && $2 == "into" && $3 == p {print $4}' "$DIR/rust-portable.txt")
echo "silkscore score_into (columns) $path:          $into M records/s (on-CPU $into_cpu)"
echo "silkscore score_into (C-order rows) $path:     $rows_into M records/s"
echo "lean numpy float32:                            $lean M records/s (on-CPU $lean_cpu)"
echo "RATIO score_into / lean numpy f32 (target >= 2): $(ratio "$into" "$lean") (on-CPU $(ratio "$into_cpu" "$lean_cpu")); from C-order rows $(ratio "$rows_into" "$lean")"
if [ "$LIBRARY_ONLY" = 1 ]; then
  echo
  echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
  exit 0
fi

# Wall seconds and peak MiB of a command (its output discarded).
measure() { # label command...
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$DIR/time.txt" "$@" > /dev/null 2>"$DIR/stderr.txt" || true
  # (time writes "Command exited with non-zero status N" first when the command fails.)
  read -r secs kib < <(tail -n 1 "$DIR/time.txt")
  printf '%-34s %7.2f s  %7.1f MiB peak\n' "$label" "$secs" "$(python3 -c "print($kib/1024)")"
  echo "$secs" > "$DIR/last.txt"
}

CSV="$DIR/records.csv"
echo
echo "== 2. end to end: CSV in, CSV out, $N rows ($(du -m "$CSV" | cut -f1) MB in), default model"
measure "silkscore score (all cores)" "$BIN" score -i "$CSV" -o "$DIR/silkscore_out.csv"
ours=$(cat "$DIR/last.txt")
measure "silkscore score --threads 1" "$BIN" score -i "$CSV" -o "$DIR/silkscore_out1.csv" --threads 1
measure "silkscore score --threads 2" "$BIN" score -i "$CSV" -o "$DIR/silkscore_out2.csv" --threads 2
cmp "$DIR/silkscore_out.csv" "$DIR/silkscore_out1.csv" && cmp "$DIR/silkscore_out.csv" "$DIR/silkscore_out2.csv" \
  && echo "(the three outputs are byte-identical)"
measure "polars (all cores)" "${NP[@]}" bench/polars_score.py "$CSV" "$DIR/polars_out.csv"
polars=$(cat "$DIR/last.txt")
measure "pandas + numpy" "${NP[@]}" bench/numpy_baseline.py --csv "$CSV" "$DIR/pandas_out.csv"
pandas=$(cat "$DIR/last.txt")
echo "ratio polars / silkscore wall time:  $(ratio "$polars" "$ours")"
echo "ratio pandas / silkscore wall time:  $(ratio "$pandas" "$ours")"

if [ "$SCALING" = 1 ]; then
  echo
  echo "== 3. scaling of silkscore score (CSV in, CSV out)"
  head -n 10001 "$CSV" > "$DIR/rows-10k.csv"
  head -n 100001 "$CSV" > "$DIR/rows-100k.csv"
  cp "$CSV" "$DIR/rows-1m.csv"
  if [ ! -s "$DIR/rows-10m.csv" ]; then
    { head -n 1 "$CSV"; for _ in $(seq 10); do tail -n +2 "$CSV"; done; } > "$DIR/rows-10m.csv"
  fi
  for rows in 10k 100k 1m 10m; do
    for t in 1 2; do
      measure "$rows rows, $t thread(s)" "$BIN" score -i "$DIR/rows-$rows.csv" -o "$DIR/scaled.csv" --threads "$t"
    done
  done
  rm -f "$DIR/scaled.csv"
fi
echo
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
