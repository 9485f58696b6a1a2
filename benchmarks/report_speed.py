"""Report sections of the in-process speed benchmarks: model call, explanation, and where a
request's time goes.

Split from :mod:`benchmarks.report_sections` (shared helpers and the other sections) to keep
each module short; the renderers follow the same contract.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt

from benchmarks.report_parts import BASELINE, FOURTH, OURS, THIRD, Section, Target, save, table

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
    onnx_one = [
        m for m in measurements if m["method"] == "onnxruntime session.run" and m["rows"] == 1
    ]
    best = min(onnx_one, key=lambda m: m["median_us"])
    served_onnx = _find(measurements, "onnxruntime session.run", SERVED_ONNX, 1)
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
        "ONNX Runtime session options for one row. The service uses 1 thread without "
        f"spinning ({_us(served_onnx['median_us'])}); the fastest here, "
        f"{best['options']['threads']} thread(s) with spinning "
        f"{'on' if best['options']['spinning'] else 'off'} ({_us(best['median_us'])}), "
        "would keep a core busy between requests, the core a second worker needs:\n",
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


def request_profile(result: dict, out_dir: Path) -> Section:
    steps = result["steps"]
    kinds = list(steps)
    names = list(steps[kinds[0]])
    rows = [[name, *[_us(steps[kind][name]["median"]) for kind in kinds]] for name in names]
    markdown = "\n".join([
        "## Where a request's time goes, in process\n",
        "Each step of one request timed on its own, on the HTTP benchmark's bodies, with the "
        "served model (`benchmarks/request_profile.py`); medians. The HTTP latency adds "
        "BentoML's request handling to the whole.\n",
        table(["step", *[f"{kind} bodies" for kind in kinds]], rows), "",
    ])  # fmt: skip
    targets = [
        Target(f"request step: {name}, {kind} bodies", f"< {goal:g} µs",
               f"{_us(steps[kind][name]['median'])} (p99 {_us(steps[kind][name]['p99'])})",
               steps[kind][name]["median"] < goal)
        for name, goal in result.get("targets_us", {}).items()
        for kind in kinds
        if name in steps[kind]
    ]  # fmt: skip
    return Section(markdown, targets)
