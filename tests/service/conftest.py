"""A configured service: trained model in the temp store, portfolio and audit databases."""

from __future__ import annotations

import importlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pandas as pd
import pytest
from starlette.testclient import TestClient

from training import config
from training.serving.portfolio import write_portfolio

TOKEN = "test-token-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def service_env(
    model_tag: str, model_dataset: dict[str, pd.DataFrame], tmp_path_factory
) -> dict[str, str]:
    """Environment of a service serving the test model, with its own databases."""
    directory = tmp_path_factory.mktemp("service")
    portfolio = f"sqlite:///{directory / 'portfolio.sqlite'}"
    write_portfolio(model_dataset, portfolio)
    return {
        config.MODEL_TAG_ENV: model_tag,
        config.API_TOKEN_ENV: TOKEN,
        config.AUDIT_DB_URL_ENV: f"sqlite:///{directory / 'audit.sqlite'}",
        config.PORTFOLIO_DB_URL_ENV: portfolio,
    }


@pytest.fixture(scope="session")
def asgi_client(service_env: dict[str, str]) -> Iterator[TestClient]:
    """The service in process through BentoML's ASGI app (no server)."""
    previous = {key: os.environ.get(key) for key in service_env}
    os.environ.update(service_env)
    service = importlib.import_module("service")
    with TestClient(service.CreditScoring.to_asgi()) as client:
        yield client
    for key, value in previous.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def server(service_env: dict[str, str]) -> Iterator[str]:
    """A real `bentoml serve` subprocess; its whole process group is killed afterwards."""
    port = free_port()
    env = {**os.environ, **service_env}
    process = subprocess.Popen(
        [sys.executable, "-m", "bentoml", "serve", "service:CreditScoring", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(url, process)
        yield url
    finally:
        stop(process)


def wait_ready(url: str, process: subprocess.Popen, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"bentoml serve exited: {process.stderr.read().decode()[-2000:]}")
        try:
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"{url} not ready within {timeout} s")


def stop(process: subprocess.Popen) -> None:
    """SIGTERM the process group, then SIGKILL what is left."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    except ProcessLookupError:
        pass
