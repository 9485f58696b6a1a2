"""Each risk grade measured on the run's applicants: what a grade means for this model.

The scale and the grade bands are :mod:`scoring.scale`'s; this module counts who falls in
each grade and how often they defaulted, on the holdout (never used for fitting or for the
threshold) and out-of-fold. The result is the ``scale`` section of the model card, which the
service and the dashboard read, so the card, the API and the dashboard quote the same rates.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from scoring.scale import GRADES, PointsScale


def grade_table(y: np.ndarray, p: np.ndarray, scale: PointsScale) -> list[dict[str, Any]]:
    """One row per grade, safest first: its probability and points ranges, how many
    applicants it holds and their share, their mean predicted probability and the share
    that defaulted (``None`` for an empty grade)."""
    y, p = np.asarray(y, dtype=float), np.asarray(p, dtype=float)
    if y.shape != p.shape:
        raise ValueError(f"{len(y)} outcomes for {len(p)} probabilities: expected as many")
    index = scale.grade_index(p)
    rows = []
    for i, grade in enumerate(GRADES):
        low, high = scale.band(grade)
        inside = index == i
        count = int(inside.sum())
        rows.append(
            {
                "grade": grade,
                "probability_from": low,
                "probability_to": high,
                # Higher points are safer: a grade's fewest points are at its highest risk.
                # None: no end (grade A has no most, grade E no fewest).
                "points_from": round(scale.points(high)) if high < 1 else None,
                "points_to": round(scale.points(low)) if low > 0 else None,
                "count": count,
                "share": count / len(p) if len(p) else 0.0,
                "mean_predicted": float(p[inside].mean()) if count else None,
                "observed_rate": float(y[inside].mean()) if count else None,
            }
        )
    return rows


def scale_section(
    scale: PointsScale,
    y_holdout: np.ndarray,
    p_holdout: np.ndarray,
    y_oof: np.ndarray,
    p_oof: np.ndarray,
) -> dict[str, Any]:
    """The card's ``scale`` section: the settings, and the grades on the holdout (what the
    API quotes) and out-of-fold (more applicants, for a second look at small grades)."""
    return {
        "settings": scale.to_dict(),
        "grades": grade_table(y_holdout, p_holdout, scale),
        "grades_oof": grade_table(y_oof, p_oof, scale),
    }
