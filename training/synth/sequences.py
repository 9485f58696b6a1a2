"""Vectorised helpers for per-parent sequences (months of a credit, instalments of a loan)."""

from __future__ import annotations

import numpy as np


def expand(lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Parent index and 0-based position of every child row, for the given lengths."""
    lengths = np.maximum(lengths, 0)
    parent = np.repeat(np.arange(len(lengths)), lengths)
    starts = np.cumsum(lengths) - lengths
    position = np.arange(len(parent)) - np.repeat(starts, lengths)
    return parent, position


def propensity(risk: np.ndarray, shared: float, rng: np.random.Generator) -> np.ndarray:
    """A standard normal correlated ``shared`` with the latent risk."""
    return shared * risk + np.sqrt(1.0 - shared**2) * rng.standard_normal(len(risk))
