"""A `bentoml serve` with records of its own, for tests that read what the whole window of
records says (monitoring, metrics): the session's shared server has served other tests'
applications, which would be counted with theirs."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from devtools.servers import serving


@pytest.fixture(scope="module")
def own_server(
    service_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A real `bentoml serve` on a new SQLite records file; its process group is killed after."""
    records = tmp_path_factory.mktemp("own-records") / "records.sqlite"
    with serving({**service_env, "CREDIT_AUDIT_DB_URL": f"sqlite:///{records}"}) as url:
        yield url
