"""What the audit-trail tests share: a decision record to write, and a throwaway PostgreSQL
cluster (skipped where the server binaries are not installed)."""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from glob import glob
from pathlib import Path

import numpy as np
import pytest

from scoring.serving.audit import DecisionRecord, input_hash


def decision(**changes: object) -> DecisionRecord:
    """A decision as the engine records it; ``changes`` override its fields."""
    values: dict[str, object] = {
        "request_id": uuid.uuid4().hex,
        "endpoint": "predict",
        "model_tag": "credit_scoring:abc123",
        "threshold": 0.073,
        "input_hash": input_hash({"SK_ID_CURR": 100002, "AMT_CREDIT": 406597.5}),
        "probability": 0.1234567890123,
        "decision": "refuse",
        "client_id": 100002,
        "reasons": [{"feature": "EXT_SOURCE_2", "shap": np.float32(0.5), "text": "Score élevé"}],
        "language": "fr",
    }
    return DecisionRecord(**{**values, **changes})


def _postgres_bin() -> Path | None:
    found = shutil.which("pg_ctl")
    candidates = [found] if found else sorted(glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(candidates[-1]).resolve().parent if candidates else None


@dataclass(frozen=True)
class Cluster:
    """A throwaway PostgreSQL cluster in ``root``, listening on a unix socket only."""

    bindir: Path
    root: Path
    user: str | None  # the server refuses to run as root

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@/postgres?host={self.root}"

    def run(self, program: str, *args: object) -> None:
        subprocess.run(
            [self.bindir / program, *args], user=self.user, check=True, capture_output=True
        )

    def start(self) -> None:
        options = f"-k {self.root} -c listen_addresses='' -p 5432 -F"
        data, log = self.root / "data", self.root / "log"
        self.run("pg_ctl", "-D", data, "-l", log, "-w", "-o", options, "start")

    def stop(self, mode: str = "fast") -> None:
        self.run("pg_ctl", "-D", self.root / "data", "-m", mode, "-w", "stop")


@contextmanager
def throwaway_cluster() -> Iterator[Cluster]:
    """A started cluster in a temporary directory, stopped and removed afterwards."""
    bindir = _postgres_bin()
    if bindir is None:
        pytest.skip("PostgreSQL server binaries not found (Debian package postgresql-15)")
    user = None
    if os.geteuid() == 0:
        try:
            account = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and no postgres account to run the server")
        user = "postgres"
    root = Path(tempfile.mkdtemp(prefix="audit-pg-"))  # short: socket paths are limited
    if user:
        os.chown(root, account.pw_uid, account.pw_gid)
    cluster = Cluster(bindir, root, user)
    try:
        cluster.run("initdb", "-D", root / "data", "-U", "postgres", "--auth=trust", "--no-sync")
        cluster.start()
        yield cluster
    finally:
        with suppress(subprocess.CalledProcessError):
            cluster.stop("immediate")
        shutil.rmtree(root, ignore_errors=True)
