"""The training sample at scale: whole partitions of clients, their features built on Dask.

A model is trained in memory on one machine (the pipeline of :mod:`training.model.pipeline`
unchanged: the same selection, cross-validation, ONNX export, explainer and checks). At 10×
the Kaggle scale the full matrix (3 million clients × 546 features, 13 GB) does not fit
next to LightGBM's copies on a 24 GiB machine, so the model trains on a sample of clients.

The sample is a set of partitions drawn at random with the seed. Partitions are a hash of
``SK_ID_CURR``, so a set of partitions is a uniform random sample of clients, with their
whole history, and only those partitions are read. Its AUC cost against the whole data was
measured at 1× (``benchmarks/sample_training.py``, docs/scaling.md).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import psutil
from distributed import Client

from scoring.features import FEATURE_NAMES, FeatureMatrix, build_batch
from training.distributed.cluster import run_tasks
from training.distributed.layout import Layout
from training.distributed.partitions import partition_frames

# The gathered matrix, its float32 model input and the pipeline's train/holdout copies.
COPIES_IN_MEMORY = 3


def sample_partitions(layout: Layout, share: float, seed: int) -> list[int]:
    """``share`` of the partitions (at least one), drawn with ``seed``, in order."""
    if not 0.0 < share <= 1.0:
        raise ValueError(f"the sample share must be in (0, 1], got {share}")
    count = min(layout.partitions, max(1, round(share * layout.partitions)))
    drawn = np.random.default_rng(seed).choice(layout.partitions, count, replace=False)
    return sorted(int(index) for index in drawn)


def sample_memory(layout: Layout, partitions: list[int]) -> int:
    """Bytes the sample's feature matrix takes in memory during training (an estimate)."""
    clients = sum(layout.partition_rows[i]["application_train"] for i in partitions)
    return clients * len(FEATURE_NAMES) * 8 * COPIES_IN_MEMORY


def check_memory(layout: Layout, partitions: list[int]) -> None:
    """Refuse a sample whose matrix would not fit in the memory available now."""
    needed, available = sample_memory(layout, partitions), psutil.virtual_memory().available
    if needed > available:
        clients = sum(layout.partition_rows[i]["application_train"] for i in partitions)
        raise MemoryError(
            f"training on {clients:,} clients needs about {needed / 2**30:,.1f} GiB for their "
            f"features, and {available / 2**30:,.1f} GiB are available; pass a smaller --sample"
        )


def training_sample(
    layout: Layout, client: Client, partitions: list[int]
) -> tuple[dict[str, pd.DataFrame], FeatureMatrix]:
    """The application rows of ``partitions`` and their feature matrix, in the same order.

    What ``train_model`` needs: the rows (target, fairness attributes, fingerprint) and the
    features built on the cluster, so no history table comes to this process.
    """
    parts = run_tasks(
        client, _sample_part, partitions, "features of the training sample", layout=layout
    )
    applications = pd.concat([frame for frame, _ in parts], ignore_index=True)
    matrix = FeatureMatrix(
        client_ids=np.concatenate([m.client_ids for _, m in parts]),
        values=np.asfortranarray(np.concatenate([m.values for _, m in parts])),
    )
    return {"application_train": applications}, matrix


def _sample_part(index: int, layout: Layout) -> tuple[pd.DataFrame, FeatureMatrix]:
    """Task: one partition's labelled applications and their features."""
    frames = partition_frames(index, layout, "application_train")
    return frames["application_train"], build_batch(frames, "application_train")
