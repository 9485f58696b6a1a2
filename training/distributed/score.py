"""Batch scoring on a Dask cluster: features and scores per client partition.

Each task loads its partition and scores it with the single-machine file scoring
(:func:`training.file_scoring.score_frames`: the one feature implementation, the same
:class:`~scoring.model.scorer.CreditModel` as the API, the same reasons), so each client's
probability, decision and reasons equal the single-machine ones bit for bit. Only the
scores travel back; the features stay on the worker.

Workers load the model from its store entry's directory, once per worker process: like
the data, the model store must be readable at the same path on every worker (a shared
filesystem, or the same copy on each machine).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from distributed import Client

from scoring.model.scorer import CreditModel, ModelLoadError
from training.distributed.cluster import PartitionError, run_tasks
from training.distributed.layout import Layout
from training.distributed.partitions import partition_frames
from training.file_scoring import Reasons, score_frames


@dataclass(frozen=True)
class ModelRef:
    """What a worker needs to load a store entry: its directory, tag and metadata."""

    root: str
    tag: str
    metadata: dict[str, Any] = field(hash=False)

    @classmethod
    def of(cls, model: CreditModel) -> ModelRef:
        """The reference of a model loaded here."""
        return cls(str(model.root), model.tag, dict(model.metadata))


_LOADED: dict[tuple[str, str], CreditModel] = {}


def score_partitions(
    layout: Layout,
    client: Client,
    model: CreditModel,
    application: str = "application_test",
    reasons: Reasons | None = None,
) -> pd.DataFrame:
    """``SK_ID_CURR``, ``probability`` and ``decision`` (and reasons) of every application.

    Rows come partition by partition, each in its file order.
    """
    parts = run_tasks(
        client,
        score_partition,
        range(layout.partitions),
        f"scoring {application}",
        layout=layout,
        model=ModelRef.of(model),
        application=application,
        reasons=reasons,
    )
    return pd.concat(parts, ignore_index=True)


def score_partition(
    index: int,
    layout: Layout,
    model: ModelRef,
    application: str = "application_test",
    reasons: Reasons | None = None,
) -> pd.DataFrame:
    """Task: the scores of partition ``index``'s applications, on this worker's one thread."""
    frames = partition_frames(index, layout, application)
    scorer = _load(model, explainer=reasons is not None)
    return score_frames(scorer, frames, application, reasons, threads=1)


def _load(model: ModelRef, explainer: bool) -> CreditModel:
    """The model, loaded once per worker process; its explainer (LightGBM) only for reasons,
    as ``python -m training score`` loads it."""
    key = (model.root, model.tag)
    if key not in _LOADED:
        try:
            _LOADED[key] = CreditModel(Path(model.root), model.tag, model.metadata, explainer)
        except ModelLoadError as error:
            raise PartitionError(
                f"a worker cannot load model {model.tag} from {model.root}: {error}; every "
                "worker must read the model store at the same path as this machine"
            ) from None
    return _LOADED[key]
