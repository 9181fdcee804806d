#!/usr/bin/env bash
# The Python package's check (issue 9): a fresh virtual environment, the package built from
# this checkout by maturin (pip's PEP 517 build, release profile) with its test
# dependencies from the package registry, then pytest over python/tests — the conformance
# vectors bit for bit against the native library and the `silkscore` command, the error
# paths, weights, the sensitivity analysis against `silkscore sensitivity --format json`,
# and the Dask example on 2,000,000 rows with a local cluster of two worker processes. Ends
# with pytest's summary line.
#
#   bash python/check.sh            (from anywhere; needs python3 >= 3.10 with venv, cargo)
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
VENV=target/python/venv
START=$SECONDS
say() { printf '\n--- %s (%ds)\n' "$*" $((SECONDS - START)); }

"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 10))' \
  || { echo "python/check.sh: $PYTHON is $($PYTHON --version 2>&1); the package needs Python >= 3.10 (set PYTHON=...)"; exit 1; }
say "virtual environment $VENV ($($PYTHON --version))"
if ! "$PYTHON" -m venv --clear "$VENV" >/dev/null 2>&1; then
  # Debian's python3 keeps venv (ensurepip) in a package of its own.
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    ver=$("$PYTHON" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "python$ver-venv" >/dev/null \
      || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
  fi
  "$PYTHON" -m venv --clear "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --upgrade pip

say "pip install ./python[test] (maturin builds the extension in release)"
"$VENV/bin/python" -m pip install --quiet "./python[test]"
"$VENV/bin/python" -m pip list 2>/dev/null \
  | grep -Ei '^(silkscore|numpy|pandas|polars|pyarrow|dask|distributed|pytest|mypy|maturin) ' || true

say "the native library's exact results for the conformance vectors, and the silkscore command"
BITS=target/python/bits
mkdir -p "$BITS"
cargo build --quiet -p silkscore-cli
cargo build --quiet -p silkscore-python --example expected_bits
for c in "default default default_records.csv" "custom5 tests/vectors/custom5.toml custom5_records.csv" \
         "custom32 tests/vectors/custom32.toml custom32_records.csv"; do
  set -- $c
  target/debug/examples/expected_bits "$2" "tests/vectors/$3" "$BITS/$1.csv"
done
export SILKSCORE_EXPECTED_BITS=$PWD/$BITS SILKSCORE_CLI=$PWD/target/debug/silkscore

say "pytest"
"$VENV/bin/pytest" python/tests -q -p no:cacheprovider
