"""Read and write the Home Credit tables (Kaggle CSV layout or Parquet).

Thin IO around :mod:`scoring.files` and :mod:`scoring.validation`: every frame returned here
has been validated and typed against the schema, and every failure a user can cause (bad
text, missing file, malformed CSV) surfaces as a readable message rather than a pyarrow
traceback.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
from rich.console import Console
from rich.progress import Progress

from scoring.files import read_table, write_table
from scoring.schema import TABLES
from scoring.schema.core import Table
from training.validation import Problem, SchemaError, check_references

logger = logging.getLogger(__name__)

SUFFIXES = (".csv", ".csv.gz", ".parquet")


DATASET_MARKER = "DATASET.json"


def data_source(directory: Path) -> str:
    """``synthetic`` when the generator's marker file is there, else ``real``."""
    marker = Path(directory) / DATASET_MARKER
    if marker.is_file():
        return str(json.loads(marker.read_text()).get("source", "synthetic"))
    return "real"


def sample_clients(
    frames: Mapping[str, pd.DataFrame], share: float, seed: int
) -> dict[str, pd.DataFrame]:
    """A random ``share`` of the labelled clients with their whole history (bureau balances
    through their bureau credits); unlabelled applicants are kept as they are."""
    applications = frames["application_train"]
    drawn = np.random.default_rng(seed).random(len(applications)) < share
    clients = applications["SK_ID_CURR"].to_numpy()[drawn]
    sampled: dict[str, pd.DataFrame] = {}
    for name, frame in frames.items():
        if name == "application_test" or "SK_ID_CURR" not in frame.columns:
            sampled[name] = frame
        else:
            sampled[name] = frame[frame["SK_ID_CURR"].isin(clients)].reset_index(drop=True)
    if "bureau_balance" in frames and "bureau" in sampled:
        balances = frames["bureau_balance"]
        credits = sampled["bureau"]["SK_ID_BUREAU"]
        sampled["bureau_balance"] = balances[balances["SK_ID_BUREAU"].isin(credits)].reset_index(
            drop=True
        )
    return sampled


def find_table_file(directory: Path, name: str) -> Path | None:
    """The file holding table ``name`` in ``directory`` (exact Kaggle name), if any."""
    found = [directory / f"{name}{suffix}" for suffix in SUFFIXES]
    found = [path for path in found if path.is_file()]
    if len(found) > 1:
        ignored = ", ".join(path.name for path in found[1:])
        logger.warning("%s: using %s, ignoring %s", directory, found[0].name, ignored)
    return found[0] if found else None


def load_table(path: Path, table: Table) -> pd.DataFrame:
    """Read one CSV or Parquet file and validate it; raises :class:`SchemaError` on bad data."""
    return read_table(Path(path), table, Path(path).name)


def load_dataset(directory: Path, tables: Iterable[str] | None = None) -> dict[str, pd.DataFrame]:
    """Load the tables found in ``directory``; only required tables must be present.

    Missing optional tables are simply absent from the result. Problems of all files are
    raised together in one :class:`SchemaError`. Foreign-key orphans are only logged as
    warnings since the real Kaggle files contain some.
    """
    names = list(TABLES) if tables is None else list(tables)
    unknown = [name for name in names if name not in TABLES]
    if unknown:
        raise ValueError(f"unknown tables {unknown}; known tables are {list(TABLES)}")
    directory = Path(directory)
    if not directory.is_dir():
        raise FileNotFoundError(f"data directory {directory} does not exist")
    paths = {name: find_table_file(directory, name) for name in names}
    missing = [name for name in names if TABLES[name].required and paths[name] is None]
    if missing:
        expected = ", ".join(f"{name}{suffix}" for name in missing for suffix in SUFFIXES)
        raise FileNotFoundError(
            f"no {', '.join(missing)} file in {directory} (expected {expected})"
        )
    frames: dict[str, pd.DataFrame] = {}
    problems: list[Problem] = []
    console = Console(stderr=True)
    with Progress(console=console, transient=True, disable=not console.is_terminal) as progress:
        task = progress.add_task("Loading tables", total=len(names))
        for name in names:
            path = paths[name]
            if path is None:
                logger.info("%s: no file in %s, skipped", name, directory)
            else:
                progress.update(task, description=f"Loading {path.name}")
                started = time.perf_counter()
                try:
                    frames[name] = load_table(path, TABLES[name])
                except SchemaError as error:
                    problems.extend(error.problems)
                else:
                    seconds = time.perf_counter() - started
                    logger.info("%s: %d rows in %.1f s", path.name, len(frames[name]), seconds)
            progress.advance(task)
    if problems:
        raise SchemaError(problems)
    for warning in check_references(frames):
        logger.warning(warning)
    return frames


def write_dataset(
    frames: Mapping[str, pd.DataFrame],
    directory: Path,
    fmt: Literal["csv", "parquet"] = "csv",
) -> list[Path]:
    """Write each frame as ``<name>.csv`` (Kaggle layout) or ``<name>.parquet``.

    Everything is first written to temporary files which are renamed only once all
    succeeded, so a failure never leaves a half-written or half-replaced dataset.
    """
    if fmt not in ("csv", "parquet"):
        raise ValueError(f"unknown format {fmt!r}; use 'csv' or 'parquet'")
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written: list[tuple[Path, Path]] = []
    try:
        for name, frame in frames.items():
            target = directory / f"{name}.{fmt}"
            temporary = directory / f".{target.name}.tmp"
            written.append((temporary, target))
            write_table(frame, fmt, temporary)
        for temporary, target in written:
            os.replace(temporary, target)
    finally:
        for temporary, _ in written:
            temporary.unlink(missing_ok=True)
    return [target for _, target in written]
