#!/usr/bin/env bash
# The sensitivity analysis against independent references, and its default precision
# (docs/spec.md §7.8). Run from anywhere; CI runs it (.ci/run).
#
# 1. Regenerates host/tests/reference/sobol_salib.json with SALib and numpy (pinned in
#    requirements.txt, installed into a virtual environment of its own under target/, apart
#    from tests/reference/check.sh's, whose versions are not pinned) from silkscore's
#    design evaluations, and fails when the committed file differs (by more than 1e-9 in any
#    number): the fixture that host/tests/sobol_salib.rs tests against is current.
# 2. Runs `silkscore sensitivity` with its defaults on examples/data/portfolio.csv and fails
#    unless every 95 % interval of every project's Sobol index is at most ±0.03 wide.
#
# Environment: SILKSCORE_REF_VENV (default target/sobol-reference-venv), PYTHON (default
# python3).
set -euo pipefail
cd "$(dirname "$0")/../../.."
here=host/tests/reference
venv=${SILKSCORE_REF_VENV:-target/sobol-reference-venv}
python=${PYTHON:-python3}

if [ ! -x "$venv/bin/python" ]; then
  if ! "$python" -m venv "$venv" 2>/dev/null; then
    # Debian's own python3 keeps venv in a package of its own.
    rm -rf "$venv"
    apt-get install -y -qq python3-venv >/dev/null 2>&1 \
      || { apt-get update -qq >/dev/null && apt-get install -y -qq python3-venv >/dev/null; }
    "$python" -m venv "$venv"
  fi
fi
"$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$here/requirements.txt"

cargo build -q -p silkscore-cli -p silkscore-host --example sobol_reference
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
target/debug/examples/sobol_reference "$tmp"
"$venv/bin/python" "$here/sobol_salib.py" "$tmp" > "$tmp/sobol_salib.json"
"$venv/bin/python" - "$here/sobol_salib.json" "$tmp/sobol_salib.json" <<'PY'
import json, sys

def walk(a, b, path):
    if isinstance(a, dict):
        assert isinstance(b, dict) and a.keys() == b.keys(), f"{path}: keys differ"
        for k in a:
            if k != "versions":
                walk(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list):
        assert isinstance(b, list) and len(a) == len(b), f"{path}: lengths differ"
        for i, (x, y) in enumerate(zip(a, b)):
            walk(x, y, f"{path}[{i}]")
    elif isinstance(a, float) or isinstance(b, float):
        assert abs(a - b) <= 1e-9, f"{path}: committed {a}, regenerated {b}"
    else:
        assert a == b, f"{path}: committed {a!r}, regenerated {b!r}"

committed, fresh = (json.load(open(p)) for p in sys.argv[1:3])
walk(committed, fresh, "sobol_salib.json")
worst = max(
    abs(x - y)
    for p in fresh["portfolio"]["projects"]
    for key in ("S1", "ST")
    for x, y in zip(p["salib_on_silkscore_design"][key], p["exact"][key])
)
print(f"SALib reference: current ({fresh['versions']}); silkscore's design at N = 1024 "
      f"is within {worst:.5f} of the exact indices")
PY

target/debug/silkscore sensitivity --input examples/data/portfolio.csv --format json \
  > "$tmp/default.json"
"$venv/bin/python" - "$tmp/default.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
widest = max(
    (e["high"] - e["low"]) / 2
    for p in d["projects"] if p["sobol"]
    for ix in p["sobol"]["indices"]
    for e in (ix["first_order"], ix["total"])
)
n = d["samples"]
assert widest <= 0.03, f"default N = {n}: an interval is ±{widest:.4f} wide, more than ±0.03"
print(f"default N = {n}: every 95% interval of every project's index within ±{widest:.4f}")
PY
