"""Report sections of batch scoring: /predict_batch per worker (``benchmarks/batch_scoring.py``)
and files (``benchmarks/file_scoring.py``), each with its plot and its target."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt

from benchmarks.report_parts import (
    BASELINE,
    FOURTH,
    OURS,
    THIRD,
    Section,
    Target,
    run_conditions,
    save,
    table,
)

KINDS = {"example": "example body (25 fields)", "real": "real rows (~90 fields)"}


def _rate(rows: int, seconds: float) -> float:
    return rows / seconds


def _k(rate: float) -> str:
    return f"{rate / 1000:,.1f}k"


def batch_scoring(result: dict, out_dir: Path) -> Section:
    process, http = result["in_process"], result.get("http", {})
    target = result["target_rows_per_s"]
    rows = []
    bars: list[tuple[str, float, str]] = []
    for kind, figures in process.items():
        n, calls = figures["rows"], figures["calls_ms"]
        ours, previous = calls["ours"], calls["previous"]
        floor = figures["floor_onnx_ms"]["median"]
        rows.append([KINDS.get(kind, kind), f"{figures['body_bytes'] / 1e6:.1f} MB",
                     f"{ours['median']:.0f} / {ours['p99']:.0f}",
                     _k(_rate(n, ours["median"] / 1e3)),
                     f"{previous['median']:.0f} / {previous['p99']:.0f}",
                     _k(_rate(n, previous["median"] / 1e3)),
                     f"**{previous['median'] / ours['median']:.1f}×**",
                     f"{floor:.0f}"])  # fmt: skip
        bars += [(f"{kind}: ours, in process", _rate(n, ours["median"] / 1e3), OURS),
                 (f"{kind}: previous, in process", _rate(n, previous["median"] / 1e3),
                  BASELINE)]  # fmt: skip
    http_rows = []
    for kind in process:
        served = {tree: figures[kind] for tree, figures in http.items() if kind in figures}
        if not served:
            continue
        line = [KINDS.get(kind, kind)]
        for tree in ("ours", "before"):
            if tree in served:
                ms = served[tree]["ms"]
                rate = _rate(served[tree]["rows"], ms["median"] / 1e3)
                line += [f"{ms['median']:.0f} / {ms['p99']:.0f}", _k(rate)]
                bars.append((f"{kind}: {tree}, HTTP 1 worker", rate,
                             OURS if tree == "ours" else FOURTH))  # fmt: skip
            else:
                line += ["–", "–"]
        if "ours" in served and "before" in served:
            line.append(
                f"**{served['before']['ms']['median'] / served['ours']['ms']['median']:.1f}×**"
            )
        http_rows.append(line)
    figure, axis = plt.subplots(figsize=(8, 0.35 * len(bars) + 1.2))
    axis.barh([b[0] for b in bars], [b[1] / 1000 for b in bars], color=[b[2] for b in bars])
    axis.axvline(target / 1000, color="black", linestyle="--", linewidth=1)
    axis.invert_yaxis()
    # ONNX alone (the table's last column) runs at 5 to 10 times the target: drawn, it would
    # squeeze every other bar against the axis.
    axis.set_xlabel(f"thousand applications per second (dashed: target {target / 1000:.0f}k)")
    n = result["batch_rows"]
    markdown = "\n".join([
        f"## /predict_batch per worker, {n:,} applications a batch\n",
        "In process, the endpoint's work once BentoML has the body (read and check it, "
        "features, ONNX, ratings, input hashes, the inquiries committed, drift counts, the "
        "answer's JSON), against the previous implementation kept in "
        "`benchmarks/baseline/row_batch.py` (the request model item by item, a model per row) "
        "and the raw ONNX call on the same rows, alternated on the same bodies; six distinct "
        "bodies of each kind cycled, so that the drift capture counts every application "
        f"(`benchmarks/batch_scoring.py`). {run_conditions(result)}\n",
        "In process, milliseconds per batch (p50 / p99) and applications per second:\n",
        table(["body", "size", "ours", "ours rows/s", "previous", "previous rows/s",
               "previous / ours", "ONNX alone, ms"], rows), "",
    ])  # fmt: skip
    if http_rows:
        markdown += "\n" + "\n".join([
            f"Over HTTP, one `bentoml serve` worker, batches sent back to back; `before` is "
            f"commit `{result.get('before', '?')}` served the same way in turn (p50 / p99 ms, "
            "applications per second at the p50):\n",
            table(["body", "ours", "ours rows/s", "before", "before rows/s", "before / ours"],
                  http_rows), "",
        ])  # fmt: skip
    steps = {kind: figures["steps_ms"] for kind, figures in process.items()}
    names = list(next(iter(steps.values())))
    step_rows = [[name, *[f"{steps[kind][name]['median']:.1f}" for kind in steps]]
                 for name in names]  # fmt: skip
    markdown += "\n" + "\n".join([
        "Where our batch's time goes, each step timed alone (ms, medians):\n",
        table(["step", *[KINDS.get(kind, kind) for kind in steps]], step_rows), "",
        save(figure, out_dir, "batch_scoring"), "",
    ])  # fmt: skip
    targets = []
    for kind, figures in process.items():
        served = http.get("ours", {}).get(kind)
        if served:
            rate = _rate(served["rows"], served["ms"]["median"] / 1e3)
            where = "HTTP, 1 worker"
        else:
            rate = _rate(figures["rows"], figures["calls_ms"]["ours"]["median"] / 1e3)
            where = "in process"
        targets.append(Target(f"/predict_batch of {n:,}, {KINDS.get(kind, kind)} ({where})",
                              f"≥ {target / 1000:.0f}k rows/s per worker",
                              f"{_k(rate)} rows/s", rate >= target))  # fmt: skip
    return Section(markdown, targets)


def file_scoring(result: dict, out_dir: Path) -> Section:
    n, target = result["rows"], result["target_rows_per_s"]
    rows, bars = [], []
    floor = result["floor_onnx_s"]["median"]
    for fmt, figures in result["cli"].items():
        steps = figures["steps_s"]
        total = figures["total_s"]["median"]
        one = figures["total_one_thread_s"]["median"]
        previous = steps["previous"]["median"]
        command = result["command_wall_s"][fmt]
        core = result["endpoint_core_s"][fmt]["median"]
        rows.append([fmt, f"{figures['bytes'] / 1e6:.0f} MB", f"{steps['read 2']['median']:.2f}",
                     f"{steps['score 2']['median']:.2f}", f"{steps['write 2']['median']:.2f}",
                     f"{total:.2f} ({_k(_rate(n, total))}/s)", f"{one:.2f} ({_k(_rate(n, one))}/s)",
                     f"{previous:.2f} ({_k(_rate(n, previous))}/s)",
                     f"{command:.2f} ({_k(_rate(n, command))}/s)",
                     f"{core:.2f} ({_k(_rate(n, core))}/s)"])  # fmt: skip
        bars += [(f"{fmt}: ours, 2 threads", _rate(n, total), OURS),
                 (f"{fmt}: ours, 1 thread", _rate(n, one), THIRD),
                 (f"{fmt}: previous", _rate(n, previous), BASELINE),
                 (f"{fmt}: the command, {n:,} rows (start included)", _rate(n, command),
                  FOURTH)]  # fmt: skip
        largest = max(result.get("command_by_rows_s", {}), key=int, default=None)
        if largest is not None and int(largest) != n:
            wall = result["command_by_rows_s"][largest][fmt]["median"]
            bars.append((f"{fmt}: the command, {int(largest):,} rows (start included)",
                         _rate(int(largest), wall), FOURTH))  # fmt: skip
    bars.append(("ONNX alone (floor)", _rate(n, floor), "#999999"))
    figure, axis = plt.subplots(figsize=(8, 0.35 * len(bars) + 1.2))
    axis.barh([b[0] for b in bars], [b[1] / 1000 for b in bars], color=[b[2] for b in bars])
    axis.axvline(target / 1000, color="black", linestyle="--", linewidth=1)
    axis.invert_yaxis()
    axis.set_xlabel(f"thousand applications per second (dashed: target {target / 1000:.0f}k)")
    markdown = "\n".join([
        f"## File scoring, {n:,} applications\n",
        "`python -m training score` on the workspace's applications repeated to "
        f"{n:,} rows (no history beside the file), in process: reading and checking the file, "
        "scoring it (features and ONNX in chunks on a pool of threads), writing the scores; "
        "the previous implementation (the whole file's features at once, pandas' `to_csv`) "
        "on the same files; the command in a new process (interpreter, imports and model "
        "load included); and /score_file's core (the upload's bytes checked strictly, scored, "
        "each row's inquiry committed, drift counted, the answer written) "
        f"(`benchmarks/file_scoring.py`). ONNX alone on the same rows: {floor:.2f} s. "
        f"{run_conditions(result)}\n",
        "Seconds (medians) and applications per second:\n",
        table(["format", "file", "read", "score", "write", "end to end, 2 threads",
               "1 thread", "previous", "the command", "/score_file's core"], rows), "",
        save(figure, out_dir, "file_scoring"), "",
        *_command_by_rows(result),
    ])  # fmt: skip
    targets = [
        Target(f"file scoring end to end, {fmt} ({n:,} rows, in process, 2 threads)",
               f"≥ {target / 1000:.0f}k rows/s",
               f"{_k(_rate(n, figures['total_s']['median']))} rows/s",
               _rate(n, figures["total_s"]["median"]) >= target)
        for fmt, figures in result["cli"].items()
    ]  # fmt: skip
    by_rows = result.get("command_by_rows_s", {})
    if by_rows:
        size = max(by_rows, key=int)
        targets += [
            Target(f"file scoring, the command in a new process, {fmt} ({int(size):,} rows)",
                   f"≥ {target / 1000:.0f}k rows/s", f"{_k(_rate(int(size), wall))} rows/s",
                   _rate(int(size), wall) >= target)
            for fmt, wall in ((f, w["median"]) for f, w in by_rows[size].items())
        ]  # fmt: skip
    return Section(markdown, targets)


def _command_by_rows(result: dict) -> list[str]:
    """The command as a user runs it, by file size: what its start costs, paid once a file."""
    by_rows = result.get("command_by_rows_s", {})
    if len(by_rows) < 2:
        return []
    sizes = sorted(by_rows, key=int)
    formats = list(by_rows[sizes[0]])
    rows = [[f"{int(size):,}", *[f"{by_rows[size][fmt]['median']:.2f} "
                                 f"({_k(_rate(int(size), by_rows[size][fmt]['median']))}/s)"
                                 for fmt in formats]] for size in sizes]  # fmt: skip
    small, large = sizes[0], sizes[-1]
    # Two sizes give the fixed cost: wall = start + rows / rate.
    start = {fmt: (int(large) * by_rows[small][fmt]["median"]
                   - int(small) * by_rows[large][fmt]["median"]) / (int(large) - int(small))
             for fmt in formats}  # fmt: skip
    return [
        "The command in a new process, by file size (seconds, medians of 3 or more runs, and "
        "applications per second). Its start, the interpreter, the imports and the model's "
        "lookup, is paid once a file: from the two sizes, about "
        + ", ".join(f"{start[fmt]:.2f} s ({fmt})" for fmt in formats)
        + ", so the throughput approaches the in-process figure as the file grows:\n",
        table(["rows", *[f"the command, {fmt}" for fmt in formats]], rows),
        "",
    ]
