"""Expensive test artefacts built once per test run, not once per pytest-xdist worker.

Session fixtures run in every worker. The first worker to ask builds the value under a lock
in the run's base temporary directory (shared by the workers, as the pytest-xdist docs
recommend) and pickles it there; the others wait for it and read it back.
"""

from __future__ import annotations

import fcntl
import os
import pickle
from collections.abc import Callable
from typing import TypeVar

import pytest

T = TypeVar("T")


def once_per_run(factory: pytest.TempPathFactory, name: str, build: Callable[[], T]) -> T:
    """``build()``, computed by one worker of the run and shared with the others."""
    if "PYTEST_XDIST_WORKER" not in os.environ:
        return build()
    path = factory.getbasetemp().parent / f"{name}.pickle"
    with open(path.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if path.is_file():
            return pickle.loads(path.read_bytes())
        value = build()
        path.write_bytes(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        return value
