"""Shadow scores: what a challenger would have answered to the real applications the champion
scored, kept beside the inquiry and never returned.

Only the two probabilities and thresholds are kept (no input, no client): enough to count the
decisions the challenger would change and how closely the two models rank the same people,
which the monitor reports (:func:`agreement`) before anyone promotes the challenger.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.stats import spearmanr
from sqlalchemy import select

from scoring.records.clock import utc_now
from scoring.records.database import RecordsDatabase
from scoring.records.tables import SHADOW_SCORES


@dataclass(frozen=True)
class ShadowScore:
    """A challenger's score of one real application, beside the champion's."""

    request_id: str
    champion_tag: str
    champion_probability: float
    champion_threshold: float
    challenger_tag: str
    challenger_probability: float
    challenger_threshold: float
    created_at: str = field(default_factory=utc_now)

    def to_row(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in _FIELDS}


_FIELDS = tuple(ShadowScore.__dataclass_fields__)


def agreement(
    database: RecordsDatabase, champion_tag: str, since: str | None, until: str | None
) -> list[dict[str, Any]]:
    """Per challenger shadowing ``champion_tag`` from ``since`` until ``until`` (record
    times; None: unbounded): applications, decision flips each way at each model's own
    threshold, and the Spearman rank correlation of their probabilities."""
    period = [SHADOW_SCORES.c.champion_tag == champion_tag]
    if since is not None:
        period.append(SHADOW_SCORES.c.created_at >= since)
    if until is not None:
        period.append(SHADOW_SCORES.c.created_at < until)
    query = (
        select(
            SHADOW_SCORES.c.challenger_tag,
            SHADOW_SCORES.c.champion_probability,
            SHADOW_SCORES.c.champion_threshold,
            SHADOW_SCORES.c.challenger_probability,
            SHADOW_SCORES.c.challenger_threshold,
        )
        .where(*period)
        .order_by(SHADOW_SCORES.c.challenger_tag)
    )
    with database.reading() as connection:
        rows = connection.execute(query).all()
    by_challenger: dict[str, list[tuple[float, float, float, float]]] = {}
    for tag, *values in rows:
        by_challenger.setdefault(tag, []).append(tuple(values))
    return [_summary(tag, np.array(values)) for tag, values in by_challenger.items()]


def _summary(tag: str, values: np.ndarray) -> dict[str, Any]:
    champion, champion_threshold, challenger, challenger_threshold = values.T
    refused_now = champion >= champion_threshold
    refused_then = challenger >= challenger_threshold
    flips = int(np.sum(refused_now != refused_then))
    varied = len(values) > 1 and np.ptp(champion) > 0 and np.ptp(challenger) > 0
    return {
        "challenger": tag,
        "applications": len(values),
        "decision_flips": flips,
        "flip_share": flips / len(values),
        "granted_to_refused": int(np.sum(~refused_now & refused_then)),
        "refused_to_granted": int(np.sum(refused_now & ~refused_then)),
        "rank_correlation": float(spearmanr(champion, challenger).statistic) if varied else None,
        "mean_probability": {
            "champion": float(champion.mean()),
            "challenger": float(challenger.mean()),
        },
    }
