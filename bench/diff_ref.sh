#!/usr/bin/env bash
# Differential run: `silkscore score` (and rank, encode, weights entropy|critic, which read
# records files through the same parallel reader) of this tree against a reference binary (built from an
# earlier commit, e.g. the one before the parallel pipeline) on generated hostile records
# files, in every format, on 1, 2 and 4 threads, to standard output and to a file: the same
# stdout bytes, stderr, exit status and output file, or the first difference is shown.
#
#   bash bench/diff_ref.sh REFERENCE_BINARY [FILES] [ROWS]      (defaults: 60 files, 3000 rows)
#
# Build a reference with: git worktree add --detach /tmp/ref COMMIT &&
#   (cd /tmp/ref && cargo build --release -p silkscore-cli)  -> /tmp/ref/target/release/silkscore
set -euo pipefail
cd "$(dirname "$0")/.."
REF=$(realpath "$1"); FILES=${2:-60}; ROWS=${3:-3000}
cargo build --quiet --release -p silkscore-cli
NEW=$(realpath target/release/silkscore)
DIR=target/diff-ref; rm -rf "$DIR"; mkdir -p "$DIR"; cd "$DIR"
runs=0
for seed in $(seq 1 "$FILES"); do
  python3 ../../bench/hostile_csv.py "$seed" $(( (seed % 5 == 0) ? ROWS * 10 : ROWS )) > in.csv
  for fmt in csv json table; do
    set +e
    "$REF" score -i in.csv -f "$fmt" > ref.out 2> ref.err; ref_rc=$?
    "$REF" score -i in.csv -f "$fmt" -o ref.file 2> /dev/null
    set -e
    for threads in 1 2 4; do
      set +e
      "$NEW" score -i in.csv -f "$fmt" --threads "$threads" > new.out 2> new.err; new_rc=$?
      rm -f new.file; "$NEW" score -i in.csv -f "$fmt" --threads "$threads" -o new.file 2> /dev/null
      set -e
      runs=$((runs + 1))
      if [ "$ref_rc" != "$new_rc" ] || ! cmp -s ref.out new.out || ! cmp -s ref.err new.err \
         || { [ -e ref.file ] && ! cmp -s ref.file new.file; } || { [ ! -e ref.file ] && [ -e new.file ]; }; then
        echo "DIFFERENCE: seed $seed, format $fmt, $threads threads (exit $ref_rc vs $new_rc)"
        cmp ref.out new.out || true; diff ref.err new.err | head -5 || true
        cp in.csv "failing-$seed.csv"; exit 1
      fi
    done
    rm -f ref.file
  done
  # The other subcommands that read records files (through the same reader).
  for sub in "rank -n 50 -f csv" "rank -n 5 -f table" "encode -o -" "weights entropy" "weights critic" \
             "weights entropy --across" "weights critic --across -f csv"; do
    set +e
    "$REF" $sub -i in.csv > ref.out 2> ref.err; ref_rc=$?
    set -e
    # These read rows in parallel too (pipeline::rows): every thread count gives the same.
    for threads in 1 2 4; do
      set +e
      "$NEW" $sub -i in.csv --threads "$threads" > new.out 2> new.err; new_rc=$?
      set -e
      runs=$((runs + 1))
      if [ "$ref_rc" != "$new_rc" ] || ! cmp -s ref.out new.out || ! cmp -s ref.err new.err; then
        echo "DIFFERENCE: seed $seed, $sub, $threads threads (exit $ref_rc vs $new_rc)"
        cmp ref.out new.out || true; diff ref.err new.err | head -5 || true
        cp in.csv "failing-$seed.csv"; exit 1
      fi
    done
  done
done
# Weights from data need complete records: files of complete rows (some ending in an
# incomplete or non-finite row, or too short), read on 1, 2 and 4 threads.
for seed in 1 2 3 4 5 6; do
  python3 - "$seed" > in.csv <<'PY'
import random, sys
seed = int(sys.argv[1]); rng = random.Random(seed)
ids = open("../../bench/hostile_csv.py").read().split("IDS = [", 1)[1].split("]", 1)[0]
ids = [s.strip().strip('"') for s in ids.replace("\n", " ").split(",") if s.strip()]
print("id,name," + ",".join(ids))
for i in range([40, 3000, 30000, 7, 7, 1][seed - 1]):
    print(f'{i},"p, {i}",' + ",".join(f"{rng.uniform(0.1, 900):.4f}" for _ in ids))
if seed == 4: print("99,x," + ",".join(["1"] * (len(ids) - 1)) + ",")
if seed == 5: print("99,x," + ",".join(["nan"] * len(ids)))
PY
  for sub in "weights entropy" "weights entropy -f csv" "weights critic" "weights critic -f csv" \
             "weights critic --normalise data -f csv" "weights critic --normalise data"; do
    set +e
    "$REF" $sub -i in.csv > ref.out 2> ref.err; ref_rc=$?
    set -e
    for threads in 1 2 4; do
      set +e
      "$NEW" $sub -i in.csv --threads "$threads" > new.out 2> new.err; new_rc=$?
      set -e
      runs=$((runs + 1))
      if [ "$ref_rc" != "$new_rc" ] || ! cmp -s ref.out new.out || ! cmp -s ref.err new.err; then
        echo "DIFFERENCE: complete file $seed, $sub, $threads threads (exit $ref_rc vs $new_rc)"
        cmp ref.out new.out || true; diff ref.err new.err | head -5 || true
        cp in.csv "failing-complete-$seed.csv"; exit 1
      fi
    done
  done
done
echo "diff_ref: $runs runs on $FILES files, identical stdout, stderr, exit status and output files"
