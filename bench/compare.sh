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
cargo build --quiet --release --features cli --bin silkscore

echo "== library batch scoring, default model, $N records"
target/release/examples/bench_batch "$N" --write "$DIR" | tee "$DIR/rust.txt"
python3 bench/numpy_baseline.py "$DIR" | tee "$DIR/numpy.txt"
rust=$(awk '/column-wise/ {print $2}' "$DIR/rust.txt")
np=$(awk '/numpy float32/ {print $3}' "$DIR/numpy.txt")
echo "ratio silkscore column-wise / numpy float32: $(python3 -c "print(f'{$rust/$np:.2f}x')")"

echo "== end to end: CSV in, CSV out, $N rows"
start=$(date +%s.%N)
target/release/silkscore score --input "$DIR/records.csv" > "$DIR/silkscore_out.csv" || [ $? -eq 1 ]
end=$(date +%s.%N)
python3 -c "d=$end-$start; print(f'silkscore score    {$N/d/1e6:.2f} M rows/s ({d:.2f} s)')"
python3 bench/numpy_baseline.py --csv "$DIR/records.csv" "$DIR/pandas_out.csv"
