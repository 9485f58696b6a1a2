"""Report section of the model lifecycle: what scoring a challenger in shadow costs a call
(``benchmarks/shadow_cost.py``)."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt

from benchmarks.report_parts import BASELINE, OURS, Section, Target, run_conditions, save, table

CALL_NAMES = {"predict": "/predict (one application)", "predict_batch": "/predict_batch"}
# "The overhead is bounded": a challenger may add at most a fifth to a call's median.
SHADOW_RATIO_LIMIT = 1.2


def shadow_cost(result: dict, out_dir: Path) -> Section:
    calls, overhead, ratio = result["calls"], result["overhead_ms"], result["ratio"]
    names = {k: CALL_NAMES.get(k, k) for k in calls}
    names["predict_batch"] = f"/predict_batch ({result['batch_size']:,} applications)"
    rows = [[names[kind], f"{c['without']['median']:.3f} / {c['without']['p99']:.3f}",
             f"{c['with shadow']['median']:.3f} / {c['with shadow']['p99']:.3f}",
             f"{overhead[kind]:+.3f}", f"× {ratio[kind]:.2f}"]
            for kind, c in calls.items()]  # fmt: skip
    figure, axes = plt.subplots(1, len(calls), figsize=(9, 2.2))
    for axis, (kind, measured) in zip(axes, calls.items(), strict=True):
        for row, (engine, colour) in enumerate((("without", OURS), ("with shadow", BASELINE))):
            axis.barh(row, measured[engine]["median"], color=colour)
            axis.plot(measured[engine]["p99"], row, "k|", markersize=14)
        axis.set_yticks([0, 1], ["champion only", "with a challenger"])
        axis.set(xlabel="ms per call (bar: p50, tick: p99)", title=names[kind])
        axis.title.set_fontsize(9)
    markdown = "\n".join([
        "## Shadow scoring\n",
        "What a challenger scored in shadow (`CREDIT_SHADOW_MODEL_TAG`) adds to a scoring "
        "call: the engine with and without it, in process, on the same real application "
        f"bodies in {result['rounds']} interleaved rounds; the challenger is a model of the "
        "champion's size, so the difference is the shadow path's own cost (one more ONNX run, "
        "its row written in the inquiry's transaction) (`benchmarks/shadow_cost.py`). "
        + run_conditions(result) + "\n",
        table(["call", "without: p50 / p99 ms", "with shadow: p50 / p99 ms",
               "p50 overhead ms", "ratio"], rows), "",
        save(figure, out_dir, "shadow_cost"), "",
    ])  # fmt: skip
    targets = [
        Target(
            f"shadow scoring overhead, {names[kind]}",
            f"≤ × {SHADOW_RATIO_LIMIT} of the p50",
            f"× {ratio[kind]:.2f} ({overhead[kind]:+.3f} ms)",
            ratio[kind] <= SHADOW_RATIO_LIMIT,
        )
        for kind in calls
    ]
    return Section(markdown, targets)
