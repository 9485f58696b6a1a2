"""What the browser tests share: Debian's chromium (never a downloaded one), the marks that
skip a module without it before any server starts, its launch options and the wait."""

from __future__ import annotations

from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
# Slow, and skipped before any fixture starts a server when there is no browser to drive.
NEEDS_CHROMIUM = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.is_file(),
        reason=f"no chromium at {CHROMIUM}: apt-get install chromium (.ci/run does)",
    ),
]
# No background traffic of the browser's own (updates, sync), which is not the page's.
LAUNCH_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
WAIT_MS = 60_000  # two busy cores: the first render of a session can take seconds
