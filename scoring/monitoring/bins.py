"""The reference bins of every model feature and of the score, and counting values into them.

Each column is cut at the deciles of its training values (ties merged, so a 0/1 indicator has
two bins, not ten), and a last bin holds missing values. The training rows' shares of each bin
are stored with the model (``reference.json``, key ``bins``); the service counts live values
into the same bins, so a period's counts compare with the reference without any applicant's
value being kept.

A bin is right-closed, ``(edge[i-1], edge[i]]``: a value equal to an edge counts in the bin
below it, in training and in production alike. Values are compared as float32, the precision
the model reads them in: the training matrix is float32, and a float64 value of production
just above its float32 rounding would otherwise leave the bin of every tied value (a building
score of 0.1379 was counted one bin up, a PSI of 0.84 on an unchanged population).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

VALUE_BINS = 10  # deciles
WIDTH = VALUE_BINS + 1  # the value bins, then the missing bin
MISSING = VALUE_BINS  # column of the missing bin
SCORE = "score"  # the name of the score's row, after the features'
_CUTS = np.linspace(0.1, 0.9, VALUE_BINS - 1)
_CHUNK = 4096  # rows compared at once: bounds the temporaries of the comparisons


class NoReferenceBins(LookupError):
    """The model entry was trained before reference bins existed: retrain it to monitor it."""


@dataclass(frozen=True)
class Bins:
    """Bin edges and reference shares of each column (the model's features, then the score).

    ``edges`` is (columns, VALUE_BINS - 1) float32, padded with +inf; ``reference`` is
    (columns, WIDTH): each column's share of training rows per bin, missing last.
    """

    names: tuple[str, ...]
    edges: np.ndarray
    reference: np.ndarray
    rows: int

    @property
    def features(self) -> tuple[str, ...]:
        """The feature names, without the score."""
        return self.names[:-1]

    def count(self, features: np.ndarray, scores: np.ndarray) -> np.ndarray:
        """Counts (columns, WIDTH) of rows of ``features`` (rows, features) and their
        ``scores`` (rows,)."""
        # Compared as float32 (count_into): stacked as float32 at once, not via a float64 copy.
        rows = np.atleast_2d(features).astype(np.float32, copy=False)
        matrix = np.column_stack([rows, np.asarray(scores, dtype=np.float32)])
        return count_into(matrix, self.edges)

    def to_json(self) -> dict[str, Any]:
        """The form stored in ``reference.json``; +inf padding written as null."""
        return {
            "names": list(self.names),
            "edges": [[float(e) for e in row if np.isfinite(e)] for row in self.edges],
            "reference": self.reference.tolist(),
            "rows": self.rows,
        }

    @classmethod
    def from_json(cls, document: Mapping[str, Any]) -> Bins:
        """Bins as :meth:`to_json` wrote them."""
        edges = np.full((len(document["names"]), VALUE_BINS - 1), np.inf, dtype=np.float32)
        for row, column_edges in enumerate(document["edges"]):
            edges[row, : len(column_edges)] = column_edges
        return cls(
            names=tuple(document["names"]),
            edges=edges,
            reference=np.asarray(document["reference"], dtype=np.float64),
            rows=int(document["rows"]),
        )

    @classmethod
    def from_reference(cls, reference: Mapping[str, Any], model: str) -> Bins:
        """The bins of a model entry's ``reference.json``."""
        if "bins" not in reference:
            raise NoReferenceBins(
                f"model {model} has no reference bins (trained before monitoring existed): "
                "retrain it with `make train` to monitor it"
            )
        return cls.from_json(reference["bins"])


def reference_bins(features: np.ndarray, names: Sequence[str], scores: np.ndarray) -> Bins:
    """The bins of the training ``features`` (rows, columns) and their out-of-fold ``scores``,
    with the training rows' share of each bin."""
    matrix = np.column_stack([features, np.asarray(scores, dtype=np.float64)])
    edges = np.full((matrix.shape[1], VALUE_BINS - 1), np.inf, dtype=np.float32)
    for column in range(matrix.shape[1]):
        values = matrix[:, column].astype(np.float32)
        present = values[~np.isnan(values)]
        if len(present):
            # Training values as edges (method "lower"), never a value between two of them.
            cuts = np.unique(np.quantile(present, _CUTS, method="lower"))
            edges[column, : len(cuts)] = cuts
    counts = count_into(matrix, edges)
    return Bins(
        names=(*names, SCORE),
        edges=edges,
        reference=counts / max(len(matrix), 1),
        rows=len(matrix),
    )


def count_into(matrix: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Counts (columns, WIDTH) of the rows of ``matrix`` (rows, columns) in ``edges``' bins."""
    counts = np.zeros(edges.shape[0] * WIDTH, dtype=np.int64)
    offsets = np.arange(edges.shape[0], dtype=np.intp) * WIDTH
    for start in range(0, len(matrix), _CHUNK):
        # Row-major: a column-major chunk (the feature matrix is) compares three times slower.
        chunk = np.ascontiguousarray(matrix[start : start + _CHUNK], dtype=np.float32)
        # The number of edges below a value is its bin; NaN compares False, then is moved.
        # One comparison per edge, added up in place (branch-free, so as fast on any data):
        # the (rows, columns, edges) temporary and its sum cost three times as much.
        index = np.zeros(chunk.shape, dtype=np.int8)
        for edge in edges.T:
            index += chunk > edge
        index[np.isnan(chunk)] = MISSING
        counts += np.bincount((index + offsets).ravel(), minlength=len(counts))
    return counts.reshape(edges.shape[0], WIDTH)
