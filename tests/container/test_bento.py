"""The Bento carries what serving needs and nothing else: service.py, the runtime package
and the model, with the service group's requirements; no training, dashboard or tests."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import bentoml
import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def test_the_bento_holds_the_service_and_the_runtime_package_only(
    model_tag: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CREDIT_MODEL_TAG", model_tag)
    result = subprocess.run(
        [sys.executable, "-m", "bentoml", "build", "--output", "tag"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    tag = result.stdout.strip().removeprefix("__tag__:")
    bento = bentoml.get(tag)
    source = Path(bento.path) / "src"
    files = sorted(str(p.relative_to(source)) for p in source.rglob("*") if p.is_file())
    assert "service.py" in files and "scoring/settings.py" in files
    strays = [f for f in files if f not in ("service.py", "bentofile.yaml")]
    strays = [f for f in strays if not f.startswith("scoring/")]
    assert not strays, f"the Bento carries more than serving needs: {strays}"
    assert [m.tag for m in bento.info.all_models] == [bentoml.models.get(model_tag).tag]
    shipped = _pins(Path(bento.path) / "env/python/requirements.txt")
    assert shipped == _pins(ROOT / "requirements/service.txt"), "the Bento's are not the lock's"
    for package in ("panel", "bokeh", "scikit-learn", "optuna", "matplotlib", "mlflow"):
        assert package not in {pin.split("==")[0] for pin in shipped}, package


def _pins(path: Path) -> set[str]:
    """The ``name==version`` pins of a requirements file, markers aside."""
    lines = path.read_text().splitlines()
    return {line.split(";")[0].strip() for line in lines if "==" in line}
