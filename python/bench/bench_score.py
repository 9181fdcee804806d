"""Speed of the Python package, side by side in one run (``bash python/bench/run.sh``).

Scores the same ROWS records of the default model (every value present, spread over the
goalposts and a little beyond) five ways, and prints records/s for each, single-threaded and
on every core:

* **silkscore**: ``Model.score`` on the 2-D float32 numpy array (``threads=1`` and
  ``threads=None``), all of its outputs (indices, composite, basis points, grade, status),
  on the row-major array and on a column-major copy (made before the clock starts, as
  the Rust scorer's columns are), with new output arrays per call and with ``out=`` (the
  arrays of an earlier result written again);
* **numpy float32**: the lean formula of ``docs/spec.md`` §4 for complete records, chunk by
  chunk (every core: the chunks on a thread pool; numpy's ufuncs release the GIL);
* **polars**: the default model as Polars expressions on a frame of float32 columns (one
  core: ``POLARS_MAX_THREADS=1`` in a subprocess; every core: Polars' default);
* **rust**: the library's column-wise scorer called from Rust (``bench_columns``), one
  thread, on the same records (written to a file for it, and put in columns before the
  clock starts): ``score_columns`` over all rows with the results allocated in the timing (as
  ``Model.score`` allocates its output arrays), all rows into a buffer allocated beforehand,
  and 1,024-row batches into one reused buffer; and ``score_into`` (what ``Model.score``
  calls, the same outputs) from the columns and from the row-major matrix read in place,
  with its outputs allocated in the timing or reused: the like-for-like comparison.

The numpy and Polars results are checked against silkscore's (within 0.001 points) and
the Rust composites' bits against silkscore's, so every line scored the same records. Each figure is the best of three runs. The single-thread figures are also given
per second of CPU time (``time.thread_time``, ``time.process_time`` in the Polars
subprocess, ``/proc/self/schedstat`` for Rust), which a busy machine inflates far less than
the wall clock.

    python bench_score.py ROWS OUTDIR RUST_BENCH_EXE
    python bench_score.py --polars OUTDIR ROWS        (internal: the Polars part)
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable

import numpy as np

import silkscore

MODEL = silkscore.Model.default()
IND = MODEL.indicators
LO = np.array([i.lo for i in IND], np.float32)
HI = np.array([i.hi for i in IND], np.float32)
LOG = np.array([i.transform == "log" for i in IND])
COST = np.array([i.direction == "cost" for i in IND])
CONN = np.array([("cultural", "economic", "security").index(i.connotation) for i in IND])
W = np.array([i.weight for i in IND], np.float32)
assert MODEL.params.within == "arithmetic" and MODEL.params.across == "geometric"
assert all(i.transform in ("lin", "log") for i in IND)
F_LO = np.where(LOG, np.log1p(LO), LO).astype(np.float32)
SPAN = (np.where(LOG, np.log1p(HI), HI) - F_LO).astype(np.float32)
EPS = np.float32(MODEL.params.floor)
GRADES = np.array(MODEL.params.grades, np.float32)
CHUNK = 1 << 15
CORES = os.cpu_count() or 1


def generate(rows: int) -> np.ndarray:
    """rows × 18 float32, row-major: lin indicators uniform over [lo − 10 %, hi + 10 %] of
    the span, log indicators log-uniform up to a little above hi."""
    rng = np.random.default_rng(2023)
    out = np.empty((rows, len(IND)), np.float32)
    for s in range(0, rows, 1 << 20):
        e = min(rows, s + (1 << 20))
        u = rng.uniform(0, 1, (e - s, len(IND))).astype(np.float32)
        lin = LO - 0.1 * (HI - LO) + 1.2 * (HI - LO) * u
        log = np.power(np.float32(1) + HI, u * np.float32(1.05)) - np.float32(1)
        out[s:e] = np.where(LOG, log, lin)
    return out


def numpy_chunk(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The lean float32 formula for complete records: (3 × c indices, c composites), 0–1."""
    x = np.clip(x, LO, HI)
    x = np.where(LOG, np.log1p(x), x)
    t = (x - F_LO) / SPAN
    t = np.where(COST, np.float32(1) - t, t)
    s = np.clip(t, np.float32(0), np.float32(1))
    idx = np.empty((3, x.shape[0]), np.float32)
    for c in range(3):
        cols = CONN == c
        idx[c] = (s[:, cols] * W[cols]).sum(axis=1) / W[cols].sum()
    comp = np.exp(np.log(np.maximum(idx, EPS)).mean(axis=0))
    return idx, comp


def numpy_score(values: np.ndarray, threads: int) -> tuple[np.ndarray, np.ndarray]:
    n = values.shape[0]
    idx = np.empty((3, n), np.float32)
    comp = np.empty(n, np.float32)
    grade = np.empty(n, np.uint8)

    def one(s: int) -> None:
        e = min(n, s + CHUNK)
        i, c = numpy_chunk(values[s:e])
        idx[:, s:e], comp[s:e] = i, c
        grade[s:e] = 4 - (c[:, None] * 100 >= GRADES).sum(axis=1)

    starts = range(0, n, CHUNK)
    if threads == 1:
        for s in starts:
            one(s)
    else:
        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(one, starts))
    return idx, comp


def polars_exprs() -> list:
    import polars as pl

    scores = []
    for j, ind in enumerate(IND):
        x = pl.col(ind.id).clip(float(ind.lo), float(ind.hi))
        f = (x + 1.0).log() if ind.transform == "log" else x
        t = (f - float(F_LO[j])) / float(SPAN[j])
        if ind.direction == "cost":
            t = 1.0 - t
        scores.append((CONN[j], float(ind.weight), t.clip(0.0, 1.0)))
    exprs = []
    for c, name in enumerate(("cultural", "economic", "security")):
        terms = [w * s for k, w, s in scores if k == c]
        total = sum(w for k, w, _ in scores if k == c)
        exprs.append((pl.sum_horizontal(terms) / total).alias(name))
    return exprs


def polars_part(outdir: str, rows: int) -> None:
    """Runs in a subprocess, so that POLARS_MAX_THREADS takes effect before the import."""
    import polars as pl

    values = np.fromfile(Path(outdir) / "values.f32", dtype="<f4").reshape(rows, len(IND))
    df = pl.DataFrame({ind.id: values[:, j] for j, ind in enumerate(IND)})
    del values
    eps = float(EPS)
    composite = (
        (pl.col("cultural").clip(lower_bound=eps).log() + pl.col("economic").clip(lower_bound=eps).log()
         + pl.col("security").clip(lower_bound=eps).log()) / 3.0
    ).exp().alias("composite")
    grade = (
        pl.when(pl.col("composite") * 100 >= float(GRADES[0])).then(pl.lit("A"))
        .when(pl.col("composite") * 100 >= float(GRADES[1])).then(pl.lit("B"))
        .when(pl.col("composite") * 100 >= float(GRADES[2])).then(pl.lit("C"))
        .when(pl.col("composite") * 100 >= float(GRADES[3])).then(pl.lit("D"))
        .otherwise(pl.lit("E")).alias("grade")
    )
    best, best_cpu, out = float("inf"), float("inf"), None
    for _ in range(3):
        t, c = time.perf_counter(), time.process_time()
        out = df.lazy().select(polars_exprs()).with_columns(composite).with_columns(grade).collect()
        best = min(best, time.perf_counter() - t)
        best_cpu = min(best_cpu, time.process_time() - c)
    assert out is not None
    np.save(Path(outdir) / f"polars-{os.environ.get('POLARS_MAX_THREADS', 'all')}.npy",
            out["composite"].to_numpy().astype(np.float32))
    print(f"{rows / best / 1e6:.4f} {rows / best_cpu / 1e6:.4f}")


def best_of(f: Callable[[], object], runs: int = 3) -> tuple[float, float]:
    """The best wall-clock and CPU seconds (of the calling thread: the single-threaded runs
    score on it) of `runs` calls of f."""
    best, best_cpu = float("inf"), float("inf")
    for _ in range(runs):
        t, c = time.perf_counter(), time.thread_time()
        f()
        best = min(best, time.perf_counter() - t)
        best_cpu = min(best_cpu, time.thread_time() - c)
    return best, best_cpu


def main(rows: int, outdir: str, rust_exe: str) -> None:
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    print(f"generating {rows:,} records of {MODEL.name} ({len(IND)} indicators, float32, row-major) …", flush=True)
    values = generate(rows)
    values.tofile(out / "values.f32")

    s = MODEL.score(values, threads=1)
    assert s.ok.all()
    # the sum of the composites' bit patterns: equal only when every composite is
    bits_sum = int(s.composite.view(np.uint32).astype(np.uint64).sum())
    ss1, ss1_cpu = (rows / t for t in best_of(lambda: MODEL.score(values, threads=1)))
    ssn = rows / best_of(lambda: MODEL.score(values))[0]
    so1, so1_cpu = (rows / t for t in best_of(lambda: MODEL.score(values, threads=1, out=s)))
    fortran = np.asfortranarray(values)  # columns, as the Rust scorer gets them
    sf1, sf1_cpu = (rows / t for t in best_of(lambda: MODEL.score(fortran, threads=1)))
    sfo1, sfo1_cpu = (rows / t for t in best_of(lambda: MODEL.score(fortran, threads=1, out=s)))
    s = MODEL.score(values, threads=1)
    sfn = rows / best_of(lambda: MODEL.score(fortran))[0]
    del fortran

    idx, comp = numpy_score(values, 1)
    np_diff = float(np.abs(comp * 100 - s.composite).max())
    np1, np1_cpu = (rows / t for t in best_of(lambda: numpy_score(values, 1)))
    npn = rows / best_of(lambda: numpy_score(values, CORES))[0]
    del idx, comp

    pol = {}
    for threads in ("1", None):
        env = dict(os.environ)
        env.pop("POLARS_MAX_THREADS", None)
        if threads:
            env["POLARS_MAX_THREADS"] = threads
        run = subprocess.run([sys.executable, __file__, "--polars", outdir, str(rows)], env=env,
                             capture_output=True, text=True, check=True)
        wall, cpu = run.stdout.split()[-2:]
        pol[threads or "all"] = float(wall) * 1e6
        if threads:
            pol["cpu"] = float(cpu) * 1e6
    pl_comp = np.load(out / "polars-1.npy")
    pl_diff = float(np.abs(pl_comp * 100 - s.composite).max())

    run = subprocess.run([rust_exe, str(out / "values.f32"), str(rows)], capture_output=True, text=True, check=True)
    lines = {line.split("  ")[0].strip(): line for line in run.stdout.splitlines()}
    r_bits = int(lines["composite bits"].split()[-1])
    r_all = float(lines["rust all rows"].split()[-3]) * 1e6
    r_batches = float(lines["rust batches"].split()[-3]) * 1e6
    r_all_cpu = float(lines["rust all rows cpu"].split()[-3]) * 1e6
    r_fresh = float(lines["rust fresh"].split()[-3]) * 1e6
    r_fresh_cpu = float(lines["rust fresh cpu"].split()[-3]) * 1e6
    r_batches_cpu = float(lines["rust batches cpu"].split()[-3]) * 1e6
    same_bits = r_bits == bits_sum
    # score_into (the path Model.score takes), same outputs: from columns / rows, output
    # reused / allocated in the timing.
    ri = {k: float(lines[f"rust into {k}"].split()[-3]) * 1e6
          for k in ("cols", "cols fresh", "rows", "rows fresh", "cols cpu", "cols fresh cpu",
                    "rows cpu", "rows fresh cpu")}

    def row(name: str, one: float | None, all_: float | None, cpu: float | None) -> str:
        f = lambda v: f"{v / 1e6:10.2f}" if v and v != float("inf") else f"{'':>10}"
        return f"{name:56s} {f(one)} {f(all_)} {f(cpu)}"

    print()
    print(f"{rows:,} records, default model; M records/s, best of 3; {CORES} cores")
    print(f"{'':56s} {'1 thread':>10} {'all cores':>10} {'1 thr/CPU s':>10}")
    print(row("silkscore Model.score, float32 rows (C order), all outputs", ss1, ssn, ss1_cpu))
    print(row("silkscore Model.score, float32 columns (Fortran order)", sf1, sfn, sf1_cpu))
    print(row("silkscore Model.score(out=), rows (C order), arrays reused", so1, None, so1_cpu))
    print(row("silkscore Model.score(out=), columns (Fortran), arrays reused", sfo1, None, sfo1_cpu))
    print(row("numpy float32, lean formula (complete records)", np1, npn, np1_cpu))
    print(row("polars expressions, default model", pol["1"], pol["all"], pol["cpu"]))
    print(row("rust Scorer::score_columns, all rows, results allocated", r_fresh, None, r_fresh_cpu))
    print(row("rust Scorer::score_columns, all rows, results reused", r_all, None, r_all_cpu))
    print(row("rust Scorer::score_columns, 1,024-row batches", r_batches, None, r_batches_cpu))
    print(row("rust Scorer::score_into, rows (C order), outputs allocated", ri["rows fresh"], None, ri["rows fresh cpu"]))
    print(row("rust Scorer::score_into, rows (C order), outputs reused", ri["rows"], None, ri["rows cpu"]))
    print(row("rust Scorer::score_into, columns, outputs allocated", ri["cols fresh"], None, ri["cols fresh cpu"]))
    print(row("rust Scorer::score_into, columns, outputs reused", ri["cols"], None, ri["cols cpu"]))
    print()
    print("RATIO Model.score per core / rust column-wise scorer, the same outputs from the same layout")
    print("(target >= 1; wall clock; per CPU second). Both sides: indices, composite, basis points,")
    print("grade, status for every record, one thread, the input already in memory in that layout;")
    print("'allocating' = output arrays allocated in each call (Model.score without out=):")
    for name, one, cpu, reuse, reuse_cpu, key in (
            ("C-order rows", ss1, ss1_cpu, so1, so1_cpu, "rows"),
            ("F-order columns", sf1, sf1_cpu, sfo1, sfo1_cpu, "cols")):
        print(f"  {name:16s} both allocating their outputs: {one / ri[f'{key} fresh']:.2f}x; "
              f"{cpu / ri[f'{key} fresh cpu']:.2f}x   both reusing them (out=): "
              f"{reuse / ri[key]:.2f}x; {reuse_cpu / ri[f'{key} cpu']:.2f}x")
    print()
    best_rust, best_rust_cpu = max(r_all, r_batches), max(r_all_cpu, r_batches_cpu)
    print("silkscore per core / rust column-wise (wall clock; per CPU second):")
    for name, one, cpu in (("rows", ss1, ss1_cpu), ("columns", sf1, sf1_cpu)):
        print(f"  from {name:8s} vs rust with its results allocated (like for like) "
              f"{one / r_fresh:.2f}x; {cpu / r_fresh_cpu:.2f}x   vs rust's fastest way "
              f"{one / best_rust:.2f}x; {cpu / best_rust_cpu:.2f}x")
    print(f"silkscore / numpy float32: {ss1 / np1:.2f}x on 1 thread, {ssn / npn:.2f}x on all cores")
    print(f"silkscore / polars:        {ss1 / pol['1']:.2f}x on 1 thread, {ssn / pol['all']:.2f}x on all cores")
    print(f"largest composite difference, points: numpy {np_diff:.2e}, polars {pl_diff:.2e}; "
          f"rust composites {'bit-identical' if same_bits else 'DIFFERENT'} to silkscore's")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"load average during the run: {load:.1f} on {CORES} cores (above {CORES} the wall-clock figures are low)")
    assert np_diff < 1e-3 and pl_diff < 1e-3 and same_bits


if __name__ == "__main__":
    if sys.argv[1] == "--polars":
        polars_part(sys.argv[2], int(sys.argv[3]))
    else:
        main(int(sys.argv[1]), sys.argv[2], sys.argv[3])
