"""The arrows between the packages point one way, checked on the source itself.

``scoring`` is the runtime: everything one decision needs, importing neither ``training``
nor ``dashboard``. ``training`` is offline and builds on ``scoring``. The dashboard talks to
the API over HTTP and may read only the model-free part of ``scoring`` (schema, wording,
feature catalogue, peer descriptors). Benchmarks import no tests, and no test module
imports another, except the shared ``tests.support``; ``devtools`` (server start and stop
for tests, benchmarks and scripts) imports nothing of the product.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("scoring", "training", "dashboard", "benchmarks", "tests", "service", "devtools")
# What each top-level part may import of the others.
ALLOWED = {
    "scoring": {"scoring"},
    "training": {"scoring", "training"},
    "dashboard": {"dashboard", "scoring"},
    "service": {"scoring"},
    "devtools": {"devtools"},
    "benchmarks": {"benchmarks", "devtools", "scoring", "training", "dashboard", "service"},
    "tests": {"tests", "devtools", "scoring", "training", "dashboard", "service", "benchmarks"},
}
# The part of the runtime that holds no model and no service: what the dashboard may read.
MODEL_FREE = (
    "scoring.schema",
    "scoring.columns",
    "scoring.wording",
    "scoring.features",
    "scoring.descriptors",
    "scoring.policy",
    "scoring.scale",
)
HEAVY = ("bentoml", "onnxruntime", "lightgbm", "sklearn")


def _sources(part: str) -> list[Path]:
    if part == "service":
        return [ROOT / "service.py"]
    return sorted(p for p in (ROOT / part).rglob("*.py") if "artifacts" not in p.parts)


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every module ``path`` imports, at the top or inside a function."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
            names.add(node.module)
    return {name for name in names if name.split(".")[0] in PACKAGES}


def _arrows(part: str) -> list[tuple[str, str]]:
    return [(_module(path), name) for path in _sources(part) for name in _imports(path)]


@pytest.mark.parametrize("part", sorted(ALLOWED))
def test_each_part_imports_only_what_it_builds_on(part: str) -> None:
    wrong = [(a, b) for a, b in _arrows(part) if b.split(".")[0] not in ALLOWED[part]]
    assert not wrong, f"{part} must not import: {wrong}"


def test_the_dashboard_reads_only_the_model_free_runtime() -> None:
    wrong = [
        (a, b)
        for a, b in _arrows("dashboard")
        if b.startswith("scoring") and not b.startswith(MODEL_FREE)
    ]
    assert not wrong, f"the dashboard imports model or service code: {wrong}"


def test_the_model_free_runtime_imports_no_model_or_service_code() -> None:
    inside = [
        (a, b)
        for a, b in _arrows("scoring")
        if a.startswith(MODEL_FREE) and b.startswith("scoring") and not b.startswith(MODEL_FREE)
    ]
    assert not inside, inside


def test_no_test_module_imports_another() -> None:
    wrong = [
        (a, b)
        for a, b in _arrows("tests")
        if b.startswith("tests") and not b.startswith("tests.support")
    ]
    assert not wrong, wrong


def test_the_checker_sees_a_wrong_arrow(tmp_path: Path) -> None:
    """A guard that cannot fail proves nothing: a planted wrong import is found."""
    planted = tmp_path / "planted.py"
    planted.write_text("import os\nfrom training.cli import app\ndef f():\n    import dashboard\n")
    assert _imports(planted) == {"training.cli", "training.cli.app", "dashboard"}


def test_importing_the_dashboard_loads_no_model_library() -> None:
    """Checked in a fresh interpreter: the test session itself has them all loaded."""
    code = f"import sys, dashboard.app; print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "", f"import dashboard.app loads {result.stdout.strip()}"
