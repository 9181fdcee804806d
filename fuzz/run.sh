#!/usr/bin/env bash
# Runs every fuzz target of silkscore for SECONDS each (default 30), one after the other.
#
#   fuzz/run.sh [SECONDS] [TARGET...]
#
# Installs the nightly toolchain and cargo-fuzz when they are missing (building cargo-fuzz
# takes about 2-3 minutes on 2 cores), writes the seed corpus (fuzz/corpus/<target>/, not
# committed) from valid encodings, then fuzzes. Exits non-zero when a target finds a crash
# (the input is saved under fuzz/artifacts/<target>/); the other targets still run.
set -euo pipefail

secs="${1:-30}"
shift || true
cd "$(dirname "$0")"

ALL_TARGETS=(decode_record decode_model decode_scores decode_frame score journal
             signed_envelope model_toml records_csv records_accounting)
if [ "$#" -gt 0 ]; then targets=("$@"); else targets=("${ALL_TARGETS[@]}"); fi

if ! rustup run nightly rustc --version >/dev/null 2>&1; then
    rustup toolchain install nightly --profile minimal
fi
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked
fi

echo "== seed corpus"
cargo +nightly run --quiet --bin seed -- corpus

echo "== build"
for t in "${targets[@]}"; do
    cargo +nightly fuzz build "$t"
done

failed=()
for t in "${targets[@]}"; do
    echo "== $t (${secs}s)"
    mkdir -p "corpus/$t"
    start=$(date +%s)
    # The records reader's target takes whole files, up to 1 MiB (the default record limit).
    extra=()
    [ "$t" = records_accounting ] && extra=(-max_len=1048576)
    if cargo +nightly fuzz run "$t" "corpus/$t" -- "${extra[@]}" \
        -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        2> "target/fuzz-$t.log"; then
        status=ok
    else
        status=FAILED
        failed+=("$t")
    fi
    end=$(date +%s)
    execs=$(grep -E '^stat::number_of_executed_units' "target/fuzz-$t.log" | awk '{print $2}' | tail -1)
    cov=$(grep -E '^#[0-9]+.*(DONE|pulse|NEW|REDUCE)' "target/fuzz-$t.log" | tail -1 | grep -oE 'cov: [0-9]+' || true)
    echo "$t: $status, $((end - start))s wall, ${execs:-?} execs, ${cov:-cov: ?}, corpus $(ls "corpus/$t" | wc -l) inputs"
    if [ "$status" = FAILED ]; then
        tail -40 "target/fuzz-$t.log"
    fi
done

if [ "${#failed[@]}" -gt 0 ]; then
    echo "fuzz findings in: ${failed[*]} (inputs under fuzz/artifacts/)"
    exit 1
fi
echo "fuzz: no findings"
