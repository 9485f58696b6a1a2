"""Who runs a lifecycle command: every promotion and rollback names a person."""

from __future__ import annotations

import getpass
import os

OPERATOR_VARIABLE = "CREDIT_OPERATOR"


def operator() -> str:
    """``CREDIT_OPERATOR`` when set (a CI job names its owner), else the system login."""
    return os.environ.get(OPERATOR_VARIABLE) or getpass.getuser()
