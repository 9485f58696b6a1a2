"""Synthetic Home Credit data: all seven tables, calibrated on real rows.

``generate_dataset`` is the pure core (frames in memory, deterministic for a seed);
the ``generate`` CLI command writes them in the Kaggle layout.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from scoring.schema import APPLICATION_TEST, APPLICATION_TRAIN, TABLES
from scoring.schema.common import DAYS_PER_YEAR
from training.synth import calibrate
from training.synth.application import generate_applications, order_like_schema
from training.synth.bureau import generate_bureau
from training.synth.loans import generate_loans
from training.validation import validate_frame

# application_test holds 48,744 clients for 307,511 in application_train.
TEST_SHARE = 48_744 / 307_511
FIRST_CLIENT_ID = 100_002
MEAN_AGE_DAYS = 43.9 * DAYS_PER_YEAR

Progress = Callable[[str], None]


def generate_dataset(
    n_clients: int,
    seed: int = 0,
    statistics: dict[str, Any] | None = None,
    progress: Progress | None = None,
) -> dict[str, pd.DataFrame]:
    """All tables for ``n_clients`` labelled clients plus the matching unlabelled test share.

    Frames are typed and checked against the schema, so the generator can never write
    a file the loader would reject.
    """
    rng = np.random.default_rng(seed)
    n_test = round(n_clients * TEST_SHARE)
    ids = client_ids(n_clients + n_test, rng)
    return generate_clients(ids, n_test, rng, statistics, progress)


def generate_clients(
    ids: np.ndarray,
    n_test: int,
    rng: np.random.Generator,
    statistics: dict[str, Any] | None = None,
    progress: Progress | None = None,
) -> dict[str, pd.DataFrame]:
    """All tables for the clients ``ids``, ``n_test`` of them unlabelled, drawn from ``rng``.

    The body of :func:`generate_dataset`, apart so that the partitioned generator
    (:mod:`training.distributed.generate`) draws each partition's clients the same way.
    """
    statistics = statistics or calibrate.load()
    step = progress or (lambda _: None)
    step("applications")
    applications, risk = generate_applications(ids, statistics["application"], rng)
    is_test = np.zeros(len(ids), dtype=bool)
    is_test[rng.choice(len(ids), n_test, replace=False)] = True
    history_scale = _history_scale(applications["DAYS_BIRTH"].to_numpy())
    step("bureau")
    bureau, balance = generate_bureau(ids, risk, history_scale, statistics["history"], rng)
    step("previous applications and repayments")
    loans = generate_loans(ids, risk, history_scale, statistics["history"], rng)
    raw = {
        APPLICATION_TRAIN.name: order_like_schema(applications[~is_test], labelled=True),
        APPLICATION_TEST.name: order_like_schema(applications[is_test], labelled=False),
        "bureau": bureau,
        "bureau_balance": balance,
        **loans,
    }
    step("schema check")
    return {
        name: validate_frame(frame.reset_index(drop=True), TABLES[name], f"generated {name}")
        for name, frame in raw.items()
    }


def client_ids(n: int, rng: np.random.Generator) -> np.ndarray:
    """Sorted, gapped ids like Kaggle's SK_ID_CURR (100002 upwards)."""
    span = int(n * 1.16) + 1
    return np.sort(rng.choice(span, n, replace=False)).astype(np.int64) + FIRST_CLIENT_ID


def _history_scale(days_birth: np.ndarray) -> np.ndarray:
    """Older clients have had time for more credits: volume grows with age."""
    return np.clip(-days_birth / MEAN_AGE_DAYS, 0.4, 1.8)
