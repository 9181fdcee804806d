#!/usr/bin/env bash
# The analyst's toolkit against independent references (issue 11): installs numpy, scipy and
# pymcdm in a virtual environment (target/reference-venv), recomputes the reference numbers
# of tests/reference/ and compares them with the committed expected.json, then runs the tests
# that compare silkscore with expected.json (cli/tests/toolkit_reference.rs).
#
#   bash tests/reference/check.sh           check
#   bash tests/reference/check.sh --write   regenerate expected.json (then commit it)
set -euo pipefail
cd "$(dirname "$0")/../.."
VENV=target/reference-venv
if ! "$VENV/bin/python" -c 'import numpy, scipy, pymcdm' 2>/dev/null; then
  rm -rf "$VENV"
  if ! python3 -m venv "$VENV" 2>/dev/null; then
    # Debian's own python3 keeps venv in a package of its own.
    rm -rf "$VENV"
    apt-get install -y -qq python3-venv >/dev/null 2>&1 \
      || { apt-get update -qq >/dev/null && apt-get install -y -qq python3-venv >/dev/null; }
    python3 -m venv "$VENV"
  fi
  "$VENV/bin/pip" install --quiet --disable-pip-version-check 'numpy>=1.26' 'scipy>=1.11' 'pymcdm>=1.2'
fi
if [ "${1:-}" = "--write" ]; then
  "$VENV/bin/python" tests/reference/reference.py --write
else
  "$VENV/bin/python" tests/reference/reference.py --check
fi
cargo test -p silkscore-cli --test toolkit_reference
