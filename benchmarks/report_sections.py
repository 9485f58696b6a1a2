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


Renderer = Callable[[dict, Path], Section]
SECTIONS: list[tuple[str, Renderer]] = [
    ("feature_engine", features),
    ("dashboard_speed", dashboard),
]
