"""Request bodies for load runs, from a workspace's data directory: real rows as the API
accepts them (:mod:`training.api_bodies` builds them)."""

from __future__ import annotations

from pathlib import Path

from scoring.schema import APPLICATION_TEST
from training.api_bodies import Body, application_bodies, history_bodies
from training.data import find_table_file, load_dataset, load_table


def workspace_bodies(data: Path, limit: int | None = None) -> list[Body]:
    """Bodies from the ``application_test`` table of a data directory (e.g. a workspace)."""
    path = find_table_file(data, APPLICATION_TEST.name)
    if path is None:
        raise FileNotFoundError(f"no {APPLICATION_TEST.name} table in {data}")
    return application_bodies(load_table(path, APPLICATION_TEST), limit)


def workspace_history_bodies(data: Path, limit: int) -> list[Body]:
    """History bodies of the first ``limit`` ``application_test`` clients of a data directory.

    Every table is loaded, the training applications too, so that the loader's check of the
    history's client ids finds all of them.
    """
    return history_bodies(load_dataset(data), limit)
