#!/usr/bin/env bash
# CI check of `silkscore weights entropy|critic` on large files (issue 10 item 3), about a
# minute: correctness and memory, not speed (bench/compare.sh --readers measures speed).
#
# On the complete rows of 1,000,000 generated records (about 700,000): the same output bytes
# on 1, 2 and 4 threads for entropy, CRITIC and CRITIC --normalise data, and a peak memory
# (GNU time) of at most 96 MiB: the values are kept as f32, 72 bytes a record, where whole
# records took 132 MiB. Bit-identity with the previous implementation is checked by
# `cargo test -p silkscore-cli --test weights_stream` (recorded outputs) and, against a live
# reference binary, by `bash bench/diff_ref.sh REF`.
#
#   bash bench/weights_check.sh
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x /usr/bin/time ] || { apt-get update -qq >/dev/null && apt-get install -y -qq time >/dev/null; }
DIR=target/weights-check
mkdir -p "$DIR"
cargo build --quiet --release -p silkscore-cli
cargo build --quiet --release -p silkscore --features runtime-dispatch --example bench_batch
[ -s "$DIR/records.csv" ] || target/release/examples/bench_batch 1000000 --write "$DIR" > /dev/null
grep -viE ',,|,$|nan|inf' "$DIR/records.csv" > "$DIR/complete.csv"
echo "-- weights from $(($(wc -l < "$DIR/complete.csv") - 1)) complete rows"
for cmd in "entropy" "critic" "critic --normalise data"; do
  for t in 1 2 4; do
    # shellcheck disable=SC2086
    /usr/bin/time -f "%e %M" -o "$DIR/time-$t.txt" target/release/silkscore weights $cmd \
      -f csv -i "$DIR/complete.csv" --threads "$t" > "$DIR/out-$t.csv"
    read -r secs kib < "$DIR/time-$t.txt"
    echo "weights $cmd --threads $t: $secs s, $((kib / 1024)) MiB peak"
    if [ "$kib" -gt $((96 * 1024)) ]; then
      echo "FAIL: weights $cmd --threads $t peaked at $((kib / 1024)) MiB (limit 96)"; exit 1
    fi
  done
  cmp "$DIR/out-1.csv" "$DIR/out-2.csv" && cmp "$DIR/out-1.csv" "$DIR/out-4.csv" \
    || { echo "FAIL: weights $cmd differs between thread counts"; exit 1; }
  grep -q ',false' "$DIR/out-1.csv" || { echo "FAIL: weights $cmd wrote no weights"; exit 1; }
done
echo "weights_check: the same bytes on 1, 2 and 4 threads, memory within 96 MiB"
rm -f "$DIR/complete.csv" "$DIR"/out-*.csv
