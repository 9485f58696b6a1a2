"""Figures of the model card: ROC, reliability diagram, SHAP importance and cost curve.

Colours are Okabe-Ito, readable with every common colour-vision deficiency, and each
series also has its own line style and marker, so colour never carries meaning alone.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from itertools import cycle
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from sklearn.metrics import roc_auc_score, roc_curve

from training.model.evaluate import calibration_table

BLUE, ORANGE, GREEN, VERMILLION, GREY = "#0072B2", "#E69F00", "#009E73", "#D55E00", "#7F7F7F"
# (colour, line style, marker) per series, in order, reused past the fourth series.
SERIES_STYLES = (
    (BLUE, "-", "o"),
    (ORANGE, "--", "s"),
    (GREEN, "-.", "^"),
    ("#CC79A7", ":", "D"),
)
Curves = Mapping[str, tuple[np.ndarray, np.ndarray]]


def plot_roc(curves: Curves, path: Path) -> Path:
    """ROC curve of each split (e.g. out-of-fold and holdout), AUC in the legend."""
    figure, axis = plt.subplots(figsize=(5.5, 5), constrained_layout=True)
    for (name, (y, p)), (colour, style, marker) in zip(curves.items(), cycle(SERIES_STYLES)):
        false_positive, true_positive, _ = roc_curve(y, p)
        axis.plot(
            false_positive,
            true_positive,
            color=colour,
            ls=style,
            marker=marker,
            markevery=0.1,
            lw=2,
            label=f"{name} (AUC {roc_auc_score(y, p):.3f})",
        )
    axis.plot([0, 1], [0, 1], color=GREY, ls=":", lw=1, label="chance")
    axis.set_xlabel("good clients refused (false-positive rate)")
    axis.set_ylabel("defaulters refused (true-positive rate)")
    axis.set_title("ROC curve")
    finish_axis(axis)
    return save_figure(figure, path)


def plot_calibration(curves: Curves, path: Path, bins: int = 10) -> Path:
    """Reliability diagram: observed default rate per quantile bin against the prediction.

    The axes stop just past the highest bin, since probabilities of default crowd at
    the low end and a full [0, 1] square would squeeze every point into a corner.
    """
    figure, axis = plt.subplots(figsize=(5.5, 5), constrained_layout=True)
    highest = 0.0
    for (name, (y, p)), (colour, style, marker) in zip(curves.items(), cycle(SERIES_STYLES)):
        table = calibration_table(y, p, bins)
        predicted = [row["mean_predicted"] for row in table]
        observed = [row["observed_rate"] for row in table]
        axis.plot(predicted, observed, color=colour, ls=style, marker=marker, lw=2, label=name)
        highest = max(highest, *predicted, *observed)
    limit = min(1.0, 1.1 * highest) or 1.0
    axis.plot([0, limit], [0, limit], color=GREY, ls=":", lw=1, label="perfect calibration")
    axis.set_xlim(0, limit)
    axis.set_ylim(0, limit)
    axis.set_xlabel(f"mean predicted probability of default ({bins} quantile bins)")
    axis.set_ylabel("observed default rate")
    axis.set_title("Calibration (reliability diagram)")
    finish_axis(axis)
    return save_figure(figure, path)


def plot_importance(importance: Sequence[tuple[str, float]], path: Path, top: int = 20) -> Path:
    """The features that move scores most, by mean |SHAP value|, under their human labels."""
    ranked = sorted(importance, key=lambda item: item[1], reverse=True)[:top]
    figure, axis = plt.subplots(figsize=(8, 1.5 + 0.38 * max(len(ranked), 1)), layout="tight")
    if ranked:
        labels = [textwrap.fill(label, 55) for label, _ in ranked]
        positions = np.arange(len(ranked))
        axis.barh(positions, [value for _, value in ranked], color=BLUE, edgecolor="black")
        axis.set_yticks(positions, labels, fontsize=8)
        axis.invert_yaxis()
    else:
        axis.text(0.5, 0.5, "no importance available", ha="center", va="center")
        axis.set_yticks([])
    axis.set_xlabel("mean |SHAP value| (log-odds of default)")
    axis.set_title(f"Top {len(ranked)} features by mean contribution to the score")
    axis.grid(axis="x", alpha=0.3)
    return save_figure(figure, path)


def plot_cost_curve(
    curve: pd.DataFrame,
    chosen_threshold: float,
    path: Path,
    bayes_threshold: float | None = None,
) -> Path:
    """Expected cost per application against the threshold, with the chosen one marked."""
    figure, axis = plt.subplots(figsize=(6.5, 4.5), constrained_layout=True)
    axis.plot(
        curve["threshold"],
        curve["cost_per_application"],
        color=BLUE,
        lw=2,
        label="cost per application",
    )
    axis.axvline(
        chosen_threshold, color=VERMILLION, ls="--", lw=2, label=f"chosen {chosen_threshold:.3f}"
    )
    if bayes_threshold is not None:
        axis.axvline(
            bayes_threshold,
            color=GREEN,
            ls=":",
            lw=2,
            label=f"Bayes reference {bayes_threshold:.3f}",
        )
    axis.set_xlabel("threshold: refuse when probability of default ≥ threshold")
    axis.set_ylabel("expected cost per application")
    axis.set_title("Business cost of the decision threshold")
    finish_axis(axis)
    return save_figure(figure, path)


def finish_axis(axis) -> None:
    axis.grid(alpha=0.3)
    axis.legend(fontsize=8, loc="best")


def save_figure(figure: Figure, path: Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=100)
    plt.close(figure)
    return path
