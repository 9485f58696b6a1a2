"""The comparison report's own figure: each client's score by the champion and by the candidate."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from training.lifecycle.evaluation import Evaluation
from training.model.plots import BLUE, GREY, VERMILLION, finish_axis, plt, save_figure


def plot_scores(candidate: Evaluation, champion: Evaluation, path: Path) -> Path:
    """Champion's probability against the candidate's, on log axes, with both thresholds:
    the points off the diagonal quadrants are the clients whose decision would change."""
    figure, axis = plt.subplots(figsize=(5.5, 5), constrained_layout=True)
    old, new = champion.probabilities, candidate.probabilities
    flips = (old >= champion.threshold) != (new >= candidate.threshold)
    axis.scatter(old[~flips], new[~flips], s=4, alpha=0.35, color=BLUE, label="same decision")
    axis.scatter(
        old[flips], new[flips], s=10, marker="x", color=VERMILLION, label="decision changes"
    )
    low = max(min(old.min(), new.min()), 1e-4)
    axis.plot([low, 1], [low, 1], color=GREY, ls=":", lw=1, label="same score")
    axis.axvline(champion.threshold, color=GREY, ls="--", lw=1)
    axis.axhline(candidate.threshold, color=GREY, ls="--", lw=1, label="thresholds")
    axis.set_xscale("log")
    axis.set_yscale("log")
    axis.set_xlabel(f"champion {champion.tag}: probability of default")
    axis.set_ylabel(f"candidate {candidate.tag}: probability of default")
    axis.set_title(f"Scores of the same clients ({int(np.sum(flips)):,} decisions change)")
    finish_axis(axis)
    return save_figure(figure, path)
