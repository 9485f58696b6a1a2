"""Synthetic production traffic for the monitor's benchmarks: which applications arrive on
which day in which worker, counted through the service's own ``Capture`` into a records
database, and (optionally) one decision per application.

Applications are rows of a generated dataset's feature matrix, resampled: early days draw
from the training population, later days more and more from a shifted one (a scenario of
:mod:`training.synth.scenarios`), so the monitor has a drift to find, as it would in a real
month. Scores are the model's probabilities of the same rows.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

BATCH = 10_000  # rows per Capture.add: the API's largest batch
DECISION_CHUNK = 50_000  # decision rows per INSERT


@dataclass(frozen=True)
class Pool:
    """Rows applications are drawn from: the model's features (rows, features) and scores."""

    features: np.ndarray
    scores: np.ndarray


def pools(data: Path, model: Any, scenario: str, seed: int) -> tuple[Pool, Pool]:
    """The training population of ``data`` and the same shifted by ``scenario``, as the
    model's features and scores (the model's ``columns`` of the batch feature matrix)."""
    from scoring.features import build_batch
    from training.data import load_dataset
    from training.synth.scenarios import apply_scenario

    frames = load_dataset(data)
    out = []
    for population in (frames, apply_scenario(frames, scenario, seed)):
        values = build_batch(population).values
        out.append(Pool(np.ascontiguousarray(values[:, model.columns]),
                        model.predict_proba(values)))  # fmt: skip
    return out[0], out[1]


def day_plan(requests: int, days: int, workers: int) -> np.ndarray:
    """Applications per (day, worker): ``requests`` spread as evenly as whole numbers allow."""
    if days < 1 or workers < 1 or requests < 0:
        raise ValueError("day_plan needs days >= 1, workers >= 1 and requests >= 0")
    cells = days * workers
    plan = np.full(cells, requests // cells, dtype=np.int64)
    plan[: requests % cells] += 1
    return plan.reshape(days, workers)


def shifted_share(day: int, days: int) -> float:
    """Share of day ``day``'s applications drawn from the shifted population: none on the
    first day, all on the last, rising linearly."""
    return 0.0 if days == 1 else day / (days - 1)


def first_day(days: int, today: date | None = None) -> date:
    """The first of ``days`` days ending yesterday (UTC): a period the monitor's default
    (the last 30 days) covers when ``days`` ≤ 30."""
    today = today or datetime.now(UTC).date()
    return today - timedelta(days=days)


def draws(plan: np.ndarray, base: Pool, shifted: Pool, seed: int) -> Iterator[tuple]:
    """(day, worker, features, scores) of each cell of ``plan``, in batches of ≤ BATCH rows."""
    rng = np.random.default_rng(seed)
    days = plan.shape[0]
    for day in range(days):
        for worker, count in enumerate(plan[day]):
            for start in range(0, int(count), BATCH):
                size = min(BATCH, int(count) - start)
                from_shifted = rng.random(size) < shifted_share(day, days)
                a = rng.integers(0, len(base.scores), size)
                b = rng.integers(0, len(shifted.scores), size)
                features = np.where(from_shifted[:, None], shifted.features[b], base.features[a])
                scores = np.where(from_shifted, shifted.scores[b], base.scores[a])
                yield day, worker, features, scores


def capture_counts(database: Any, model_tag: str, bins: Any, plan: np.ndarray,
                   pools: tuple[Pool, Pool], start: date, seed: int) -> float:  # fmt: skip
    """Count every application of ``plan`` through one ``Capture`` per worker (daily windows,
    day ``i`` is ``start + i``), flushing each worker at the end of each day; seconds taken."""
    import time

    from scoring.monitoring.capture import Capture
    from scoring.records.drift import DriftCounts

    moment = [datetime.combine(start, datetime.min.time(), UTC)]
    store = DriftCounts(database)
    captures = [Capture(bins, model_tag, store, 86_400, 3_600.0, clock=lambda: moment[0])
                for _ in range(plan.shape[1])]  # fmt: skip
    began = time.perf_counter()
    last_day = 0
    for day, worker, features, scores in draws(plan, *pools, seed):
        if day != last_day:
            for capture in captures:
                capture.flush()
            last_day = day
        moment[0] = datetime.combine(start + timedelta(days=day), datetime.min.time(), UTC)
        moment[0] += timedelta(hours=12)
        captures[worker].add(features, scores)
    for capture in captures:
        capture.stop()
    return time.perf_counter() - began


def decision_rows(plan: np.ndarray, pools: tuple[Pool, Pool], start: date, model_tag: str,
                  threshold: float, seed: int) -> Iterator[list[dict[str, Any]]]:  # fmt: skip
    """One granted or refused decision per application of ``plan`` (the model's
    recommendation, decided the same day), as rows of the ``decisions`` table, in chunks.

    The hash chain is not computed (zeros): the monitor reads decisions, it never verifies
    them, and a chain of a million rows would take longer to build than everything measured.
    """
    from scoring.records.clock import timestamp

    rng = np.random.default_rng(seed + 1)
    zeros = "0" * 64
    seq = 0
    rows: list[dict[str, Any]] = []
    for day, _, _, scores in draws(plan, *pools, seed):
        midnight = datetime.combine(start + timedelta(days=day), datetime.min.time(), UTC)
        seconds = np.sort(rng.integers(0, 86_400, len(scores)))
        for probability, second in zip(scores.tolist(), seconds.tolist(), strict=True):
            seq += 1
            verdict = "refused" if probability >= threshold else "granted"
            created = timestamp(midnight + timedelta(seconds=second))
            rows.append({
                "seq": seq, "decision_id": f"{seq:032x}", "created_at": created,
                "client_id": seq, "input_hash": zeros, "model_tag": model_tag,
                "threshold": threshold, "review_band": 0.0, "probability": probability,
                "recommendation": verdict, "final_decision": verdict,
                "decided_by": "user:bench", "reason": None, "note": None,
                "reason_codes": "[]", "language": "en", "idempotency_key": f"bench:{seq}",
                "revises": None, "prev_hash": zeros, "row_hash": zeros,
            })  # fmt: skip
            if len(rows) == DECISION_CHUNK:
                yield rows
                rows = []
    if rows:
        yield rows


def record_decisions(database: Any, chunks: Iterator[list[dict[str, Any]]]) -> int:
    """Insert decision rows straight into the ``decisions`` table; how many."""
    from scoring.records.tables import DECISIONS

    count = 0
    for chunk in chunks:
        database.append(DECISIONS, chunk)  # the records' own bulk insert
        count += len(chunk)
    return count


def drift_rows(database: Any) -> dict[str, int]:
    """Rows of ``drift_counts`` and the bytes of their counts' JSON."""
    from sqlalchemy import func, select

    from scoring.records.tables import DRIFT_COUNTS

    query = select(func.count(), func.sum(func.length(DRIFT_COUNTS.c.counts)))
    with database.reading() as connection:
        rows, size = connection.execute(query).one()
    return {"rows": int(rows), "counts_json_bytes": int(size or 0)}


def dumps(document: dict[str, Any]) -> str:
    """The monitor's JSON report as the CLI writes it."""
    return json.dumps(document, indent=1)
