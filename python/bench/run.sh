#!/usr/bin/env bash
# Speed of the Python package, side by side in one run (issue 9, item 5): silkscore's
# Model.score on a numpy array, a lean numpy float32 formula, a Polars-expression
# implementation of the default model (each on one thread and on every core), and the
# library's column-wise scorer called from Rust, all on the same records.
#
#   bash python/bench/run.sh [ROWS]        (default 10000000; about 2 GB of memory)
#
# Uses the virtual environment of python/check.sh (target/python/venv), creating it when
# missing; reinstalls the package from this checkout first.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROWS=${1:-10000000}
VENV=target/python/venv
OUT=target/python/bench
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --upgrade pip
"$VENV/bin/python" -m pip install --quiet ./python numpy polars
cargo build --quiet --release -p silkscore-python --example bench_columns
# numpy picks its kernels at run time; these variables (set on some machines) would pin them.
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE \
  "$VENV/bin/python" python/bench/bench_score.py "$ROWS" "$OUT" target/release/examples/bench_columns
