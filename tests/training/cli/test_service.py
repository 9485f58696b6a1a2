"""The ``audit-purge`` command (training/cli/service.py): what it deletes and says, where it
reads the audit database, and the arguments it refuses (the purge itself:
tests/scoring/serving/test_audit.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from scoring.serving.audit import AuditLog
from tests.support.audit import decision
from training.cli import app


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'audit.sqlite'}"


def _purge_command(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["audit-purge", *args])
    return result.exit_code, " ".join(result.output.split())


def test_the_purge_command_reports_what_it_deletes(sqlite_url: str) -> None:
    log = AuditLog(sqlite_url)
    old, recent = decision(created_at="2001-01-01T00:00:00.000000+00:00"), decision()
    log.record([old, recent])
    code, output = _purge_command("--older-than-days", "30", "--url", sqlite_url, "--dry-run")
    assert code == 0 and output.startswith("Would delete 1 decisions made before"), output
    assert log.count() == 2
    code, output = _purge_command("--older-than-days", "30", "--url", sqlite_url)
    assert code == 0 and output.startswith("Deleted 1 decisions"), output
    assert [r.request_id for r in log.fetch([old.request_id, recent.request_id])] == [
        recent.request_id
    ]
    code, output = _purge_command("--client-id", "100002", "--url", sqlite_url)
    assert code == 0 and "Deleted 1 decisions about client 100002" in output, output
    assert log.count() == 0


def test_the_purge_command_reads_the_service_url(
    monkeypatch: pytest.MonkeyPatch, sqlite_url: str
) -> None:
    AuditLog(sqlite_url).record([decision()])
    monkeypatch.setenv("CREDIT_AUDIT_DB_URL", sqlite_url)
    code, output = _purge_command("--client-id", "100002", "--dry-run")
    assert code == 0 and "Would delete 1 decisions" in output and sqlite_url in output, output


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((), "--older-than-days N (retention) or --client-id ID"),
        (("--older-than-days", "0"), "--older-than-days must be at least 1"),
        (("--older-than-days", "-5"), "--older-than-days must be at least 1"),
        (("--older-than-days", "-1", "--client-id", "7"), "--older-than-days must be at least"),
        (("--client-id", "0"), "--client-id must be a positive SK_ID_CURR"),
        (("--older-than-days", "99999"), "'--older-than-days'"),
        (("--older-than-days", "ten"), "'--older-than-days'"),
    ],
)
def test_the_purge_command_refuses_nonsense(sqlite_url: str, args, expected) -> None:
    log = AuditLog(sqlite_url)
    log.record([decision(created_at="2001-01-01T00:00:00.000000+00:00")])
    code, output = _purge_command(*args, "--url", sqlite_url)
    assert code == 2 and expected in output, output
    assert log.count() == 1


def test_the_purge_command_does_not_create_a_missing_database(tmp_path: Path) -> None:
    missing = tmp_path / "typo.sqlite"
    code, output = _purge_command("--older-than-days", "30", "--url", f"sqlite:///{missing}")
    assert code == 2 and f"no audit database at {missing}" in output, output
    assert not missing.exists()
