"""What the monitor says about a period: every feature's and the score's stability against the
reference, ranked, the drift of each window, and the performance by vintage. One JSON-ready
document, read by the monitor's report (``python -m training monitor``), the service's
``/monitoring`` answer and the dashboard's Monitoring view.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict
from datetime import UTC, date, datetime, time
from typing import Any

import numpy as np

from scoring.features import FEATURE_NAMES, FEATURES
from scoring.features.groups import FEATURE_GROUPS, GROUP_BY_CODE
from scoring.monitoring.bins import SCORE, Bins
from scoring.monitoring.performance import calibration, decision_days, vintages
from scoring.monitoring.stability import ACT, WATCH, Level, Stability, stability
from scoring.records.clock import timestamp
from scoring.records.database import RecordsDatabase
from scoring.records.drift import DriftCounts, WindowCounts
from scoring.records.shadow import agreement
from scoring.records.vintages import DecidedApplication, decided_applications

_POSITION = {name: i for i, name in enumerate(FEATURE_NAMES)}
_SEVERITY: dict[Level, int] = {"act": 3, "watch": 2, "stable": 1, "no data": 0}
TOP_PER_WINDOW = 3


def period_summary(
    database: RecordsDatabase,
    model: str,
    reference: Mapping[str, Any],
    since: date | None,
    until: date | None,
    watch: float = WATCH,
    act: float = ACT,
) -> dict[str, Any]:
    """The document of ``model`` (its full tag, and its ``reference.json``) over days
    [since, until): the windows starting in the period, the decisions made in it on it, and
    how the challengers shadowing it agreed with it."""
    bins = Bins.from_reference(reference, model)
    start, end = day_start(since), day_start(until)
    windows = DriftCounts(database).windows(model, start, end)
    decided = [d for d in decided_applications(database, start, end) if d.model_tag == model]
    period = (since.isoformat() if since else None, until.isoformat() if until else None)
    document = summary(model, bins, reference["importance"], windows, decided, period, watch, act)
    document["shadow"] = agreement(database, model, start, end)
    return document


def day_start(day: date | None) -> str | None:
    """Midnight UTC of ``day``, as the records write times."""
    return None if day is None else timestamp(datetime.combine(day, time(), tzinfo=UTC))


def summary(
    model: str,
    bins: Bins,
    importance: Mapping[str, float],
    windows: Sequence[WindowCounts],
    decided: Sequence[DecidedApplication] = (),
    period: tuple[str | None, str | None] = (None, None),
    watch: float = WATCH,
    act: float = ACT,
) -> dict[str, Any]:
    """The monitor's document for ``windows`` (one model's, in time order) and ``decided``."""
    total = (
        sum((w.counts for w in windows), start=np.zeros_like(bins.reference, dtype=np.int64))
        if windows
        else np.zeros(bins.reference.shape, dtype=np.int64)
    )
    columns = stability(bins, total, watch, act)
    features = sorted(
        (_feature(s, bins, importance) for s in columns[:-1]),
        key=lambda f: (-_SEVERITY[f["level"]], -(f["psi"] or 0.0), -f["importance"]),
    )
    score = _column(columns[-1], bins)
    worst = max((_SEVERITY[s.level], s.level) for s in columns)[1]
    return {
        "model": model,
        "period": {"since": period[0], "until": period[1]},
        "thresholds": {"watch": watch, "act": act},
        "applications": int(sum(w.applications for w in windows)),
        "status": worst,
        "score": score,
        "features": features,
        "windows": [_window(w, bins, watch, act) for w in windows],
        "decisions_by_day": [asdict(d) for d in decision_days(decided)],
        "vintages": [asdict(v) for v in vintages(decided)],
        "calibration": [asdict(c) for c in calibration(decided)],
    }


def _column(column: Stability, bins: Bins) -> dict[str, Any]:
    row = bins.names.index(column.name)
    return {
        **asdict(column),
        "edges": [float(e) for e in bins.edges[row] if np.isfinite(e)],
    }


def _feature(column: Stability, bins: Bins, importance: Mapping[str, float]) -> dict[str, Any]:
    info = FEATURES[_POSITION[column.name]]
    group = GROUP_BY_CODE[FEATURE_GROUPS[_POSITION[column.name]]]
    return {
        **_column(column, bins),
        "label_en": info.label_en,
        "label_fr": info.label_fr,
        "group": group.code,
        "group_en": group.label_en,
        "group_fr": group.label_fr,
        "importance": float(importance.get(column.name, 0.0)),
    }


def _window(window: WindowCounts, bins: Bins, watch: float, act: float) -> dict[str, Any]:
    columns = stability(bins, window.counts, watch, act)
    features = [c for c in columns if c.name != SCORE and c.psi is not None]
    top = sorted(features, key=lambda c: -(c.psi or 0.0))[:TOP_PER_WINDOW]
    return {
        "start": window.window_start,
        "applications": window.applications,
        "score_psi": columns[-1].psi,
        "watch": sum(c.level == "watch" for c in features),
        "act": sum(c.level == "act" for c in features),
        "top": [{"name": c.name, "psi": c.psi} for c in top],
    }
