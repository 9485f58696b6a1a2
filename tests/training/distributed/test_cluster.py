"""The cluster (training/distributed/cluster.py): a scheduler address that cannot work is
refused in one sentence, and tasks come back in order or with their own error."""

from __future__ import annotations

import pytest
from distributed import Client

from training.distributed import cluster
from training.distributed.cluster import ClusterError, PartitionError, dask_client, run_tasks


@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("tcp://127.0.0.1:9", r"cannot reach the Dask scheduler at tcp://127.0.0.1:9: .*expected "
                              r"the address of a running Dask scheduler"),
        ("nonsense", r"'nonsense' is not a scheduler address .*tcp://10.0.0.5:8786"),
    ],
)  # fmt: skip
def test_a_scheduler_that_cannot_be_used_is_named(
    address: str, message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT_S", 1)
    with pytest.raises(ClusterError, match=message), dask_client(address):
        pass


def _square(item: int, offset: int = 0) -> int:
    if item < 0:
        raise PartitionError(f"partition {item} is broken")
    return item * item + offset


def test_results_come_back_in_item_order(dask: Client) -> None:
    assert run_tasks(dask, _square, [3, 1, 2], "squares", offset=1) == [10, 2, 5]


def test_a_failed_task_raises_its_own_error(dask: Client) -> None:
    with pytest.raises(PartitionError, match="partition -1 is broken"):
        run_tasks(dask, _square, [1, -1, 2], "squares")


def test_an_existing_scheduler_is_used(dask: Client) -> None:
    with dask_client(dask.scheduler_info()["address"]) as client:
        assert run_tasks(client, _square, [4], "squares") == [16]
        assert "workers" in cluster.describe(client)


def test_a_scheduler_without_workers_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    from distributed import LocalCluster

    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT_S", 1)
    with LocalCluster(n_workers=0, processes=False, dashboard_address=None) as empty:
        address = empty.scheduler_address
        message = f"scheduler at {address} has no workers"
        with pytest.raises(ClusterError, match=message), dask_client(address):
            pass
