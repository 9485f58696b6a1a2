"""Run the service's OCI image on this machine: with Docker or Podman where they work, else
``buildah run`` with chroot isolation (no daemon, no container runtime; docs/container.md).

Whatever the engine, the image runs as one foreground process in a process group of its
own, so :func:`devtools.servers.stop` stops it the way it stops ``bentoml serve``.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator, Mapping
from datetime import datetime
from pathlib import Path

from devtools.servers import stop

IMAGE = "credit-scoring:latest"  # what `make container` tags
ENGINES = ("docker", "podman", "buildah")
# Where the image's CREDIT_AUDIT_DB_URL and CREDIT_PORTFOLIO_DB_URL point (bentofile.yaml).
DATA_DIR = "/home/bentoml/data"
SERVICE_PORT = 3000  # the port `bentoml serve` listens on inside the image


def engine() -> str | None:
    """The engine that runs images here: ``CONTAINER_ENGINE`` if set, else Docker or Podman
    when their service answers, else buildah if installed; None when there is none."""
    chosen = os.environ.get("CONTAINER_ENGINE")
    if chosen:
        if chosen not in ENGINES:
            raise ValueError(f"CONTAINER_ENGINE={chosen!r}: expected one of {', '.join(ENGINES)}")
        return chosen
    for name in ("docker", "podman"):
        if shutil.which(name) and _succeeds([name, "info"]):
            return name
    return "buildah" if shutil.which("buildah") else None


def image_exists(engine: str, image: str) -> bool:
    """Whether ``image`` is in the local storage of ``engine``."""
    if engine == "buildah":
        return _succeeds(["buildah", "inspect", "--type", "image", image])
    return _succeeds([engine, "image", "inspect", image])


def image_created(engine: str, image: str) -> float:
    """When ``image`` was built, in seconds since the epoch."""
    if engine == "buildah":
        command = ["buildah", "inspect", "--type", "image", "--format", "{{.OCIv1.Created.Unix}}"]
        return float(_output([*command, image]).strip())
    if engine == "podman":
        return float(
            _output(["podman", "image", "inspect", "--format", "{{.Created.Unix}}", image])
        )
    created = _output(["docker", "image", "inspect", "--format", "{{.Created}}", image]).strip()
    # Docker writes nanoseconds; Python parses at most microseconds.
    created = re.sub(r"(\.\d{6})\d+", r"\1", created).replace("Z", "+00:00")
    return datetime.fromisoformat(created).timestamp()


@contextlib.contextmanager
def run_image(
    engine: str, image: str, env: Mapping[str, str], port: int, data: Path
) -> Iterator[subprocess.Popen]:
    """Serve ``image`` on 127.0.0.1:``port`` with ``env`` added to its environment and the
    directory ``data`` mounted on :data:`DATA_DIR`; stopped and removed on exit.

    Values of ``env`` never appear on a command line (``ps`` shows those to every user).
    """
    name = f"credit-scoring-{port}"
    if engine == "buildah":
        command = _buildah_container(image, name, env, port, data)
    else:
        # `-e NAME` without a value passes the variable from the engine client's environment.
        variables = [arg for key in env for arg in ("-e", key)]
        publish = f"127.0.0.1:{port}:{SERVICE_PORT}"
        volume = f"{data}:{DATA_DIR}"
        command = [engine, "run", "--rm", "--name", name, "-p", publish, "-v", volume]
        command += [*variables, image]
    process = subprocess.Popen(
        command,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        yield process
    finally:
        stop(process)
        remove = ["buildah", "rm", name] if engine == "buildah" else [engine, "rm", "-f", name]
        subprocess.run(remove, capture_output=True, check=False)


def _buildah_container(
    image: str, name: str, env: Mapping[str, str], port: int, data: Path
) -> list[str]:
    """Create the working container ``name`` of ``image``; the command that serves it.

    ``buildah run`` neither applies the image's entrypoint nor isolates the network: the
    entrypoint is read from the image and the server binds the loopback interface only.
    """
    subprocess.run(["buildah", "rm", name], capture_output=True, check=False)  # a leftover
    inspected = _output(["buildah", "inspect", "--type", "image", image])
    entrypoint = json.loads(inspected)["OCIv1"]["config"].get("Entrypoint") or []
    if not entrypoint:
        raise RuntimeError(f"image {image} has no entrypoint: is it a containerized Bento?")
    _output(["buildah", "from", "--name", name, image])
    # Stored with the container, in root-only storage, rather than on the command line.
    _output(["buildah", "config", *(f"--env={key}={value}" for key, value in env.items()), name])
    return [
        *("buildah", "run", "--isolation", "chroot", "-v", f"{data}:{DATA_DIR}", name, "--"),
        *(*entrypoint, "--host", "127.0.0.1", "--port", str(port)),
    ]


def _succeeds(command: list[str]) -> bool:
    return subprocess.run(command, capture_output=True, check=False).returncode == 0


def _output(command: list[str]) -> str:
    """The standard output of ``command``; its error output in the exception if it fails."""
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command[:2])} failed: {done.stderr.strip()}")
    return done.stdout
