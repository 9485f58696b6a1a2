"""Peer data for the dashboard: a cached Parquet snapshot vs aggregates served over HTTP.

Measures, on a full-scale portfolio:
1. writing the snapshot (every known client scored once with the stored model): time,
   size, process peak memory;
2. loading it in a fresh process (``pd.read_parquet``; first and cached ``pn.cache`` call):
   time and resident memory added;
3. one peer-view update computed in process (group mask, histograms, percentiles;
   nearest neighbours; a datashader raster of every client);
4. the same update as API aggregates: a FastAPI/uvicorn server holding the same frame
   answers the histogram and the raster over HTTP (keep-alive), plus a no-op endpoint for
   the bare round trip. BentoML adds its own overhead on top (see http_load.json's floor).

Usage: .venv/bin/python benchmarks/peer_data.py --data /tmp/full [--model TAG]
       .venv/bin/python benchmarks/peer_data.py --snapshot FILE   (skip the write)
Writes benchmarks/results/peer_data.json.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from devtools.servers import free_port, stop  # noqa: E402

FEATURE, X, Y = "credit_income_ratio", "ext_source_2", "ext_source_3"
FILTERS = ("gender", "age_band", "income_band")
NEIGHBOURS, REPEATS = 500, 30
RESULTS = ROOT / "benchmarks" / "results" / "peer_data.json"
LOAD_PROBE = """
import json, sys, time
def rss():
    return int(next(l for l in open("/proc/self/status") if l.startswith("VmRSS")).split()[1])
import pandas as pd, panel as pn, pyarrow.parquet  # libraries loaded before measuring
from dashboard.snapshot import load_snapshot
before = rss(); start = time.perf_counter(); frame = pd.read_parquet(sys.argv[1])
read_s = time.perf_counter() - start; added = rss() - before; del frame
start = time.perf_counter(); load_snapshot(sys.argv[1]); first_s = time.perf_counter() - start
start = time.perf_counter(); frame = load_snapshot(sys.argv[1])
cached_s = time.perf_counter() - start
print(json.dumps({"read_parquet_s": read_s, "rss_added_mib": added / 1024, "frame_mib":
    frame.memory_usage(deep=True).sum() / 2**20, "pn_cache_first_s": first_s,
    "pn_cache_hit_s": cached_s}))
"""


def median_ms(call: Callable[[], object], repeats: int = REPEATS) -> float:
    call()
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return round(1000 * statistics.median(samples), 2)


def write(data: Path, path: Path, model: str | None) -> dict:
    from scoring.model.scorer import CreditModel
    from training.data import load_dataset
    from training.snapshot import write_snapshot

    start = time.perf_counter()
    frames = load_dataset(data)
    loaded = time.perf_counter() - start
    start = time.perf_counter()
    snapshot = write_snapshot(frames, CreditModel.from_store(model), path)
    return {
        "load_tables_s": round(loaded, 1),
        "write_snapshot_s": round(time.perf_counter() - start, 1),
        "process_peak_rss_gib": round(
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20, 2
        ),
        "clients": len(snapshot),
        "columns": snapshot.shape[1],
    }


def load(path: Path) -> dict:
    runs = [
        json.loads(subprocess.run([sys.executable, "-c", LOAD_PROBE, str(path)], cwd=ROOT,
                                  capture_output=True, text=True, check=True).stdout)
        for _ in range(3)
    ]  # fmt: skip
    return {key: round(statistics.median(r[key] for r in runs), 4) for key in runs[0]}


def update(snapshot, client) -> dict:
    """One peer-view update, the way the dashboard computes it in process."""
    import datashader as ds
    import numpy as np

    from dashboard.peer_groups import histogram_edges, neighbour_mask, rank, similar_mask

    values = snapshot[FEATURE].to_numpy(float)
    edges = histogram_edges(values)

    def histograms() -> object:
        mask = similar_mask(snapshot, client, FILTERS)
        return [
            (rank(values[m], client[FEATURE]), np.histogram(values[m], edges, density=True))
            for m in (mask, slice(None))
        ]

    canvas = ds.Canvas(plot_width=600, plot_height=400)
    return {
        "similar_histograms_percentiles_ms": median_ms(histograms),
        f"neighbours_{NEIGHBOURS}_ms": median_ms(
            lambda: neighbour_mask(snapshot, client, NEIGHBOURS), 10
        ),
        "datashader_raster_600x400_ms": median_ms(
            lambda: canvas.points(snapshot, X, Y, agg=ds.mean("probability"))
        ),
    }


def api_factory():
    """The aggregate API of option (a): same data and code, answered over HTTP."""
    import numpy as np
    import pandas as pd
    from fastapi import FastAPI

    from dashboard.peer_groups import histogram_edges, rank, similar_mask

    snapshot = pd.read_parquet(os.environ["PEER_BENCH_SNAPSHOT"])
    app = FastAPI()

    @app.get("/noop")
    def noop() -> dict:
        return {}

    @app.get("/histogram")
    def histogram(client_id: int, feature: str) -> dict:
        client = snapshot.loc[snapshot["SK_ID_CURR"] == client_id].iloc[0]
        values = snapshot[feature].to_numpy(float)
        edges = histogram_edges(values)
        mask = similar_mask(snapshot, client, FILTERS)
        groups = [np.histogram(values[m], edges, density=True)[0] for m in (mask, slice(None))]
        return {"edges": edges.tolist(), "density": [g.tolist() for g in groups],
                "rank": rank(values[mask], client[feature]).__dict__}  # fmt: skip

    @app.get("/raster")
    def raster(x: str, y: str) -> dict:
        import datashader as ds

        grid = ds.Canvas(plot_width=600, plot_height=400).points(
            snapshot, x, y, agg=ds.mean("probability")
        )
        return {"grid": np.where(np.isnan(grid.values), None, grid.values).tolist()}

    return app


def api(path: Path, client_id: int) -> dict:
    port = free_port()
    env = {**os.environ, "PEER_BENCH_SNAPSHOT": str(path)}
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "peer_data:api_factory", "--factory", "--app-dir",
         str(ROOT / "benchmarks"), "--port", str(port), "--log-level", "warning"],
        cwd=ROOT, env=env, start_new_session=True,
    )  # fmt: skip
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
            for _ in range(600):
                try:
                    client.get("/noop").raise_for_status()
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
            query, axes = {"client_id": client_id, "feature": FEATURE}, {"x": X, "y": Y}
            raster = client.get("/raster", params=axes)
            return {
                "round_trip_noop_ms": median_ms(lambda: client.get("/noop"), 200),
                "histogram_request_ms": median_ms(lambda: client.get("/histogram", params=query)),
                "raster_request_ms": median_ms(lambda: client.get("/raster", params=axes)),
                "raster_response_kib": round(len(raster.content) / 1024, 1),
            }  # fmt: skip
    finally:
        stop(process)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, help="Kaggle-layout directory to snapshot")
    parser.add_argument(
        "--snapshot", type=Path, default=Path(tempfile.gettempdir()) / "peer_snapshot.parquet"
    )
    parser.add_argument("--model", help="model tag (default: latest credit_scoring)")
    parser.add_argument("--out", type=Path, default=RESULTS, help="JSON file of the figures")
    args = parser.parse_args()
    import pandas as pd

    result: dict = {"cpus": os.cpu_count()}
    if args.data is not None:
        result["write"] = write(args.data, args.snapshot, args.model)
    result["file_mib"] = round(args.snapshot.stat().st_size / 2**20, 1)
    result["load"] = load(args.snapshot)
    snapshot = pd.read_parquet(args.snapshot)
    client = snapshot.iloc[len(snapshot) // 2]
    result["clients"] = len(snapshot)
    result["in_process_update"] = update(snapshot, client)
    result["api_aggregates"] = api(args.snapshot, int(client["SK_ID_CURR"]))
    args.out.write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
