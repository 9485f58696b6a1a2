"""The Dask cluster: an existing one at ``--scheduler ADDRESS``, or a ``LocalCluster``.

Tasks are plain functions mapped over partition numbers; :func:`run_tasks` shows their
progress and returns their results in partition order. A task's failure comes back as a
:class:`PartitionError`, whose message names the partition and what is wrong with it: the
commands print it as one sentence, never as a worker's traceback.
"""

from __future__ import annotations

import logging
import os
import resource
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from distributed import Client, LocalCluster, as_completed
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

logger = logging.getLogger(__name__)

CONNECT_TIMEOUT_S = 10
T = TypeVar("T")


class ClusterError(RuntimeError):
    """No cluster to run on: the scheduler address is wrong or unreachable."""


class PartitionError(RuntimeError):
    """A partition could not be processed; the message names it and says why.

    A plain one-sentence exception, because it travels back from the worker pickled: the
    loader's ``SchemaError`` would lose its list of problems on the way.
    """


@contextmanager
def dask_client(
    scheduler: str | None = None, workers: int | None = None, processes: bool = True
) -> Iterator[Client]:
    """A client of the cluster at ``scheduler``, or of a new ``LocalCluster``.

    The local cluster runs one single-threaded worker per core (``workers`` to change it):
    the feature code is numpy, which holds the GIL in most of its loops, so processes
    rather than threads use the cores. ``processes=False`` keeps the workers in this
    process (tests).
    """
    # The scheduler of a local cluster runs here: its start and stop messages are noise.
    quiet = logging.getLogger("distributed")
    level = quiet.level
    quiet.setLevel(max(logging.WARNING, level))
    try:
        if scheduler:
            with _connect(scheduler) as client:
                _check_environment(client, scheduler)
                yield client
            return
        with (
            LocalCluster(
                n_workers=workers or os.cpu_count() or 1,
                threads_per_worker=1,
                processes=processes,
                dashboard_address=":0",  # any free port: the dashboard shows every task
                # A failed task is reported here, as one sentence: not as the worker's log.
                silence_logs=logging.CRITICAL,
            ) as cluster,
            Client(cluster) as client,
        ):
            yield client
    finally:
        quiet.setLevel(level)


def _connect(scheduler: str) -> Client:
    """Connect to a running scheduler, or raise :class:`ClusterError` saying what to pass."""
    expected = (
        "expected the address of a running Dask scheduler, such as tcp://10.0.0.5:8786 "
        "(`dask scheduler` prints it), or no --scheduler for a local cluster"
    )
    try:
        return Client(scheduler, timeout=CONNECT_TIMEOUT_S)
    except (OSError, TimeoutError) as error:
        message = f"cannot reach the Dask scheduler at {scheduler}: {error}; {expected}"
        raise ClusterError(message) from None
    except (ValueError, TypeError) as error:
        message = f"{scheduler!r} is not a scheduler address ({error}); {expected}"
        raise ClusterError(message) from None


def _check_environment(client: Client, scheduler: str) -> None:
    """Refuse a cluster without workers, or whose processes cannot import this project.

    The scheduler unpickles the task graph and the workers run the tasks: both need the
    project's code and packages (docs/scaling.md). Checked once here, because a failure
    later would surface as Dask's own deserialisation traceback.
    """
    try:
        client.wait_for_workers(1, timeout=CONNECT_TIMEOUT_S)
    except TimeoutError:
        raise ClusterError(
            f"the Dask scheduler at {scheduler} has no workers; start some with "
            f"`dask worker {scheduler}` from the project's environment (docs/scaling.md)"
        ) from None
    try:
        client.run_on_scheduler(_project_importable)
        client.run(_project_importable)
    except Exception as error:  # whatever unpickling fails with on the other side
        raise ClusterError(
            f"the Dask scheduler or workers at {scheduler} cannot run this project's code "
            f"({type(error).__name__}: {str(error).splitlines()[0]}); start them from the "
            "project's environment, in its directory or with PYTHONPATH set to it "
            "(docs/scaling.md)"
        ) from None


def _project_importable() -> bool:
    """Runs on the scheduler and the workers: unpickling it imports this module."""
    import training.distributed.partitions  # noqa: F401  (and through it, scoring)

    return True


def describe(client: Client) -> str:
    """Workers and threads of the cluster, for the commands' reports."""
    info = client.scheduler_info()
    workers = info.get("workers", {})
    threads = sum(worker.get("nthreads", 0) for worker in workers.values())
    dashboard = f", dashboard {client.dashboard_link}" if client.dashboard_link else ""
    return f"{len(workers)} workers, {threads} threads at {info.get('address')}{dashboard}"


def workers_peak_mib(client: Client) -> float:
    """Sum over the workers of each one's peak resident memory so far (MiB).

    Each worker's own high-water mark: exact, unlike polling. Workers in this process
    (``processes=False``) all report this process's.
    """
    return float(sum(client.run(_peak_rss_mib).values()))


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_tasks(
    client: Client,
    function: Callable[..., T],
    items: Sequence[Any],
    description: str,
    **kwargs: Any,
) -> list[T]:
    """``function(item, **kwargs)`` for every item on the cluster, results in item order.

    A progress bar counts finished tasks on a terminal. The first failure cancels the
    tasks still waiting and is raised here.
    """
    futures = client.map(function, list(items), pure=False, **kwargs)
    position = {future.key: i for i, future in enumerate(futures)}
    results: list[Any] = [None] * len(futures)
    console = Console(stderr=True)
    columns = (*Progress.get_default_columns()[:1], BarColumn(), MofNCompleteColumn())
    with Progress(
        *columns, TimeElapsedColumn(), console=console, disable=not console.is_terminal
    ) as progress:
        task = progress.add_task(description, total=len(futures))
        for done, future in enumerate(as_completed(futures), start=1):
            if future.status == "error":
                error = future.exception()
                client.cancel(futures)
                raise error
            # Gathered as they finish and let go, so workers do not keep every result.
            results[position[future.key]] = future.result()
            future.release()
            progress.advance(task)
            logger.debug("%s: %d of %d done", description, done, len(futures))
    return results
