"""The OCI image `make container` builds, run as a deployment runs it: its own entrypoint and
non-root user, the token in its environment, a volume on its data directory.

Run by `make container-smoke` (which names the image, so a missing one fails) and by
`make test` when an image is there; see docs/container.md.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import httpx
import pytest

from devtools import containers
from devtools.servers import free_port, wait_ready
from scoring.records.database import RecordsDatabase
from scoring.records.decisions import DecisionBook
from scoring.records.inquiries import InquiryLog
from scoring.serving.schemas import APPLICATION_EXAMPLE

pytestmark = [pytest.mark.container, pytest.mark.slow]

READY_TIMEOUT = 120.0  # seconds; about 4 s with buildah here
ROOT = Path(__file__).resolve().parents[2]


def _newest_source() -> float:
    """When the newest file the image is built from last changed."""
    sources = [ROOT / "service.py", ROOT / "bentofile.yaml", *(ROOT / "scoring").rglob("*")]
    return max(path.stat().st_mtime for path in sources if path.is_file())


@pytest.fixture(scope="module")
def engine_and_image() -> tuple[str, str]:
    """The engine to run the image with, and the image (``CONTAINER_IMAGE``, else the
    default tag); skips when neither is there, unless the image was named."""
    named = os.environ.get("CONTAINER_IMAGE")
    image = named or containers.IMAGE
    engine = containers.engine()
    if engine is None:
        reason = "no container engine: install Docker, Podman or buildah (docs/container.md)"
        if named:
            pytest.fail(reason)
        pytest.skip(reason)
    if not containers.image_exists(engine, image):
        reason = f"no image {image} in {engine}'s storage: build it with `make container`"
        if named:
            pytest.fail(reason)
        pytest.skip(reason)
    if not named and containers.image_created(engine, image) < _newest_source():
        # An image left by an earlier build tests that build, not this code.
        pytest.skip(
            f"image {image} is older than the service's code: rebuild with `make container`"
        )
    return engine, image


def test_image_serves_scores_decisions_and_letters_with_the_token_and_refuses_without(
    engine_and_image: tuple[str, str], tmp_path: Path
) -> None:
    engine, image = engine_and_image
    data = tmp_path / "data"
    data.mkdir()
    data.chmod(0o777)  # the image's user is not root
    token = secrets.token_urlsafe(32)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    body = {"application": APPLICATION_EXAMPLE}
    # Never through a proxy: the server is on this machine.
    with (
        httpx.Client(base_url=url, trust_env=False, timeout=30) as client,
        containers.run_image(engine, image, {"CREDIT_API_TOKEN": token}, port, data) as server,
    ):
        wait_ready(url, server, timeout=READY_TIMEOUT)

        auth = {"Authorization": f"Bearer {token}"}
        scored = client.post("/predict", json=body, headers=auth)
        assert scored.status_code == 200, scored.text
        prediction = scored.json()
        assert 0.0 <= prediction["probability"] <= 1.0
        assert prediction["recommendation"] in ("granted", "refused", "review")
        # A batch read column-wise (msgspec, pyarrow): the image holds the batch path's stack.
        batch = {"applications": [{"application": {**APPLICATION_EXAMPLE, "SK_ID_CURR": i}}
                                  for i in (7001, 7002)]}  # fmt: skip
        batched = client.post("/predict_batch", json=batch, headers=auth)
        assert batched.status_code == 200, batched.text
        assert [r["client_id"] for r in batched.json()["results"]] == [7001, 7002]
        refusal = {**body, "final_decision": "refused", "reason": "affordability",
                   "idempotency_key": "container-smoke-1"}  # fmt: skip
        decided = client.post("/decisions", json=refusal, headers=auth)
        assert decided.status_code == 201, decided.text
        # The letter renders in the image: WeasyPrint, Pango and the fonts are all there.
        letter = client.post(
            "/decisions/letter",
            json={"decision_id": decided.json()["decision_id"], "language": "fr"},
            headers=auth,
        )
        assert letter.status_code == 200, letter.text
        assert letter.content.startswith(b"%PDF")

        anonymous = client.post("/predict", json=body)
        assert anonymous.status_code == 401, anonymous.text

    # Stopped, process group and workers included: nothing answers any more.
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{url}/readyz", trust_env=False, timeout=2)
    # The scores (one alone, two in a batch) and the decision went to the records on the
    # volume, written by the service's own user.
    records = data / "audit.sqlite"
    assert records.is_file(), f"no records in the volume: {sorted(os.listdir(data))}"
    assert records.stat().st_uid != 0
    database = RecordsDatabase(f"sqlite:///{records}")
    assert InquiryLog(database).count() == 3
    assert DecisionBook(database).count() == 1 and DecisionBook(database).verify() == []
