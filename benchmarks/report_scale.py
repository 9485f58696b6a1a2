"""Report section of features and batch scoring against scale, in memory and on Dask, up to
10× the Kaggle scale (``benchmarks/dask_scale.py``).

The 10× run (``dask_scale.py --ten-x``, about 8 minutes once its data is generated) writes a
file of its own, ``dask_scale_10x.json``, that ``make bench`` produces but ``make bench
QUICK=1`` does not: the section reads it when it is there and says how to produce it when it
is not. The in-memory path was never run at 10×;
its figures there are extrapolated from the largest scale measured, and marked as such.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import matplotlib.pyplot as plt
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

from benchmarks.common import RAW, results_path
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

TITLE = "## Scale: in memory and on Dask, up to 10×"
KAGGLE_CLIENTS = 307_511  # labelled clients of the Kaggle data: scale 1×
TEN_X_RESULT = "dask_scale_10x"
MEMORY_STEPS = ("features_memory", "features_memory_parquet", "score_memory")
DASK_STEPS = ("features_dask", "score_dask")
COLUMNS = {
    "features_memory": "features in memory, CSV",
    "features_memory_parquet": "features in memory, Parquet",
    "features_dask": "**features on Dask**",
    "score_memory": "scoring in memory, CSV",
    "score_dask": "**scoring on Dask**",
}
LINES = {
    "features_memory": ("features, in memory (CSV)", BASELINE, "o-"),
    "features_dask": ("features, Dask", OURS, "o-"),
    "score_memory": ("scoring, in memory (CSV)", BASELINE, "s--"),
    "score_dask": ("scoring, Dask", OURS, "s--"),
}
TARGET_NAMES = {"features_dask": "features", "score_dask": "batch scores"}
IN_MEMORY = {"features_dask": "features_memory", "score_dask": "score_memory"}


def _wall(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.1f} s"
    whole = round(seconds)
    return f"{whole // 60} min {whole % 60:02d} s"


def _gib(mib: float) -> float:
    return mib / 1024


def _cell(stage: dict | None) -> str:
    """``wall / peak`` of one step, or a dash when the run did not hold it."""
    return (
        "–" if stage is None else f"{_wall(stage['wall_s'])} / {_gib(stage['peak_rss_mb']):.1f} GiB"
    )


def _scale(clients: int) -> str:
    return f"{clients / KAGGLE_CLIENTS:.2g}×"


def _busy(result: dict, what: str) -> str:
    """A sentence when the 1-minute load average exceeded the cores during the run."""
    machine = result.get("machine", {})
    loads = [
        machine[k][0] for k in ("load_average_at_start", "load_average_at_end") if k in machine
    ]
    cpus = machine.get("cpus")
    if not loads or not cpus or max(loads) <= cpus:
        return ""
    return (
        f"{what} shared the machine with other work (more runnable processes than its {cpus} "
        "cores), so its times are those of a busy machine; on free cores they are shorter."
    )


def dask_scale(result: dict, out_dir: Path) -> Section:
    """The section, with the measured 10× run when its results lie beside ``result``."""
    path = results_path(TEN_X_RESULT, quick=out_dir == RAW)
    ten_x = json.loads(path.read_text()) if path.is_file() else None
    return scale_section(result, ten_x, out_dir)


def scale_section(result: dict, ten_x_result: dict | None, out_dir: Path) -> Section:
    """Table, plot and targets of ``dask_scale.json`` and, if given, ``dask_scale_10x.json``."""
    scales = sorted(result["scales"], key=lambda r: r["clients"])
    if not scales:
        return Section(f"{TITLE}\n\nNo scale measured in `dask_scale.json`: run `make bench`.\n")
    largest = scales[-1]
    ten_x = ten_x_result["ten_x"] if ten_x_result else None
    rows = [
        [_scale(r["clients"]), f"{r['clients']:,}", f"{r['history_rows'] / 1e6:.1f} M",
         r["partitions"], *[_cell(r["stages"].get(s)) for s in COLUMNS],
         f"`partition`: {_cell(r['stages'].get('partition'))}",
         f"{r['csv_bytes'] / 1e9:.2f} / {r['parquet_bytes'] / 1e9:.2f} GB"]
        for r in scales
    ]  # fmt: skip
    parts = [
        f"{TITLE}\n",
        "Features of every labelled client and batch scores of every test application, each "
        "step a process of its own: **in memory** (the whole data set in one process, read "
        "from the CSV files or from one Parquet partition) and **on Dask** (the "
        "client-partitioned Parquet layout, on the local cluster's default of one "
        f"single-threaded worker per core, {result['machine']['cpus']} here). Peak memory is "
        "the largest sum of the resident sets of the whole process tree (client, scheduler, "
        "nannies, workers), polled every 0.1 s: shared pages count once per process, which "
        "overstates Dask a little. `partition` rewrites the CSV files as partitioned Parquet, "
        f"once (`benchmarks/dask_scale.py`; [docs/scaling.md](../../docs/scaling.md)). "
        f"{run_conditions(result)} {_busy(result, 'This run')}".rstrip()
        + "\n",
    ]
    targets: list[Target] = []
    if ten_x_result is not None and ten_x is not None:
        factor = ten_x["clients"] / largest["clients"]
        extrapolated = {s: _gib(largest["stages"][s]["peak_rss_mb"]) * factor
                        for s in MEMORY_STEPS if s in largest["stages"]}  # fmt: skip
        stages = ten_x["stages"]
        rows.append([
            f"**{_scale(ten_x['clients'])}**", f"{ten_x['clients']:,}",
            f"{ten_x['history_rows'] / 1e6:.1f} M", ten_x["partitions"],
            *[_ten_x_cell(step, stages, extrapolated) for step in COLUMNS],
            f"generated: {_cell(stages.get('generate'))}",
            f"≈ {largest['csv_bytes'] * factor / 1e9:.1f} GB† (not written) / "
            f"{ten_x['parquet_bytes'] / 1e9:.2f} GB",
        ])  # fmt: skip
        parts += [_table(rows), "", _footnote(scales, factor), ""]
        parts += _ten_x_text(result, ten_x_result)
        targets = _targets(ten_x, largest)
    else:
        parts += [_table(rows), "", _absent(result), ""]
    parts += [_plot(scales, ten_x, out_dir), ""]
    return Section("\n".join(parts), targets)


def _targets(ten_x: dict, largest: dict) -> list[Target]:
    """Each 10× Dask step completed, with less memory than the in-memory path at the largest
    scale it ran: out of core."""
    targets = []
    scale = _scale(largest["clients"])
    for step, name in TARGET_NAMES.items():
        memory_step = IN_MEMORY[step]
        if step not in ten_x["stages"] or memory_step not in largest["stages"]:
            continue
        peak = _gib(ten_x["stages"][step]["peak_rss_mb"])
        in_memory = _gib(largest["stages"][memory_step]["peak_rss_mb"])
        rows = ten_x["rows"]["application_train" if step == "features_dask" else "application_test"]
        targets.append(Target(
            f"10× {name} on Dask ({rows:,} applications)",
            f"complete out of core: peak below the {scale} in-memory peak",
            f"{_wall(ten_x['stages'][step]['wall_s'])}, peak {peak:.1f} GiB "
            f"(in memory at {scale}: {in_memory:.1f} GiB)",
            peak < in_memory))  # fmt: skip
    return targets


def _ten_x_cell(step: str, stages: dict, extrapolated: dict[str, float]) -> str:
    """A measured Dask step in bold, or why the in-memory step was not run."""
    if step in DASK_STEPS:
        return f"**{_cell(stages.get(step))}**"
    if step in extrapolated:
        return f"not run: would need ≈ {extrapolated[step]:.0f} GiB†"
    return "not run"


def _table(rows: list[list[object]]) -> str:
    header = ["scale (× Kaggle)", "labelled clients", "history rows", "partitions",
              *[f"{name}: wall / peak" for name in COLUMNS.values()],
              "Parquet layout written: wall / peak", "disk: CSV / Parquet"]  # fmt: skip
    return table(header, rows)


def _footnote(scales: list[dict], factor: float) -> str:
    """How the in-memory 10× figures were extrapolated, with the growth they assume."""
    largest = scales[-1]
    note = (
        "† **Extrapolated, not measured.** The in-memory path was not run at 10×: it holds "
        "the whole data set in one process, so its peak grows with the data, and it would need "
        "several times this machine's memory ([docs/scaling.md](../../docs/scaling.md)). The "
        f"figures are {factor:.0f} × those measured at {largest['clients']:,} clients (memory, "
        "and CSV on disk). "
    )
    if len(scales) > 1 and "features_memory" in scales[-2]["stages"]:
        before = scales[-2]
        growth = math.log(
            largest["stages"]["features_memory"]["peak_rss_mb"]
            / before["stages"]["features_memory"]["peak_rss_mb"]
        ) / math.log(largest["clients"] / before["clients"])
        note += (
            f"From {before['clients']:,} to {largest['clients']:,} clients the in-memory "
            f"features' peak grew as clients^{growth:.2f} (1 is linear), so scaling in "
            f"proportion is, if anything, a little {'high' if growth < 1 else 'low'}. "
        )
    return note + "Every figure on Dask at 10× was measured, each step run to the end."


def _ten_x_text(result: dict, ten_x_result: dict) -> list[str]:
    """What the 10× run did, on what code and load, and the estimate made before it."""
    ten_x = ten_x_result["ten_x"]
    stages = ten_x["stages"]
    text = [
        f"**10×, measured** (`dask_scale.py --ten-x`, `dask_scale_10x.json`): "
        f"{ten_x['rows']['application_train']:,} labelled clients and "
        f"{ten_x['rows']['application_test']:,} applications to score, "
        f"{ten_x['history_rows']:,} history rows in {ten_x['partitions']} partitions, generated "
        "partition by partition, then features and batch scores on the local cluster. The "
        f"features written take {ten_x['features_bytes'] / 1e9:.2f} GB. The largest single "
        f"process peaked at {_gib(stages['features_dask']['max_rss_mb']):.1f} GiB for features "
        f"and {_gib(stages['score_dask']['max_rss_mb']):.1f} GiB for scores: one partition per "
        f"worker, whatever the scale. {run_conditions(ten_x_result)} "
        f"{_busy(ten_x_result, 'The 10× run')}".rstrip()
        + "\n",
    ]
    if stages["generate"].get("reused"):
        text.append("The generation's figures are those of the run that generated the data; "
                    "later runs reuse it.\n")  # fmt: skip
    trained = stages.get("train_sample")
    if trained:
        text.append(
            f"**Training at 10×**: `train --sample {trained['sample']:g}` (docs/scaling.md) "
            f"drew {trained['clients']:,} labelled clients, built their features on the cluster "
            f"and ran the unchanged pipeline (selection, cross-validation, ONNX export and "
            f"parity, TreeSHAP and additivity, card): {_cell(trained)}, holdout ROC AUC "
            f"{trained['holdout_roc_auc']:.4f} (out of fold {trained['oof_roc_auc']:.4f}).\n"
        )
    estimate = result.get("estimate_10x")
    if estimate and estimate.get("clients") == ten_x["clients"]:
        pairs = [
            ("generation", _wall(estimate["generate_s"]), _wall(stages["generate"]["wall_s"])),
            *[(name, _wall(estimate[f"{step}_s"]), _wall(stages[step]["wall_s"]))
              for step, name in TARGET_NAMES.items() if f"{step}_s" in estimate],
            ("Parquet on disk", f"{estimate['disk_bytes'] / 1e9:.2f} GB",
             f"{ten_x['parquet_bytes'] / 1e9:.2f} GB"),
            ("history rows", f"{estimate['history_rows'] / 1e6:.1f} M",
             f"{ten_x['history_rows'] / 1e6:.1f} M"),
        ]  # fmt: skip
        text += [
            f"The estimate `dask_scale.py` made before the 10× run ({estimate['basis']}), "
            "against the measure:\n",
            table(["10×", "estimated", "measured"], [list(p) for p in pairs]),
            "",
        ]
    return text


def _absent(result: dict) -> str:
    """How to produce the 10× figures, which this report does not have."""
    estimate = result.get("estimate_10x") or {}
    cost = ""
    if {"generate_s", "features_dask_s", "score_dask_s", "disk_bytes"} <= estimate.keys():
        total = estimate["generate_s"] + estimate["features_dask_s"] + estimate["score_dask_s"]
        cost = (
            f"; estimated at about {total / 60:.0f} min and {estimate['disk_bytes'] / 1e9:.1f} GB "
            "of Parquet on this machine"
        )
    clients = estimate.get("clients", 10 * KAGGLE_CLIENTS)
    return (
        f"**10× not measured here**: `dask_scale_10x.json` is absent. `make bench QUICK=1` "
        f"does not run it; produce it with `make bench` or "
        f"`.venv/bin/python benchmarks/dask_scale.py --ten-x` "
        f"({clients:,} clients, Dask only{cost}), then rebuild this page."
    )


def _plot(scales: list[dict], ten_x: dict | None, out_dir: Path) -> str:
    """Wall time, peak memory and disk against clients: in memory vs Dask, 10× included (the
    in-memory path's 10× memory and CSV size as hollow markers on dotted lines: extrapolated)."""
    largest = scales[-1]
    clients = [r["clients"] for r in scales]
    figure, axes = plt.subplots(1, 3, figsize=(13, 5))
    for stage, (label, colour, style) in LINES.items():
        x = list(clients)
        wall = [r["stages"][stage]["wall_s"] for r in scales]
        memory = [_gib(r["stages"][stage]["peak_rss_mb"]) for r in scales]
        if ten_x is not None and stage in ten_x["stages"]:
            x.append(ten_x["clients"])
            wall.append(ten_x["stages"][stage]["wall_s"])
            memory.append(_gib(ten_x["stages"][stage]["peak_rss_mb"]))
        axes[0].plot(x, wall, style, color=colour, label=label)
        axes[1].plot(x, memory, style, color=colour, label=label)
        if ten_x is not None and stage in MEMORY_STEPS:
            peak, name = _gib(largest["stages"][stage]["peak_rss_mb"]), label.split(",")[0]
            _extrapolated(axes[1], largest["clients"], peak, ten_x["clients"], colour, style[0],
                          f"{name} in memory at 10×: extrapolated")  # fmt: skip
    axes[2].plot(clients, [r["csv_bytes"] / 1e9 for r in scales], "o-", color=THIRD, label="CSV")
    ticks = clients + ([ten_x["clients"]] if ten_x else [])
    parquet = [r["parquet_bytes"] / 1e9 for r in scales]
    parquet += [ten_x["parquet_bytes"] / 1e9] if ten_x else []
    axes[2].plot(ticks, parquet, "o-", color=FOURTH, label="partitioned Parquet")
    if ten_x is not None:
        _extrapolated(axes[2], largest["clients"], largest["csv_bytes"] / 1e9, ten_x["clients"],
                      THIRD, "o", "CSV at 10×: extrapolated, not written")  # fmt: skip
        axes[0].set_title("10×: Dask only (in memory: not run)", fontsize=9)
        axes[1].set_title("hollow markers: extrapolated, not measured", fontsize=9)
    labels = ("wall time (s)", "peak memory, sum of processes (GiB)", "disk (GB)")
    for axis, ylabel in zip(axes, labels, strict=True):
        axis.set(xscale="log", yscale="log", xlabel="labelled clients (scale × Kaggle)")
        axis.set_ylabel(ylabel)
        axis.set_xticks(ticks, [f"{c:,}\n({_scale(c)})" for c in ticks])
        axis.tick_params(axis="x", labelsize=8)
        axis.xaxis.set_minor_formatter(NullFormatter())
        axis.yaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
        axis.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
        axis.yaxis.set_minor_formatter(NullFormatter())
        axis.grid(True, which="major", alpha=0.3)
        axis.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.25), ncol=2,
                    frameon=False)  # fmt: skip
    return save(figure, out_dir, "dask_scale")


def _extrapolated(axis: plt.Axes, x: float, y: float, to: float, colour: str, marker: str,
                  label: str) -> None:  # fmt: skip
    """A dotted line from the last measure to its value scaled in proportion at ``to``, with a
    hollow marker there."""
    axis.plot([x, to], [y, y * to / x], ":", color=colour, marker=marker, markevery=[1],
              markerfacecolor="white", label=label)  # fmt: skip
