#!/usr/bin/env bash
# Speed and memory, side by side in one run (issue 10): silkscore against what an analyst
# would pick instead, on the same generated records, on this machine's cores.
#
#   bash bench/compare.sh [RECORDS] [--no-scaling] [--library] [--readers]   (default 1000000)
#
# --library: section 1 only (the library against lean numpy, single-threaded: issue 10's
# "≥ 2×"), without the CLI build and the end-to-end runs.
#
# 1. Library, single-threaded: the column-wise scorer of the portable build (what
#    `cargo install` makes; it picks SSE2, AVX2 or AVX-512 when it runs) and of a build for
#    this CPU (-C target-cpu=native), every SIMD path checked bit for bit against the scalar
#    path; the lean numpy float32 scorer (bench/numpy_lean.py) and the full-formula numpy
#    baseline (bench/numpy_baseline.py) on the identical records (2 % of the values
#    missing); then, like for like with the lean numpy scorer (which has no missing values),
#    both on records with every value present.
# 2. End to end, CSV in and CSV out, RECORDS rows: `silkscore score` (every core, and 1 and 2
#    threads), Polars (bench/polars_score.py, every core) and pandas + numpy: wall time and
#    peak memory (/usr/bin/time).
# 2b. The other commands that read whole records files, on the same file: `silkscore rank`
#    against Polars (bench/polars_rank.py: read_csv, the scores, sort, the best 100, write_csv),
#    `silkscore weights entropy|critic` on its complete rows against Polars
#    (bench/polars_weights.py: entropy weights, and CRITIC with --critic), and `silkscore encode`: wall time and peak
#    memory, 1 thread and every core. --readers runs this section only.
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
READERS_ONLY=0
for a in "$@"; do
  [ "$a" = "--no-scaling" ] && SCALING=0
  [ "$a" = "--readers" ] && READERS_ONLY=1
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
[ "$READERS_ONLY" = 1 ] || RUSTFLAGS="-C target-cpu=native" CARGO_TARGET_DIR=target/native \
  cargo build --quiet --release -p silkscore --features runtime-dispatch --example bench_batch
BIN=target/release/silkscore

ratio() { python3 -c "print(f'{$1/$2:.2f}x')"; }

if [ "$READERS_ONLY" = 0 ]; then
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
# Like for like: the lean numpy scorer has no missing values, so the same number of records
# with every value present, scored by both (numpy on its own copy of those records).
echo "-- the same number of records with every value present (what the lean numpy scorer handles):"
mkdir -p "$DIR/complete"
target/release/examples/bench_batch "$N" --complete --write "$DIR/complete" | tee "$DIR/rust-complete.txt"
rm -f "$DIR/complete/records.csv"
"${NP[@]}" bench/numpy_lean.py "$DIR/complete" | tee "$DIR/numpy-lean-complete.txt"
c_into=$(awk '/^column-wise into / {print $3}' "$DIR/rust-complete.txt")
c_into_cpu=$(awk '/^column-wise into / {sub(/\)/, "", $7); print $7}' "$DIR/rust-complete.txt")
c_lean=$(awk '/numpy lean float32/ {print $4}' "$DIR/numpy-lean-complete.txt")
c_lean_cpu=$(awk '/numpy lean float32/ {sub(/\)/, "", $8); print $8}' "$DIR/numpy-lean-complete.txt")
echo
echo "silkscore score_into (columns) $path, 2 % missing:   $into M records/s (on-CPU $into_cpu)"
echo "silkscore score_into (C-order rows) $path, 2 % missing: $rows_into M records/s"
echo "lean numpy float32 on the same values:          $lean M records/s (on-CPU $lean_cpu)"
echo "silkscore score_into (columns) $path, complete: $c_into M records/s (on-CPU $c_into_cpu)"
echo "lean numpy float32, complete:                   $c_lean M records/s (on-CPU $c_lean_cpu)"
echo "ratio score_into / lean numpy f32, 2 % missing (silkscore also handles the gaps): $(ratio "$into" "$lean") (on-CPU $(ratio "$into_cpu" "$lean_cpu")); from C-order rows $(ratio "$rows_into" "$lean")"
echo "RATIO score_into / lean numpy f32, like for like (every value present; target >= 2): $(ratio "$c_into" "$c_lean") (on-CPU $(ratio "$c_into_cpu" "$c_lean_cpu"))"
fi
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


# 2b. The other readers of records files.
readers() {
  echo
  echo "== 2b. rank, weights, encode: the same $N rows, default model"
  measure "silkscore rank -n 100 (all cores)" "$BIN" rank -i "$CSV" -n 100 -f csv -o "$DIR/rank.csv"
  ours=$(cat "$DIR/last.txt")
  measure "silkscore rank -n 100 --threads 1" "$BIN" rank -i "$CSV" -n 100 -f csv -o "$DIR/rank1.csv" --threads 1
  cmp -s "$DIR/rank.csv" "$DIR/rank1.csv" && echo "(the two rankings are byte-identical)"
  measure "polars rank (all cores)" "${NP[@]}" bench/polars_rank.py "$CSV" "$DIR/polars_rank.csv" 100
  polars=$(cat "$DIR/last.txt")
  echo "RATIO rank: polars / silkscore wall time:  $(ratio "$polars" "$ours")"
  # Weights from data need complete records: the rows with every value present and finite.
  grep -viE ',,|,$|nan|inf' "$CSV" > "$DIR/complete.csv"
  echo "-- weights from $(($(wc -l < "$DIR/complete.csv") - 1)) complete rows"
  measure "silkscore weights entropy (all cores)" "$BIN" weights entropy -f csv -i "$DIR/complete.csv"
  ours=$(cat "$DIR/last.txt")
  measure "silkscore weights entropy --threads 1" "$BIN" weights entropy -f csv -i "$DIR/complete.csv" --threads 1
  measure "silkscore weights critic (all cores)" "$BIN" weights critic -f csv -i "$DIR/complete.csv"
  ours_critic=$(cat "$DIR/last.txt")
  measure "silkscore weights critic --threads 1" "$BIN" weights critic -f csv -i "$DIR/complete.csv" --threads 1
  measure "polars entropy weights (all cores)" "${NP[@]}" bench/polars_weights.py "$DIR/complete.csv"
  polars=$(cat "$DIR/last.txt")
  echo "RATIO weights entropy: polars / silkscore wall time:  $(ratio "$polars" "$ours")"
  measure "polars CRITIC weights (all cores)" "${NP[@]}" bench/polars_weights.py "$DIR/complete.csv" --critic
  polars=$(cat "$DIR/last.txt")
  echo "RATIO weights critic: polars / silkscore wall time:  $(ratio "$polars" "$ours_critic")"
  measure "silkscore encode (all cores)" "$BIN" encode -i "$CSV" -o "$DIR/records.frames"
  measure "silkscore encode --threads 1" "$BIN" encode -i "$CSV" -o "$DIR/records1.frames" --threads 1
  cmp -s "$DIR/records.frames" "$DIR/records1.frames" && echo "(the two frame files are byte-identical)"
  rm -f "$DIR/complete.csv" "$DIR/records.frames" "$DIR/records1.frames"
}
CSV="$DIR/records.csv"
if [ "$READERS_ONLY" = 1 ]; then
  [ -s "$CSV" ] || target/release/examples/bench_batch "$N" --write "$DIR" > /dev/null
  readers
  echo
  echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
  exit 0
fi
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

readers

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
