"""What the records tests share: an inquiry and a decision to record, and a throwaway
PostgreSQL cluster (skipped where the server binaries are not installed)."""

from __future__ import annotations

import json
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

import psycopg
import pytest
from sqlalchemy import select

from scoring.records.database import RecordsDatabase
from scoring.records.decisions import NewDecision
from scoring.records.inquiries import Inquiry, digest
from scoring.records.tables import INQUIRIES

INPUT_HASH = digest(b'{"SK_ID_CURR":100002,"AMT_CREDIT":406597.5}')


def inquiry(**changes: object) -> Inquiry:
    """A scoring call as the service records it; ``changes`` override its fields."""
    values: dict[str, object] = {
        "request_id": uuid.uuid4().hex,
        "endpoint": "predict",
        "purpose": "application",
        "actor": "key:test",
        "model_tag": "credit_scoring:abc123",
        "threshold": 0.073,
        "input_hash": INPUT_HASH,
        "probability": 0.1234567890123,
        "recommendation": "refused",
        "client_id": 100002,
        "reasons": ["external_scores.raises", "income_burden.raises"],
        "language": "fr",
    }
    return Inquiry(**{**values, **changes})


def new_decision(**changes: object) -> NewDecision:
    """A person's decision on the model's recommendation; ``changes`` override its fields."""
    values: dict[str, object] = {
        "client_id": 100002,
        "input_hash": INPUT_HASH,
        "model_tag": "credit_scoring:abc123",
        "threshold": 0.073,
        "review_band": 0.02,
        "probability": 0.05,
        "recommendation": "granted",
        "final_decision": "granted",
        "decided_by": "user:advisor",
        "reason": None,
        "note": None,
        "reason_codes": ["external_scores.lowers"],
        "language": "en",
        "idempotency_key": uuid.uuid4().hex,
    }
    return NewDecision(**{**values, **changes})


def stored(database: RecordsDatabase, request_ids: list[str]) -> list[Inquiry]:
    """The recorded inquiries among ``request_ids``, in that order (unknown ids skipped)."""
    query = select(INQUIRIES).where(INQUIRIES.c.request_id.in_(request_ids))
    with database.reading() as connection:
        found = {}
        for row in connection.execute(query):
            values = dict(row._mapping)
            if values["reasons"] is not None:
                values["reasons"] = json.loads(values["reasons"])
            found[row.request_id] = Inquiry(**values)
    return [found[request_id] for request_id in request_ids if request_id in found]


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

    def new_database(self, name: str) -> str:
        """Create an empty database ``name`` on the cluster; its URL."""
        with psycopg.connect(host=str(self.root), user="postgres", autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        return self.url.replace("/postgres?", f"/{name}?")


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
    root = Path(tempfile.mkdtemp(prefix="records-pg-"))  # short: socket paths are limited
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
