"""The resilience suite's summary: each test records what it measured and whether it held.

``make test`` runs these tests at their CI length; ``make resilience`` sets
``CREDIT_RESILIENCE_LONG=1`` for the longer versions and prints the summary table at the end
of the run (it is also written to ``data/resilience/summary.json``).
"""

from __future__ import annotations

import json
from dataclasses import asdict

import pytest

from tests.support.resilience import LONG, SUMMARY_FILE, Report

_REPORT = Report()


@pytest.fixture(scope="session")
def resilience_report() -> Report:
    """Where the resilience tests record their figures for the summary table."""
    return _REPORT


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not _REPORT.findings:
        return
    outcome = {True: "ok", False: "FAILED", None: "not run"}
    rows = [(f.area, f.check, f.figure, outcome[f.passed]) for f in _REPORT.findings]
    headers = ("area", "check", "measured", "outcome")
    widths = [max(len(str(row[i])) for row in [headers, *rows]) for i in range(len(headers))]
    terminalreporter.section("resilience summary" + (" (long)" if LONG else ""))
    for row in [headers, tuple("-" * w for w in widths), *rows]:
        terminalreporter.write_line(
            "  ".join(str(v).ljust(w) for v, w in zip(row, widths, strict=True))
        )
    SUMMARY_FILE.parent.mkdir(parents=True, exist_ok=True)
    document = {"long": LONG, "findings": [asdict(f) for f in _REPORT.findings]}
    SUMMARY_FILE.write_text(json.dumps(document, indent=1) + "\n")
