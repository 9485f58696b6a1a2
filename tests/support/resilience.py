"""The resilience suite's summary: each test records what it measured and whether it held
(``tests/resilience/conftest.py`` prints the table and writes it to ``SUMMARY_FILE``)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from training import config

# ``make resilience`` sets it for the longer runs; ``make test`` runs the CI length.
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
