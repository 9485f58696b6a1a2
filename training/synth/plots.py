"""Pictures of realism: generated distributions drawn over the real ones."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from scoring.schema import TABLES
from training.synth.marginals import Marginal

# Okabe-Ito colours: distinguishable with every common colour-vision deficiency.
REAL_COLOUR, GENERATED_COLOUR = "#0072B2", "#E69F00"
KEY_COLUMNS = (
    ("application_train", "EXT_SOURCE_2"),
    ("application_train", "EXT_SOURCE_3"),
    ("application_train", "DAYS_BIRTH"),
    ("application_train", "AMT_CREDIT"),
    ("application_train", "AMT_ANNUITY"),
    ("application_train", "AMT_INCOME_TOTAL"),
    ("bureau", "DAYS_CREDIT"),
    ("previous_application", "AMT_APPLICATION"),
    ("installments_payments", "AMT_PAYMENT"),
)


def plot_realism(
    frames: dict[str, pd.DataFrame],
    statistics: dict[str, Any],
    report: pd.DataFrame,
    path: Path,
) -> Path:
    """Cumulative distributions of key columns (real vs generated) and distances per table."""
    figure, axes = plt.subplots(2, 5, figsize=(20, 7.5), constrained_layout=True)
    for axis, (table, column) in zip(axes.flat, KEY_COLUMNS, strict=False):
        reference = _reference(statistics, table)[column]
        values = frames[table][column].to_numpy(dtype=float)
        log_scale = TABLES[table][column].unit == "currency"
        _draw_cdf(axis, values, Marginal.from_json(reference), log_scale)
        axis.set_title(f"{table}\n{TABLES[table][column].label_en}", fontsize=9)
    _draw_distances(axes.flat[-1], report)
    figure.suptitle("Generated data (dashed) against the real sample (solid)", fontsize=13)
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=90)
    plt.close(figure)
    return path


def _reference(statistics: dict[str, Any], table: str) -> dict[str, Any]:
    if table == "application_train":
        return statistics["application"]["reference"]
    return statistics["history"][table]["reference"]


def _draw_cdf(axis, values: np.ndarray, reference: Marginal, log_scale: bool) -> None:
    """Real CDF from the committed quantiles, generated ECDF; log scale for amounts."""
    quantiles = np.asarray(reference.support, dtype=float)
    axis.plot(quantiles, np.linspace(0, 1, len(quantiles)), color=REAL_COLOUR, lw=2, label="real")
    values = np.sort(values[~np.isnan(values)])
    axis.plot(
        values,
        np.arange(1, len(values) + 1) / len(values),
        color=GENERATED_COLOUR,
        lw=2,
        ls="--",
        label="generated",
    )
    if log_scale:
        axis.set_xscale("symlog", linthresh=100)
    axis.set_ylabel("share of rows ≤ x")
    axis.grid(alpha=0.3)
    axis.legend(fontsize=8, loc="lower right")


def _draw_distances(axis, report: pd.DataFrame) -> None:
    """Median and worst column distance per table, as labelled bars."""
    summary = report.groupby("table")["distance"].agg(["median", "max"]).sort_index()
    positions = np.arange(len(summary))
    axis.barh(positions - 0.2, summary["median"], 0.4, color=REAL_COLOUR, label="median")
    axis.barh(
        positions + 0.2, summary["max"], 0.4, color=GENERATED_COLOUR, hatch="//", label="worst"
    )
    axis.set_yticks(positions, summary.index, fontsize=8)
    axis.set_xlabel("KS / total-variation distance")
    axis.set_title("Distance per table (all columns)", fontsize=9)
    axis.legend(fontsize=8)
