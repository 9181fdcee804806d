"""Score a portfolio too large for one machine on a Dask cluster.

Reads a Parquet dataset (a file, a folder of files or a glob) with ``dask.dataframe``, scores
every partition with :meth:`silkscore.Model.score_frame` on the cluster's workers, and writes
the results as Parquet (one file per partition): the columns named by ``--keep`` (default
``id``), then ``cultural, economic, security, composite, grade, status``. The input's columns
are matched to the model's indicators by id; a null (or NaN) cell is a missing value.

::

    # a local cluster of two worker processes on this machine
    python dask_portfolio.py projects/ scores/ --workers 2
    # a real cluster: its scheduler's address (silkscore installed on every worker)
    python dask_portfolio.py s3://bucket/projects/ s3://bucket/scores/ --scheduler tcp://10.0.0.5:8786
    # a custom model (shipped to the workers as its compiled bytes)
    python dask_portfolio.py projects/ scores/ --model my-model.toml

Every worker scores its partitions with one thread (Dask runs one task per worker thread),
and the scores are the bits ``silkscore score`` prints: the same whatever the partitioning.
On a terminal, Dask's progress bar shows the partitions as they are scored.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Sequence

import dask.dataframe as dd
import pandas as pd
from dask.distributed import Client, LocalCluster, get_client
from dask.distributed import progress as distributed_progress

import silkscore


def score_partition(df: pd.DataFrame, model: silkscore.Model, keep: list[str]) -> pd.DataFrame:
    """One partition's scores (runs on a worker)."""
    return model.score_frame(df, keep=keep, threads=1)


def score_dataset(
    source: str, target: str, model: silkscore.Model, keep: Sequence[str] = ("id",), progress: bool = False
) -> int:
    """Scores the Parquet dataset at ``source`` into ``target`` on the current Dask client;
    returns the number of rows. ``keep`` columns absent from the input are left out;
    ``progress`` shows Dask's progress bar while the partitions are scored."""
    ddf = dd.read_parquet(source)
    kept = [k for k in keep if k in ddf.columns]
    # The output's schema: score_frame on the empty frame that describes the input.
    meta = score_partition(ddf._meta, model, kept)
    scored = ddf.map_partitions(score_partition, model, kept, meta=meta)
    write = scored.to_parquet(target, write_index=False, overwrite=True, compute=False)
    future = get_client().compute(write)
    if progress:
        distributed_progress(future)
    future.result()
    return int(dd.read_parquet(target, columns=["status"]).shape[0].compute())


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("source", help="Parquet file, folder or glob of the records")
    p.add_argument("target", help="folder to write the scores to (Parquet)")
    p.add_argument("--model", help="TOML model file (default: the built-in bri-cultural-v1)")
    p.add_argument("--scheduler", help="address of a running Dask scheduler (default: a local cluster)")
    p.add_argument("--workers", type=int, default=2, help="worker processes of the local cluster (default 2)")
    p.add_argument("--keep", nargs="*", default=["id"], help="input columns to copy to the output (default: id)")
    args = p.parse_args(argv)

    model = silkscore.Model.from_toml(args.model) if args.model else silkscore.Model.default()
    start = time.perf_counter()
    if args.scheduler:
        client = Client(args.scheduler)
        cluster = None
    else:
        cluster = LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                               dashboard_address=None)
        client = Client(cluster)
    try:
        workers = len(client.scheduler_info()["workers"])
        print(f"model {model.name} (fingerprint 0x{model.fingerprint:08x}), {workers} workers", file=sys.stderr)
        rows = score_dataset(args.source, args.target, model, args.keep, progress=sys.stdout.isatty())
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    seconds = time.perf_counter() - start
    print(f"scored {rows} rows into {args.target} in {seconds:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
