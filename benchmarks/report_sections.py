"""One section of the benchmark report per benchmark: its table, plot and targets.

Each renderer takes the benchmark's JSON and the output folder (for its PNG) and returns a
:class:`Section`. The targets are the issue's, checked against the figures the benchmark
measured; a missed target stays in the report with the size of the miss.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import matplotlib.pyplot as plt
from matplotlib.ticker import NullFormatter

from benchmarks import report_batch, report_http, report_lifecycle, report_records, report_scale
from benchmarks import report_speed as speed
from benchmarks.report_parts import BASELINE, FOURTH, OURS, THIRD, Section, Target, save, table
from benchmarks.report_start import dashboard_start


def features(result: dict, out_dir: Path) -> Section:
    engines = result["batch_installments_bureau_s"]
    online = result["online_us"]
    figure, axis = plt.subplots(figsize=(6, 2.6))
    names = list(engines)
    axis.barh(names, [engines[n] for n in names], color=[OURS, THIRD, FOURTH][: len(names)])
    axis.set_xlabel("seconds (installments + bureau aggregations, lower is better)")
    for y, name in enumerate(names):
        axis.text(engines[name], y, f" {engines[name]:.1f} s", va="center")
    axis.set_xlim(0, max(engines.values()) * 1.25)
    clients = result["rows"]["application_train"]
    rows = [[n, f"{engines[n]:.1f} s", f"{engines[n] / engines['numpy']:.1f}×"] for n in names]
    markdown = "\n".join([
        "## Feature engineering\n",
        f"Batch aggregations of the two largest history tables for {clients:,} clients "
        f"({sum(result['rows'].values()):,} rows), the same features in each engine "
        "(`benchmarks/feature_engine.py`):\n",
        table(["engine", "time", "vs numpy"], rows), "",
        save(figure, out_dir, "feature_engines"), "",
        "All 546 features for every client: "
        f"{result['batch_all_features_s']['build_batch']:.1f} s.\n",
        "**Online features** (one raw application into its feature vector): "
        f"{online['no_history']['median_us']:.0f} µs median without history "
        f"(p99 {online['no_history']['p99_us']:.0f} µs), "
        f"{online['history']['median_us'] / 1000:.2f} ms with a typical history "
        f"(p99 {online['history']['p99_us'] / 1000:.2f} ms).\n",
    ])  # fmt: skip
    return Section(markdown)


DASHBOARD_MEASURES = {
    "render_new_tab": "first render (new tab)",
    "render_cold_cache": "first render, server cache cold",
    "switch_typed_id": "client switch (typed id)",
    "switch_recent_client": "client switch (recent list)",
    "peer_characteristic_new_pair": "peer plot: new characteristic",
    "peer_characteristic_seen_pair": "peer plot: characteristic seen before",
    "peer_reference_group": "peer plot: reference group",
}


def dashboard(result: dict, out_dir: Path) -> Section:
    summary = result["summary_s"]
    shown = [k for k in DASHBOARD_MEASURES if k in summary]
    figure, axis = plt.subplots(figsize=(7, 3.2))
    medians = [summary[k]["median"] for k in shown]
    spread = [summary[k]["p90"] - summary[k]["median"] for k in shown]
    labels = [DASHBOARD_MEASURES[k] for k in shown]
    axis.barh(labels, medians, xerr=[[0] * len(shown), spread], color=OURS, capsize=3)
    for y, key in enumerate(shown):
        if summary[key]["target"]:
            axis.plot([summary[key]["target"]] * 2, [y - 0.4, y + 0.4], color=BASELINE, lw=2)
    axis.invert_yaxis()
    axis.set_xlabel("seconds in headless Chromium (median, bar to p90; target in orange)")
    rows, targets = [], []
    for key in shown:
        s = summary[key]
        rows.append([DASHBOARD_MEASURES[key], f"{s['median']:.2f} s", f"{s['p90']:.2f} s",
                     f"< {s['target']:g} s" if s["target"] else "", s["n"]])  # fmt: skip
        if s["target"] and key != "peer_characteristic_seen_pair":
            targets.append(Target(f"dashboard: {DASHBOARD_MEASURES[key]}", f"< {s['target']:g} s",
                                  f"{s['median']:.2f} s (p90 {s['p90']:.2f})",
                                  s["median"] < s["target"]))  # fmt: skip
    keystroke = result.get("dashboard_python_alone_s", {}).get("id_search_keystroke")
    if keystroke:  # timed in process, over every ID of the portfolio (absent from old runs)
        median, p90 = keystroke["median"] * 1e6, keystroke["p90"] * 1e6
        figure_us = f"{median:.0f} µs (p90 {p90:.0f} µs)"
        targets.append(Target("dashboard: ID search per keystroke", "< 5 ms", figure_us, p90 < 5e3))
    markdown = "\n".join([
        "## Advisor dashboard\n",
        f"A real `bentoml serve` and `python -m dashboard` with {result['portfolio_clients']:,} "
        "clients, driven by headless Chromium; times in the page's own clock until the "
        "verdict shows or the plot is drawn (`benchmarks/dashboard_speed.py`).\n",
        table(["measure", "median", "p90", "target", "runs"], rows), "",
        save(figure, out_dir, "dashboard_speed"), "",
    ])  # fmt: skip
    return Section(markdown, targets)


FULL_SCALE_CLIENTS = 307_511
FEW_MINUTES_S = 300  # "full-scale features and training each within a few minutes"
STAGES = {"generate": OURS, "features": THIRD, "train": BASELINE}


def _duration(seconds: float) -> str:
    return (
        f"{seconds:.0f} s" if seconds < 120 else f"{seconds // 60:.0f} min {seconds % 60:02.0f} s"
    )


def _count(value: float) -> str:
    """20,000 or 63.9 M: a tick label that fits."""
    return f"{value / 1e6:.1f} M" if value >= 1e6 else f"{value:,.0f}"


def pipeline_scale(result: dict, out_dir: Path) -> Section:
    scales = sorted(result["scales"], key=lambda r: r["clients"])
    figure, axes = plt.subplots(1, 3, figsize=(11, 3.4))
    for stage, colour in STAGES.items():
        clients = [r["clients"] for r in scales]
        history = [r["history_rows"] for r in scales]
        wall = [r["stages"][stage]["wall_s"] for r in scales]
        memory = [r["stages"][stage]["peak_rss_mb"] / 1024 for r in scales]
        axes[0].plot(clients, wall, "o-", color=colour, label=stage)
        axes[1].plot(history, wall, "o-", color=colour, label=stage)
        axes[2].plot(clients, memory, "o-", color=colour, label=stage)
    ticks = {"clients": [r["clients"] for r in scales],
             "history rows": [r["history_rows"] for r in scales]}  # fmt: skip
    for axis, xlabel, ylabel in zip(axes, ["clients", "history rows", "clients"],
                                    ["wall time (s)", "wall time (s)", "peak memory (GiB)"],
                                    strict=True):  # fmt: skip
        axis.set(xscale="log", yscale="log", xlabel=xlabel, ylabel=ylabel)
        # The scales measured as the only labels: log axes' minor labels overlap here.
        axis.set_xticks(ticks[xlabel], [_count(v) for v in ticks[xlabel]])
        axis.xaxis.set_minor_formatter(NullFormatter())
        axis.legend(fontsize=7)
    rows = []
    for r in scales:
        st = r["stages"]
        rows.append([f"{r['clients']:,}", f"{r['history_rows']:,}",
                     f"{r['bytes_on_disk'] / 1e9:.2f} GB",
                     *[f"{_duration(st[s]['wall_s'])} / {st[s]['peak_rss_mb'] / 1024:.1f} GiB"
                       + ("*" if st[s].get("reused") else "") for s in STAGES]])  # fmt: skip
    largest = scales[-1]
    train = largest["stages"]["train"]
    growth = [[stage, *[f"{g['exponent']:.2f} ({g['from']:,} → {g['to']:,})"
                        for g in result["growth"][stage]["wall_s"]]]
              for stage in STAGES]  # fmt: skip
    markdown = "\n".join([
        "## Pipeline at scale\n",
        "Generation, feature building (loading the CSV files included) and training "
        "(5-fold cross-validation, refit, ONNX export, explainer, evaluation, store), each in "
        "a process of its own; peak memory is that process's maximum resident set "
        "(`benchmarks/pipeline_scale.py`).\n",
        table(["clients", "history rows", "CSV on disk", *[f"{s}: wall / peak" for s in STAGES]],
              rows), "",
        "\\* measured by an earlier run whose data this run reused (it was not regenerated).\n"
        if any(r["stages"]["generate"].get("reused") for r in scales) else "",
        save(figure, out_dir, "pipeline_scale"), "",
        "Growth exponent of wall time between scales (1 = linear in clients):\n",
        table(["stage", *[f"step {i + 1}" for i in range(len(scales) - 1)]], growth), "",
        f"Where training's time goes at {largest['clients']:,} clients "
        f"(ROC AUC out-of-fold {train['roc_auc_oof']:.4f}, holdout "
        f"{train['roc_auc_holdout']:.4f}); CPU above wall time is both cores at work, a load "
        "above 2 means other work competed with the step:\n",
        table(["step", "wall s", "CPU s", "load (1 min)"], _step_rows(train)), "",
    ])  # fmt: skip
    targets = []
    full = next((r for r in scales if r["clients"] >= FULL_SCALE_CLIENTS), None)
    if full:
        for stage in ("features", "train"):
            wall = full["stages"][stage]["wall_s"]
            targets.append(Target(f"full-scale {stage} ({full['clients']:,} clients)",
                                  "a few minutes (≤ 5 min)", _duration(wall),
                                  wall <= FEW_MINUTES_S))  # fmt: skip
    return Section(markdown, targets)


def _step_rows(train: dict) -> list[list[str]]:
    """Each training step's wall and CPU seconds and the load average at its end."""
    cpu, load = train.get("steps_cpu_s", {}), train.get("steps_load_1m", {})
    return [
        [step, f"{wall:.1f}", f"{cpu[step]:.1f}" if step in cpu else "",
         f"{load[step]:.1f}" if step in load else ""]
        for step, wall in train.get("steps_s", {}).items()
    ]  # fmt: skip


Renderer = Callable[[dict, Path], Section]
SECTIONS: list[tuple[str, Renderer]] = [
    ("feature_engine", features),
    ("model_call", speed.model_call),
    ("explain_call", speed.explain_call),
    ("http_load", report_http.http_load),
    ("inquiry_cost", report_records.inquiry_cost),
    ("shadow_cost", report_lifecycle.shadow_cost),
    ("decisions_load", report_records.decisions_load),
    ("request_profile", speed.request_profile),
    ("batch_scoring", report_batch.batch_scoring),
    ("file_scoring", report_batch.file_scoring),
    ("pipeline_scale", pipeline_scale),
    ("dask_scale", report_scale.dask_scale),
    ("dashboard_speed", dashboard),
    ("dashboard_start", dashboard_start),
]
