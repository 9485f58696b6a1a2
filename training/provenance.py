"""Where a dataset or a model comes from: a digest of the code that made it.

A model entry and a generated dataset record the digest of their code, so that ``make demo``
can tell a current one from a stale one, and a reviewer can tell which code made a model.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The code a dataset or a model comes from: a change in any of these files makes it stale.
GENERATOR_SOURCES = ("training/synth",)
MODEL_SOURCES = (
    "scoring/features",
    "scoring/schema",
    "scoring/model",
    "scoring/scale.py",
    "training/model",
)


def source_digest(folders: Iterable[str], root: Path = ROOT) -> str:
    """SHA-256 over the names and contents of the Python and JSON files under ``folders``
    (a folder, or a single file)."""
    digest = hashlib.sha256()
    for folder in folders:
        top = root / folder
        for path in [top] if top.is_file() else sorted(top.rglob("*")):
            if path.suffix in (".py", ".json") and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()
