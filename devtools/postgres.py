"""A throw-away PostgreSQL cluster: initialised in a temporary directory, listening on a unix
socket only, stopped and removed afterwards.

Shared by the tests (``tests/support/records.py``, which skips when no server can be
started) and the benchmarks (which report the database as skipped): where no server can be
started, :class:`PostgresUnavailable` says why and the caller decides.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from glob import glob
from pathlib import Path

import psycopg


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server can be started here; the message says why."""


def postgres_bin() -> Path | None:
    """The directory of ``pg_ctl`` (on the PATH, or Debian's newest), None when absent."""
    found = shutil.which("pg_ctl")
    candidates = [found] if found else sorted(glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(candidates[-1]).resolve().parent if candidates else None


@dataclass(frozen=True)
class Cluster:
    """A cluster in ``root``, run by ``user`` (None: this one; the server refuses root).

    ``fsync`` off trades durability for speed (tests); on, a commit costs what it costs on a
    real server (benchmarks).
    """

    bindir: Path
    root: Path
    user: str | None
    fsync: bool = True

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@/postgres?host={self.root}"

    def run(self, program: str, *args: str | Path) -> None:
        subprocess.run(
            [self.bindir / program, *args], user=self.user, check=True, capture_output=True
        )

    def start(self) -> None:
        options = f"-k {self.root} -c listen_addresses='' -p 5432" + ("" if self.fsync else " -F")
        data, log = self.root / "data", self.root / "log"
        self.run("pg_ctl", "-D", data, "-l", log, "-w", "-o", options, "start")

    def stop(self, mode: str = "fast") -> None:
        self.run("pg_ctl", "-D", self.root / "data", "-m", mode, "-w", "stop")

    def new_database(self, name: str) -> str:
        """Create an empty database ``name``; its URL."""
        with psycopg.connect(host=str(self.root), user="postgres", autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        return self.url.replace("/postgres?", f"/{name}?")


@contextmanager
def throwaway_cluster(fsync: bool = True) -> Iterator[Cluster]:
    """A started cluster; :class:`PostgresUnavailable` when none can be started here."""
    bindir = postgres_bin()
    if bindir is None:
        raise PostgresUnavailable(
            "PostgreSQL server binaries not found (pg_ctl; Debian package postgresql-15)"
        )
    user = None
    if os.geteuid() == 0:
        try:
            account = pwd.getpwnam("postgres")
        except KeyError:
            raise PostgresUnavailable(
                "running as root and no postgres account to run the server"
            ) from None
        user = "postgres"
    root = Path(tempfile.mkdtemp(prefix="pg-"))  # short: socket paths are limited
    if user:
        os.chown(root, account.pw_uid, account.pw_gid)
    cluster = Cluster(bindir, root, user, fsync)
    try:
        cluster.run("initdb", "-D", root / "data", "-U", "postgres", "--auth=trust", "--no-sync")
        cluster.start()
        yield cluster
    finally:
        with suppress(subprocess.CalledProcessError):
            cluster.stop("immediate")
        shutil.rmtree(root, ignore_errors=True)
