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
from scoring.serving.audit import AuditLog
from scoring.serving.schemas import APPLICATION_EXAMPLE

pytestmark = [pytest.mark.container, pytest.mark.slow]

READY_TIMEOUT = 120.0  # seconds; about 4 s with buildah here


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
    return engine, image


def test_image_serves_scores_with_the_token_and_refuses_without(
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

        scored = client.post("/predict", json=body, headers={"Authorization": f"Bearer {token}"})
        assert scored.status_code == 200, scored.text
        prediction = scored.json()
        assert 0.0 <= prediction["probability"] <= 1.0
        assert prediction["decision"] in ("granted", "refused")

        anonymous = client.post("/predict", json=body)
        assert anonymous.status_code == 401, anonymous.text

    # Stopped, process group and workers included: nothing answers any more.
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{url}/readyz", trust_env=False, timeout=2)
    # The decision went to the audit trail on the volume, written by the service's own user.
    audit = data / "audit.sqlite"
    assert audit.is_file(), f"no audit trail in the volume: {sorted(os.listdir(data))}"
    assert audit.stat().st_uid != 0
    assert AuditLog(f"sqlite:///{audit}").count() == 1
