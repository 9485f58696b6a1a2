"""Latency and throughput of the real service over HTTP (quick check for the service issue).

Starts `bentoml serve` with 1 and then 2 workers on a throw-away store copy of the latest
model, measures p50/p99 latency of /predict, /explain and a 10,000-row /predict_batch at
concurrency 1, and requests per second of /predict at concurrency 8 (wrk), then
kills the server's process group. The load-tool benchmark of the benchmark issue
supersedes the concurrency figures; this script keeps the service targets checkable.

Usage: .venv/bin/python benchmarks/service_latency.py [--requests 500]
Writes benchmarks/results/service_latency.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from devtools.servers import free_port, start_service, stop, wait_ready  # noqa: E402
from scoring.serving.schemas import APPLICATION_EXAMPLE as APPLICATION  # noqa: E402

TOKEN = "benchmark-token"
HEADERS = {"Authorization": f"Bearer {TOKEN}"}


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "p50_ms": round(statistics.median(ordered), 3),
        "p99_ms": round(ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))], 3),
        "n": len(ordered),
    }


def timed(client: httpx.Client, path: str, body: dict, n: int) -> dict[str, float]:
    for _ in range(min(50, n)):
        client.post(path, json=body).raise_for_status()
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        client.post(path, json=body).raise_for_status()
        samples.append((time.perf_counter() - start) * 1000)
    return percentiles(samples)


WRK_SCRIPT = """
wrk.method = "POST"
wrk.body = '{body}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer {token}"
"""


def throughput(url: str, concurrency: int, seconds: int) -> float:
    """Requests per second of /predict under wrk (a C load generator: it leaves the cores
    to the server, where a Python client would compete with it)."""
    script = Path(tempfile.mkdtemp()) / "predict.lua"
    body = json.dumps({"application": APPLICATION})
    script.write_text(WRK_SCRIPT.format(body=body, token=TOKEN))
    output = subprocess.run(
        ["wrk", "-t", "2", "-c", str(concurrency), "-d", f"{seconds}s", "-s", str(script),
         f"{url}/predict"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    line = next(line for line in output.splitlines() if line.startswith("Requests/sec"))
    return float(line.split()[1])


def run(workers: int, requests: int) -> dict:
    port = free_port()
    data = Path(tempfile.mkdtemp(prefix="service-bench-"))
    env = {
        "CREDIT_API_TOKEN": TOKEN,
        "CREDIT_WORKERS": str(workers),
        "CREDIT_AUDIT_DB_URL": f"sqlite:///{data / 'audit.sqlite'}",
    }
    process = start_service(env, port)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(url, process)
        with httpx.Client(base_url=url, headers=HEADERS, timeout=120) as client:
            body = {"application": APPLICATION}
            batch = {"applications": [{"application": APPLICATION}] * 10_000}
            result = {
                "workers": workers,
                "predict": timed(client, "/predict", body, requests),
                "explain": timed(client, "/explain", body, requests),
                "predict_batch_10000": timed(client, "/predict_batch", batch, 5),
            }
        result["predict_rps_concurrency_8"] = throughput(url, 8, 10)
        return result
    finally:
        stop(process)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=500, help="requests per endpoint")
    args = parser.parse_args()
    results = [run(workers, args.requests) for workers in (1, 2)]
    out = ROOT / "benchmarks" / "results" / "service_latency.json"
    out.write_text(json.dumps({"cpus": os.cpu_count(), "runs": results}, indent=1) + "\n")
    for r in results:
        print(
            f"{r['workers']} worker(s): /predict p50 {r['predict']['p50_ms']} ms "
            f"p99 {r['predict']['p99_ms']} ms | /explain p50 {r['explain']['p50_ms']} ms "
            f"p99 {r['explain']['p99_ms']} ms | batch 10k p50 "
            f"{r['predict_batch_10000']['p50_ms']} ms | /predict at c=8: "
            f"{r['predict_rps_concurrency_8']} req/s"
        )


if __name__ == "__main__":
    main()
