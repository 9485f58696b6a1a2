"""Request bodies for load runs: real rows of an application table, as the API accepts them.

Rows go through the project's loader (when read from a file) and then through the API's own
request model, so every body is one the service validates, unknown values are left out (a
NaN field is omitted, as a client would), and a row the API would refuse fails here, naming
its field, rather than as a stream of 400s under load.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from training.data import find_table_file, load_table
from training.schema import APPLICATION_TEST
from training.serving.schemas import ApplicationInput

Body = dict[str, Any]


def application_bodies(frame: pd.DataFrame, limit: int | None = None) -> list[Body]:
    """``{"application": {...}}`` for the first ``limit`` rows of an application frame."""
    rows = frame.head(limit) if limit is not None else frame
    records = rows.astype(object).where(rows.notna(), None).to_dict(orient="records")
    return [
        ApplicationInput.model_validate({"application": record}).model_dump(
            mode="json", exclude_none=True
        )
        for record in records
    ]


def workspace_bodies(data: Path, limit: int | None = None) -> list[Body]:
    """Bodies from the ``application_test`` table of a data directory (e.g. a workspace)."""
    path = find_table_file(data, APPLICATION_TEST.name)
    if path is None:
        raise FileNotFoundError(f"no {APPLICATION_TEST.name} table in {data}")
    return application_bodies(load_table(path, APPLICATION_TEST), limit)
