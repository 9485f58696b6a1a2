"""One section of the benchmark report per benchmark: its table, plot and targets.

Each renderer takes the benchmark's JSON and the output folder (for its PNG) and returns a
:class:`Section`. The targets are the issue's, checked against the figures the benchmark
measured; a missed target stays in the report with the size of the miss.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib.pyplot as plt

# Okabe-Ito colours, as in the dashboard: distinguishable with every common colour deficiency.
OURS, BASELINE, THIRD, FOURTH = "#0072B2", "#D55E00", "#009E73", "#CC79A7"


@dataclass(frozen=True)
class Target:
    """A promise and what was measured against it."""

    what: str
    goal: str
    measured: str
    met: bool


@dataclass(frozen=True)
class Section:
    """Markdown of one benchmark (with its image links) and the targets it checks."""

    markdown: str
    targets: list[Target] = field(default_factory=list)

    @classmethod
    def missing(cls, name: str) -> Section:
        return cls(f"## {name}\n\nNot run: no results file. Run `make bench`.\n")


def table(header: list[str], rows: list[list[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def save(figure: plt.Figure, out_dir: Path, name: str) -> str:
    """Save a plot beside the report; return its Markdown image link."""
    figure.tight_layout()
    figure.savefig(out_dir / f"{name}.png", dpi=110)
    plt.close(figure)
    return f"![{name}]({name}.png)"


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
    markdown = "\n".join([
        "## Advisor dashboard\n",
        f"A real `bentoml serve` and `python -m dashboard` with {result['portfolio_clients']:,} "
        "clients, driven by headless Chromium; times in the page's own clock until the "
        "verdict shows or the plot is drawn (`benchmarks/dashboard_speed.py`).\n",
        table(["measure", "median", "p90", "target", "runs"], rows), "",
        save(figure, out_dir, "dashboard_speed"), "",
    ])  # fmt: skip
    return Section(markdown, targets)


SERVED_ONNX = {"threads": 1, "spinning": False, "optimisation": "ORT_ENABLE_ALL",
               "mode": "ORT_SEQUENTIAL", "memory_arena": True}  # fmt: skip
MODEL_CALLS = {  # report label: (method, options) as model_call.py records them
    "served path (`CreditModel.predict_proba`)": (
        "CreditModel.predict_proba (served path)", SERVED_ONNX),
    "ONNX Runtime `session.run`": ("onnxruntime session.run", SERVED_ONNX),
    "LightGBM Booster on numpy, 1 thread": ("lightgbm Booster.predict (numpy)", {"num_threads": 1}),
    "scikit-learn on a DataFrame (usual habit)": (
        "sklearn predict_proba (DataFrame)", {"frame": "prebuilt", "n_jobs": None}),
    "scikit-learn on a DataFrame, 1 thread": (
        "sklearn predict_proba (DataFrame)", {"frame": "prebuilt", "num_threads": 1}),
}  # fmt: skip


def _find(measurements: list[dict], method: str, options: dict, rows: int) -> dict | None:
    return next((m for m in measurements if m["method"] == method and m["options"] == options
                 and m["rows"] == rows), None)  # fmt: skip


def _us(value: float) -> str:
    return f"{value:,.1f} µs" if value < 1000 else f"{value / 1000:,.2f} ms"


def model_call(result: dict, out_dir: Path) -> Section:
    measurements, trees = result["measurements"], result["model"]["trees"]
    sizes = sorted({m["rows"] for m in measurements})
    rows, figure = [], plt.figure(figsize=(6.5, 3.6))
    axis = figure.gca()
    for (label, (method, options)), colour in zip(
        MODEL_CALLS.items(), [OURS, THIRD, FOURTH, BASELINE, "#E69F00"], strict=True
    ):
        found = [_find(measurements, method, options, n) for n in sizes]
        cells = [
            f"{_us(m['median_us'])} ({m['us_per_row']:,.2f} µs/row)" if m else "" for m in found
        ]
        one = found[0]
        rows.append([label, *cells, f"{one['us_per_tree_row']:.3f}" if one else ""])
        points = [(n, m["us_per_row"]) for n, m in zip(sizes, found, strict=True) if m]
        axis.plot(*zip(*points, strict=True), "o-", color=colour, label=label.replace("`", ""))
    axis.set(xscale="log", yscale="log", xlabel="rows per call", ylabel="µs per row (median)")
    axis.legend(fontsize=7)
    options_rows = [
        [m["options"]["threads"], "on" if m["options"]["spinning"] else "off",
         m["options"]["optimisation"], m["options"]["mode"], m["options"]["memory_arena"],
         _us(m["median_us"]), _us(m["p99_us"])]
        for m in measurements if m["method"] == "onnxruntime session.run" and m["rows"] == 1
    ]  # fmt: skip
    target = result["target"]
    sklearn_one = _find(measurements, *MODEL_CALLS["scikit-learn on a DataFrame (usual habit)"], 1)
    served_one = _find(measurements, *MODEL_CALLS["served path (`CreditModel.predict_proba`)"], 1)
    single = _find(measurements, *MODEL_CALLS["scikit-learn on a DataFrame, 1 thread"], 1)
    floor = single["median_us"] / served_one["median_us"]
    markdown = "\n".join([
        "## Model call, in process\n",
        f"The served model ({trees} trees, {result['model']['features']} features) on real "
        "application rows of the benchmark data turned into features; median of repeated "
        "calls (`benchmarks/model_call.py`).\n",
        table(["method", *[f"{n:,} row(s)" for n in sizes], "µs per tree per row (1 row)"], rows),
        "", save(figure, out_dir, "model_call"), "",
        f"One row: the served call is **{target['served_speedup']:,.0f}×** faster than "
        f"scikit-learn on a one-row DataFrame (its default threads), and {floor:,.0f}× "
        "faster than scikit-learn pinned to one thread, its best case here. The usual "
        "habit's default OpenMP threads wait for each other on 2 busy cores.\n",
        "ONNX Runtime session options for one row (the service uses 1 thread, no spinning: "
        "equal to the best within noise, and it never burns a core between requests):\n",
        table(["threads", "spinning", "graph optimisation", "mode", "arena", "median", "p99"],
              options_rows), "",
    ])  # fmt: skip
    met = served_one["median_us"] * 20 <= sklearn_one["median_us"]
    return Section(markdown, [Target(
        "ONNX single-row call vs scikit-learn on a one-row DataFrame", "≥ 20× faster",
        f"{target['served_speedup']:,.0f}× ({_us(served_one['median_us'])} vs "
        f"{_us(sklearn_one['median_us'])})", met)])  # fmt: skip


def explain_call(result: dict, out_dir: Path) -> Section:
    measurements = result["measurements"]
    served_trees = result["model"]["model_trees"]
    methods = {
        "ours (served explainer)": ("ours: ", OURS),
        "shap.TreeExplainer reused": ("shap.TreeExplainer reused", THIRD),
        "shap.TreeExplainer built per call (usual habit)": (
            "shap.TreeExplainer per call",
            BASELINE,
        ),
    }
    sizes = sorted({m["rows"] for m in measurements if m["model_trees"] == served_trees})
    rows = []
    for label, (prefix, _) in methods.items():
        found = [next((m for m in measurements if m["method"].startswith(prefix)
                       and m["rows"] == n and m["model_trees"] == served_trees), None)
                 for n in sizes]  # fmt: skip
        rows.append([label, *[_us(m["median_us"]) if m else "" for m in found]])
    figure, axis = plt.subplots(figsize=(6.5, 3.4))
    for label, (prefix, colour) in methods.items():
        points = sorted((m["trees_leaves_depth"], m["median_us"]) for m in measurements
                        if m["method"].startswith(prefix) and m["rows"] == 1)  # fmt: skip
        axis.plot(*zip(*points, strict=True), "o-", color=colour, label=label)
    axis.set(xscale="log", yscale="log", xlabel="model size: trees × leaves × depth",
             ylabel="µs for one row (median)")  # fmt: skip
    axis.legend(fontsize=7)
    sizes_rows = sorted({(m["model_trees"], m["model_leaves"], m["model_max_depth"],
                          m["trees_leaves_depth"]) for m in measurements})  # fmt: skip
    one = {label: next(m for m in measurements if m["method"].startswith(prefix)
                       and m["rows"] == 1 and m["model_trees"] == served_trees)
           for label, (prefix, _) in methods.items()}  # fmt: skip
    ours, per_call = one["ours (served explainer)"], one[list(methods)[2]]
    markdown = "\n".join([
        "## Explanation (TreeSHAP), in process\n",
        "Our explainer against `shap.TreeExplainer` on the same LightGBM model; both give "
        "the same contributions (largest difference "
        f"{max(a['contributions'] for a in result['agreement_max_abs_diff'].values()):.1g}), "
        "since shap calls LightGBM's own TreeSHAP for LightGBM models. The difference is "
        "what surrounds it: shap dumps and parses every tree when an explainer is built, "
        "and uses every core (`benchmarks/explain_call.py`).\n",
        f"Served model ({served_trees} trees), median time per call:\n",
        table(["explainer", *[f"{n:,} row(s)" for n in sizes]], rows), "",
        "Against model size (one row; extra models trained on the same data):\n",
        table(["trees", "leaves", "max depth", "trees × leaves × depth"],
              [[t, f"{leaves:,}", d, f"{size:,}"] for t, leaves, d, size in sizes_rows]), "",
        save(figure, out_dir, "explain_call"), "",
        f"One row on the served model: ours {_us(ours['median_us'])} "
        f"({ours['us_per_tree_row']:.2f} µs per tree), "
        f"**{per_call['median_us'] / ours['median_us']:,.0f}×** faster than an explainer "
        "built per request.\n",
    ])  # fmt: skip
    return Section(markdown)


FULL_SCALE_CLIENTS = 307_511
FEW_MINUTES_S = 300  # "full-scale features and training each within a few minutes"
STAGES = {"generate": OURS, "features": THIRD, "train": BASELINE}


def _duration(seconds: float) -> str:
    return (
        f"{seconds:.0f} s" if seconds < 120 else f"{seconds // 60:.0f} min {seconds % 60:02.0f} s"
    )


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
    for axis, xlabel, ylabel in zip(axes, ["clients", "history rows", "clients"],
                                    ["wall time (s)", "wall time (s)", "peak memory (GiB)"],
                                    strict=True):  # fmt: skip
        axis.set(xscale="log", yscale="log", xlabel=xlabel, ylabel=ylabel)
        axis.legend(fontsize=7)
    rows = []
    for r in scales:
        st = r["stages"]
        rows.append([f"{r['clients']:,}", f"{r['history_rows']:,}",
                     f"{r['bytes_on_disk'] / 1e9:.2f} GB",
                     *[f"{_duration(st[s]['wall_s'])} / {st[s]['peak_rss_mb'] / 1024:.1f} GiB"
                       for s in STAGES]])  # fmt: skip
    largest = scales[-1]
    steps = largest["stages"]["train"].get("steps_s", {})
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
        save(figure, out_dir, "pipeline_scale"), "",
        "Growth exponent of wall time between scales (1 = linear in clients):\n",
        table(["stage", *[f"step {i + 1}" for i in range(len(scales) - 1)]], growth), "",
        f"Where training's time goes at {largest['clients']:,} clients:\n",
        table(["step", "seconds"], [[k, f"{v:.1f}"] for k, v in steps.items()]), "",
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


Renderer = Callable[[dict, Path], Section]
SECTIONS: list[tuple[str, Renderer]] = [
    ("feature_engine", features),
    ("model_call", model_call),
    ("explain_call", explain_call),
    ("pipeline_scale", pipeline_scale),
    ("dashboard_speed", dashboard),
]
