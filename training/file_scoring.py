"""Offline file scoring (``python -m training score``): applications in, scores out.

Reads a CSV or Parquet file of applications (and the history tables beside it), scores them
with a stored model through the one feature implementation and the ONNX session the service
uses, and writes CSV or Parquet: ``SK_ID_CURR``, ``probability``, ``decision`` and, when
asked, each row's principal reasons (:mod:`training.notices`).

Without history the applications are scored in chunks of :data:`CHUNK_ROWS`, on a pool of
threads (the feature code is NumPy, and ONNX Runtime releases the GIL), so memory stays
bounded and both cores work; with history, in one pass, since every chunk would read the
whole history tables.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from scoring.features import build_batch
from scoring.files import Format, write_table
from scoring.model.scorer import CreditModel
from scoring.schema import APPLICATION_TEST, HISTORY_NAMES
from scoring.wording import Language
from training.data import load_dataset, load_table
from training.notices import reason_columns

CHUNK_ROWS = 20_000  # applications featured and scored at once
OUTPUT_FORMATS: dict[str, Format] = {".csv": "csv", ".parquet": "parquet"}


@dataclass(frozen=True)
class Reasons:
    """Add each row's principal reasons, in this language, amounts in this currency."""

    language: Language = "en"
    currency: str = "€"


def output_format(path: Path) -> Format:
    """The format an output path asks for by its suffix; ValueError naming the choices."""
    fmt = OUTPUT_FORMATS.get(path.suffix.lower())
    if fmt is None:
        choices = " or ".join(OUTPUT_FORMATS)
        raise ValueError(f"{path}: the scores are written as {choices}; name the file so")
    return fmt


def read_applications(path: Path) -> dict[str, pd.DataFrame]:
    """The applications of ``path`` as ``application_test``, with the history tables found
    beside it; :class:`~scoring.validation.SchemaError` names what is wrong."""
    frames = load_dataset(path.parent, HISTORY_NAMES)
    frames["application_test"] = load_table(path, APPLICATION_TEST)
    return frames


def score_frames(
    model: CreditModel,
    frames: Mapping[str, pd.DataFrame],
    application: str = "application_test",
    reasons: Reasons | None = None,
    threads: int | None = None,
) -> pd.DataFrame:
    """``SK_ID_CURR``, ``probability`` and ``decision`` (and reasons) of every application of
    ``frames[application]``, in its order, on ``threads`` threads (default: every core)."""
    applications = frames[application]
    history = {name: frames[name] for name in HISTORY_NAMES if name in frames}
    step = len(applications) if history else CHUNK_ROWS
    chunks = [applications.iloc[i : i + step] for i in range(0, len(applications), step)]

    def score(chunk: pd.DataFrame) -> pd.DataFrame:
        matrix = build_batch({application: chunk, **history}, application)
        scores = model.score_matrix(matrix)
        if reasons is None:
            return scores
        decisions = scores["decision"].to_numpy()
        notices = reason_columns(model, matrix, decisions, reasons.language, reasons.currency)
        return pd.concat([scores, notices], axis=1)

    if len(chunks) <= 1:
        return score(applications)
    with ThreadPoolExecutor(threads or os.cpu_count() or 1) as pool:
        return pd.concat(list(pool.map(score, chunks)), ignore_index=True)


def write_scores(scores: pd.DataFrame, path: Path) -> None:
    """``scores`` as CSV or Parquet, by the suffix of ``path`` (its folder made if needed)."""
    fmt = output_format(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_table(scores, fmt, path)
