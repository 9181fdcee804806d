#!/usr/bin/env bash
# CI check of issue 10 (speed), a couple of minutes: correctness and memory, not speed (speed
# is measured by bench/compare.sh on an idle machine).
#
# 1. The portable build of the library: every SIMD path this CPU has scores 200,000 generated
#    records with the scalar path's bits (bench_batch asserts it), and the core still builds
#    without the runtime-dispatch feature and without unsafe code.
# 2. `silkscore score` on 1,000,000 generated rows: byte-identical output on 1, 2 and 4
#    threads, and peak memory at most 64 MiB (GNU time); the same for `rank` and `encode`,
#    which read rows on the same pipeline.
#
#   bash bench/check.sh
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x /usr/bin/time ] || { apt-get update -qq >/dev/null && apt-get install -y -qq time >/dev/null; }
DIR=target/speed-check
mkdir -p "$DIR"

echo "-- SIMD paths of the portable build, bit for bit"
cargo build --quiet --release -p silkscore --features runtime-dispatch --example bench_batch
target/release/examples/bench_batch 200000 | grep -E '^column-wise [a-z]'
echo "-- the core without runtime dispatch forbids unsafe code"
grep -q 'cfg_attr(not(feature = "runtime-dispatch"), forbid(unsafe_code))' src/lib.rs
cargo check --quiet -p silkscore --lib --no-default-features

echo "-- silkscore score, 1,000,000 rows: the same bytes on every thread count, flat memory"
cargo build --quiet --release -p silkscore-cli
target/release/examples/bench_batch 1000000 --write "$DIR" > /dev/null
for t in 1 2 4; do
  /usr/bin/time -f "%M" -o "$DIR/peak-$t.txt" target/release/silkscore score \
    -i "$DIR/records.csv" -o "$DIR/out-$t.csv" --threads "$t" 2> /dev/null || [ $? -eq 1 ]
  peak=$(tail -n 1 "$DIR/peak-$t.txt")
  echo "threads $t: peak $((peak / 1024)) MiB"
  if [ "$peak" -gt $((64 * 1024)) ]; then
    echo "peak memory above 64 MiB"; exit 1
  fi
done
cmp "$DIR/out-1.csv" "$DIR/out-2.csv"
cmp "$DIR/out-1.csv" "$DIR/out-4.csv"
rows=$(($(wc -l < "$DIR/out-1.csv") - 1))
[ "$rows" -eq 1000000 ] || { echo "expected 1000000 rows, got $rows"; exit 1; }
echo "-- rank and encode, the same rows: the same bytes on every thread count, flat memory"
for t in 1 2 4; do
  /usr/bin/time -f "%M" -o "$DIR/peak-rank-$t.txt" target/release/silkscore rank -n 1000 -f csv \
    -i "$DIR/records.csv" -o "$DIR/rank-$t.csv" --threads "$t" 2> /dev/null || [ $? -eq 1 ]
  /usr/bin/time -f "%M" -o "$DIR/peak-encode-$t.txt" target/release/silkscore encode \
    -i "$DIR/records.csv" -o "$DIR/frames-$t.bin" --threads "$t" 2> /dev/null || [ $? -eq 1 ]
  for c in rank encode; do
    peak=$(tail -n 1 "$DIR/peak-$c-$t.txt")
    echo "$c, threads $t: peak $((peak / 1024)) MiB"
    [ "$peak" -le $((64 * 1024)) ] || { echo "$c: peak memory above 64 MiB"; exit 1; }
  done
done
cmp "$DIR/rank-1.csv" "$DIR/rank-2.csv" && cmp "$DIR/rank-1.csv" "$DIR/rank-4.csv"
cmp "$DIR/frames-1.bin" "$DIR/frames-2.bin" && cmp "$DIR/frames-1.bin" "$DIR/frames-4.bin"
[ "$(wc -l < "$DIR/rank-1.csv")" -eq 1001 ] || { echo "expected 1000 ranked rows"; exit 1; }
rm -rf "$DIR"
echo "speed check: ok"
