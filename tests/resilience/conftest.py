"""The resilience suite's summary: each test records what it measured and whether it held.

``make test`` runs these tests at their CI length; ``make resilience`` sets
``CREDIT_RESILIENCE_LONG=1`` for the longer versions and prints the summary table at the end
of the run (it is also written to ``data/resilience/summary.json``).
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field

import pytest

from training import config

LONG = os.environ.get("CREDIT_RESILIENCE_LONG") == "1"
SUMMARY_FILE = config.DATA_DIR / "resilience" / "summary.json"


@dataclass(frozen=True)
class Finding:
    """One line of the summary: what was checked, the figure measured, and the outcome."""

    area: str
    check: str
    figure: str
    passed: bool | None  # None: the check could not run here (the figure says why)


@dataclass
class Report:
    """Findings of the whole session, in the order the tests recorded them."""

    findings: list[Finding] = field(default_factory=list)

    def add(self, area: str, check: str, figure: str, passed: bool | None) -> None:
        self.findings.append(Finding(area, check, figure, passed))


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
