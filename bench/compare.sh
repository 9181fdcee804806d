#!/usr/bin/env bash
# Speed, measured side by side (issue 4 item 7): silkscore's batch scorer against a vectorised
# numpy float32 implementation of the same formula on the identical records, and the
# `silkscore score` command end to end (CSV in, CSV out) against pandas read_csv + numpy +
# to_csv on the same file. Single-threaded throughout.
#
#   bench/compare.sh [RECORDS]        (default 1000000; needs python3 with numpy and pandas)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000000}
DIR=target/bench-data
python3 -c 'import numpy, pandas' 2>/dev/null || pip install --quiet numpy pandas
cargo build --quiet --release --example bench_batch
cargo build --quiet --release -p silkscore-cli
# numpy picks SSE/AVX2/AVX-512 kernels at run time; the fair Rust counterpart is a build for
# the host CPU. Both builds are measured; scores are bit-identical either way (no FMA
# contraction in Rust), which bench_batch checks against the scalar path.
RUSTFLAGS="-C target-cpu=native" CARGO_TARGET_DIR=target/native \
  cargo build --quiet --release --example bench_batch

echo "== library batch scoring, default model, $N records (portable x86-64 build)"
target/release/examples/bench_batch "$N" --write "$DIR" | tee "$DIR/rust-portable.txt"
echo "== the same, built for this CPU (-C target-cpu=native)"
target/native/release/examples/bench_batch "$N" | tee "$DIR/rust.txt"
python3 bench/numpy_baseline.py "$DIR" | tee "$DIR/numpy.txt"
rust=$(awk '/column-wise/ {print $2}' "$DIR/rust.txt")
np=$(awk '/numpy float32/ {print $3}' "$DIR/numpy.txt")
echo "ratio silkscore column-wise / numpy float32: $(python3 -c "print(f'{$rust/$np:.2f}x')")"

echo "== end to end: CSV in, CSV out, $N rows"
start=$(date +%s.%N)
target/release/silkscore score --input "$DIR/records.csv" > "$DIR/silkscore_out.csv" 2>/dev/null || [ $? -eq 1 ]
end=$(date +%s.%N)
python3 -c "d=$end-$start; print(f'silkscore score    {$N/d/1e6:.2f} M rows/s ({d:.2f} s)')"
python3 bench/numpy_baseline.py --csv "$DIR/records.csv" "$DIR/pandas_out.csv"
