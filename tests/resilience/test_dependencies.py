"""The locked dependencies against PyPI's vulnerability data, with pip-audit.

Any finding fails the test unless ``requirements/audit-ignore.txt`` lists its id with the
reason it is accepted. When pip-audit could not look packages up, it still says "No known
vulnerabilities found" and exits 0; an audit that could not ask PyPI proves nothing, so the
test is then skipped with the reason (and the resilience summary says "not run"), never
passed. Machines whose only route to PyPI is a mirror of its simple index are in that case.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

import pytest
from packaging.utils import canonicalize_name

from devtools.servers import ROOT

pytestmark = pytest.mark.slow

ALLOWLIST = ROOT / "requirements" / "audit-ignore.txt"
SERVICE_REQUIREMENTS = ROOT / "requirements" / "service.txt"  # what the Bento image installs
PIP_AUDIT = Path(sys.executable).parent / "pip-audit"


class Finding(NamedTuple):
    package: str
    version: str
    id: str
    aliases: tuple[str, ...]
    fixed_in: tuple[str, ...]
    in_service_image: bool

    def __str__(self) -> str:
        fix = f"fixed in {', '.join(self.fixed_in)}" if self.fixed_in else "no fixed release"
        where = "in the service image" if self.in_service_image else "dev tools only"
        return f"{self.package} {self.version}: {self.id} ({fix}; {where})"


def accepted() -> dict[str, str]:
    """Vulnerability id → the reason it is accepted, from ``ALLOWLIST``."""
    entries = {}
    for number, line in enumerate(ALLOWLIST.read_text().splitlines(), start=1):
        entry, _, reason = line.partition("#")
        if entry.strip():
            if not reason.strip():
                raise ValueError(f"{ALLOWLIST.name}, line {number}: {entry.strip()} needs a reason")
            entries[entry.strip()] = reason.strip()
    return entries


def service_packages() -> set[str]:
    """Names pinned in the service requirements (``uv export --no-dev``)."""
    lines = SERVICE_REQUIREMENTS.read_text().splitlines()
    return {
        canonicalize_name(line.split("==")[0]) for line in lines if "==" in line and line[0] != " "
    }


def _uv() -> str:
    local = ROOT / ".venv" / "bin" / "uv"
    found = str(local) if local.is_file() else shutil.which("uv")
    if found is None:
        pytest.fail("uv is neither in .venv/bin nor on PATH: run `make setup`")
    return found


def _audit(requirements: Path, report: Path) -> list[dict]:
    """pip-audit's JSON list of dependencies, each with its ``vulns`` or ``skip_reason``."""
    command = [str(PIP_AUDIT), "-r", str(requirements), "--no-deps", "--disable-pip"]
    options = ["--format", "json", "--output", str(report), "--progress-spinner", "off"]
    result = subprocess.run(
        [*command, *options, "--timeout", "30"], capture_output=True, text=True, timeout=900
    )
    if not report.is_file():
        pytest.fail(f"pip-audit failed (exit {result.returncode}): {result.stderr[-2000:]}")
    return json.loads(report.read_text())["dependencies"]


def test_no_known_vulnerability_in_the_locked_dependencies(tmp_path, resilience_report):
    requirements = tmp_path / "requirements.txt"
    export = [_uv(), "export", "--frozen", "--no-hashes", "--no-emit-project", "--quiet"]
    subprocess.run([*export, "-o", str(requirements)], cwd=ROOT, check=True, timeout=300)
    dependencies = _audit(requirements, tmp_path / "audit.json")
    skipped = [d for d in dependencies if d.get("skip_reason")]
    if skipped:
        reason = (
            f"pip-audit could not look up {len(skipped)} of {len(dependencies)} packages, e.g. "
            f"{skipped[0]['skip_reason']!r}: PyPI's vulnerability API "
            "(https://pypi.org/pypi/<name>/<version>/json) is unreachable from this network"
        )
        resilience_report.add("dependencies", "pip-audit", f"not run: {reason}", None)
        pytest.skip(reason)  # a visible skip, never a pass: nothing was audited
    image = service_packages()
    findings = [
        Finding(
            dependency["name"],
            dependency["version"],
            vulnerability["id"],
            tuple(vulnerability.get("aliases", ())),
            tuple(vulnerability.get("fix_versions", ())),
            canonicalize_name(dependency["name"]) in image,
        )
        for dependency in dependencies
        for vulnerability in dependency.get("vulns", ())
    ]
    allowed = accepted()
    unexplained = [f for f in findings if not {f.id, *f.aliases} & allowed.keys()]
    resilience_report.add(
        "dependencies",
        "pip-audit",
        f"{len(dependencies)} packages: {len(findings)} findings "
        f"({sum(f.in_service_image for f in findings)} in the image), "
        f"{len(unexplained)} not in {ALLOWLIST.name}",
        not unexplained,
    )
    assert not unexplained, "upgrade, or explain in requirements/audit-ignore.txt:\n" + "\n".join(
        map(str, unexplained)
    )
